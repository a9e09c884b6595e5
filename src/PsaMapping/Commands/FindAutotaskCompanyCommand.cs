using System;
using System.Collections.Generic;
using System.Management.Automation;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Matching;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Find-AutotaskCompany: companies ranked as an autocomplete would rank them ("Autotask customer names
    /// appear as you type"). Also takes Sophos customers from the pipeline and searches for each one's name.
    /// </summary>
    [Cmdlet(VerbsCommon.Find, "AutotaskCompany")]
    [OutputType(typeof(AutotaskCompany))]
    public sealed class FindAutotaskCompanyCommand : PsaMappingCmdlet
    {
        // One request per search is cheapest for a few names; past this many piped names, fetching every
        // company once (500 a request) and ranking locally costs less.
        private const int SearchesBeforeFetchingAll = 10;

        private AutotaskDirectory? _directory;
        private int _searches;

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("SophosCustomerName")]
        [ArgumentCompleter(typeof(AutotaskCompanyNameCompleter))]
        [AllowEmptyString]
        public string? Name { get; set; }

        /// <summary>Passed through from piped Sophos customers, so the results can be mapped to them.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public Guid? SophosCustomerId { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int First { get; set; }

        [Parameter]
        public SwitchParameter IncludeInactive { get; set; }

        protected override void BeginProcessing() => _directory = RequireAutotask();

        protected override void ProcessRecord()
        {
            AutotaskDirectory directory = _directory!;
            string query = Name ?? string.Empty;
            int? first = First > 0 ? First : (int?)null;
            bool piped = MyInvocation.ExpectingInput;
            string? sophosName = SophosCustomerId.HasValue ? Name : null;

            if (piped && ++_searches > SearchesBeforeFetchingAll && !directory.HasAllCompanies)
            {
                WriteVerbose("Many names to look up: fetching every Autotask company once instead of searching for each.");
                Run((observer, token) => directory.GetAllCompaniesAsync(token));
            }

            IReadOnlyList<Ranked<AutotaskCompany>> ranked = Run((observer, token) => directory.SearchCompaniesAsync(query, IncludeInactive, first, token));
            if (ranked.Count == 0) WriteVerbose($"No Autotask company matches '{query}'.");
            foreach (Ranked<AutotaskCompany> match in ranked)
                WriteObject(match.Item.WithMatch(match.Match.Score, match.Match.Kind.ToString(), SophosCustomerId, sophosName));
        }

        protected override void EndProcessing() => WriteRequestSummary();
    }
}
