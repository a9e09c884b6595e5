using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Sync;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Get-PsaProductMapping: which Sophos product is billed as which Autotask service. Reads the store only; with
    /// -IncludeUnmapped it also lists the product codes of the latest usage that have no mapping, each with a suggested
    /// service.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "PsaProductMapping")]
    [OutputType(typeof(ProductMappingRow))]
    public sealed class GetPsaProductMappingCommand : PsaMappingCmdlet
    {
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? ProductCode { get; set; }

        /// <summary>Also list the product codes of the latest month's usage that have no mapping, with a suggested service.</summary>
        [Parameter]
        public SwitchParameter IncludeUnmapped { get; set; }

        protected override void EndProcessing()
        {
            MappingSnapshot saved = UseStore((store, token) => store.LoadAsync(token));
            IEnumerable<ProductMappingRow> rows = saved.Products.Select(p => ProductMappingRow.From(p));

            if (IncludeUnmapped)
            {
                SophosCentralClient sophos = RequireSophos();
                AutotaskDirectory autotask = RequireAutotask();
                (int year, int month) = UsageSyncRequest.PreviousMonth(DateTimeOffset.UtcNow);
                var unmapped = Run(async (observer, token) =>
                {
                    Task<IReadOnlyList<AutotaskService>> services = autotask.GetServicesAsync(includeInactive: false, token);
                    SophosUsageReport usage = await sophos.GetUsageAsync(year, month, false, observer, token).ConfigureAwait(false);
                    if (!usage.HasData)
                    {
                        // The month just ended may not be billed yet: the month before is the latest usage then.
                        DateTime before = new DateTime(year, month, 1).AddMonths(-1);
                        usage = await sophos.GetUsageAsync(before.Year, before.Month, false, observer, token).ConfigureAwait(false);
                    }
                    observer.Verbose(usage.HasData ? $"Unmapped products are those of the usage of {usage.Year:D4}-{usage.Month:D2}." : "Sophos Central has no recent usage to list unmapped products from.");
                    return ProductMappingRow.Unmapped(usage.Items, saved.Products, await services.ConfigureAwait(false));
                });
                rows = rows.Concat(unmapped).OrderBy(r => r.ProductCode, StringComparer.OrdinalIgnoreCase);
            }

            if (ProductCode != null)
            {
                List<ProductMappingRow> listed = rows.ToList();
                NameFilter filter = Guard(() => NameFilter.Create(ProductCode, listed.Select(r => r.ProductCode)));
                rows = listed.Where(r => filter.IsMatch(r.ProductCode));
            }

            WriteObject(rows, enumerateCollection: true);
            WriteRequestSummary();
        }
    }
}
