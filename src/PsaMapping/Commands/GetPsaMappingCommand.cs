using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Get-PsaMapping: the saved mappings, as the Sophos page shows them. Reads the store only; with
    /// -IncludeUnmapped it also lists every Sophos customer without a mapping as a blank row.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "PsaMapping")]
    [OutputType(typeof(MappingRow))]
    public sealed class GetPsaMappingCommand : PsaMappingCmdlet
    {
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(SophosCustomerNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? SophosCustomer { get; set; }

        /// <summary>Only the mappings whose Sync with PSA flag is this.</summary>
        [Parameter]
        public bool? SyncEnabled { get; set; }

        [Parameter]
        public SwitchParameter IncludeUnmapped { get; set; }

        protected override void EndProcessing()
        {
            MappingSnapshot saved = UseStore((store, token) => store.LoadAsync(token));
            IEnumerable<MappingRow> rows = saved.Mappings.Select(MappingRow.From);

            if (IncludeUnmapped)
            {
                SophosCentralClient sophos = RequireSophos();
                IReadOnlyList<SophosCustomer> customers = Run((observer, token) => sophos.GetCustomersAsync(false, observer, token));
                var mapped = new HashSet<Guid>(saved.Mappings.Select(m => m.SophosCustomerId));
                rows = rows.Concat(customers.Where(c => !mapped.Contains(c.SophosCustomerId)).Select(MappingRow.Unmapped))
                    .OrderBy(r => r.SophosCustomerName, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.SophosCustomerId);
            }

            if (SyncEnabled.HasValue) rows = rows.Where(r => r.IsMapped && r.SyncEnabled == SyncEnabled.Value);
            if (SophosCustomer != null)
            {
                var list = rows.ToList();
                NameFilter filter = Guard(() => NameFilter.Create(SophosCustomer, list.Select(r => r.SophosCustomerName)));
                rows = list.Where(r => filter.IsMatch(r.SophosCustomerName));
            }

            WriteObject(rows, enumerateCollection: true);
            WriteRequestSummary();
        }
    }
}
