using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Matching;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Find-AutotaskService: the Autotask service catalogue, ranked like company search, to pick the service a Sophos
    /// product is billed as. One request reads the catalogue, once per session; the ranking happens here.
    /// </summary>
    [Cmdlet(VerbsCommon.Find, "AutotaskService")]
    [OutputType(typeof(AutotaskService))]
    public sealed class FindAutotaskServiceCommand : PsaMappingCmdlet
    {
        private IReadOnlyList<AutotaskService>? _services;

        /// <summary>All or part of the service name; empty lists every service, by name.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("ServiceName")]
        [AllowEmptyString]
        public string? Name { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int First { get; set; }

        [Parameter]
        public SwitchParameter IncludeInactive { get; set; }

        protected override void ProcessRecord()
        {
            if (_services == null)
            {
                AutotaskDirectory autotask = RequireAutotask();
                _services = Run((observer, token) => autotask.GetServicesAsync(IncludeInactive, token));
            }

            int? first = First > 0 ? First : (int?)null;
            if (string.IsNullOrWhiteSpace(Name))
            {
                IEnumerable<AutotaskService> all = _services.OrderBy(s => s.ServiceName, System.StringComparer.OrdinalIgnoreCase);
                WriteObject(first.HasValue ? all.Take(first.Value) : all, enumerateCollection: true);
                return;
            }

            IReadOnlyList<Ranked<AutotaskService>> ranked = AutocompleteRanker.Rank(Name, _services, s => s.ServiceName, first);
            if (ranked.Count == 0) WriteVerbose($"No Autotask service matches '{Name}'. Find-AutotaskService with no name lists them all.");
            WriteObject(ranked.Select(r => r.Item), enumerateCollection: true);
        }

        protected override void EndProcessing() => WriteRequestSummary();
    }
}
