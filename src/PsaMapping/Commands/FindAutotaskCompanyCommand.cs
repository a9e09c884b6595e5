using System;
using System.Collections.Generic;
using System.Management.Automation;
using PsaMapping.Engine;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Matching;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Find-AutotaskCompany: companies ranked as an autocomplete would rank them ("Autotask customer names
    /// appear as you type"). Sophos customers piped in are a different question, "which company is this
    /// customer?": their whole names are matched the way Get-PsaMappingSuggestion matches them.
    /// </summary>
    [Cmdlet(VerbsCommon.Find, "AutotaskCompany")]
    [OutputType(typeof(AutotaskCompany))]
    public sealed class FindAutotaskCompanyCommand : PsaMappingCmdlet
    {
        private AutotaskDirectory? _directory;
        private int _lookups;

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

            if (MyInvocation.ExpectingInput && RequestBudget.FetchAllCompaniesBefore(++_lookups) && !directory.HasAllCompanies)
            {
                WriteVerbose("Many names to look up: fetching every Autotask company once instead of searching for each.");
                Run((observer, token) => directory.GetAllCompaniesAsync(token));
            }

            if (SophosCustomerId.HasValue)
            {
                // A customer's whole name: the suggestion matcher, not the autocomplete.
                var matches = Run((observer, token) => directory.MatchCustomerNameAsync(query, IncludeInactive, first, token));
                if (matches.Count == 0) WriteVerbose($"No Autotask company has a name like '{query}'.");
                foreach (var (company, match) in matches)
                    WritePassedThrough(company.WithMatch(match.Score, "Similarity"), SophosCustomerId, Name);
                return;
            }

            IReadOnlyList<Ranked<AutotaskCompany>> ranked = Run((observer, token) => directory.SearchCompaniesAsync(query, IncludeInactive, first, token));
            if (ranked.Count == 0) WriteVerbose($"No Autotask company matches '{query}'.");
            foreach (Ranked<AutotaskCompany> match in ranked)
                WritePassedThrough(match.Item.WithMatch(match.Match.Score, match.Match.Kind.ToString()), null, null);
        }

        protected override void EndProcessing() => WriteRequestSummary();
    }
}
