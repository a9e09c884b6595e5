using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Sync;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Get-SophosUsage: what Sophos Central bills the partner for a month, one object per customer and product.
    /// The month's report is read once per session (every page); a month with no report yet is a warning, not a failure.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SophosUsage")]
    [OutputType(typeof(SophosUsageItem))]
    public sealed class GetSophosUsageCommand : UsageMonthCmdlet
    {
        /// <summary>Read the report again instead of using the one cached in this session.</summary>
        [Parameter]
        public SwitchParameter Refresh { get; set; }

        protected override void EndProcessing()
        {
            (int year, int month) = Guard(() => UsageSyncRequest.UsageMonth(Year, Month, DateTimeOffset.UtcNow));

            SophosCentralClient sophos = RequireSophos();
            var customers = Run((observer, token) => sophos.GetCustomersAsync(false, observer, token));
            SophosUsageReport report = Run((observer, token) => sophos.GetUsageAsync(year, month, Refresh, observer, token));
            if (!report.HasData)
            {
                WriteWarning($"Sophos Central has no usage for {year:D4}-{month:D2} yet (it answered 404). Ask again once Sophos has billed the month.");
                WriteRequestSummary();
                return;
            }

            var known = customers.ToDictionary(c => c.SophosCustomerId);
            var usable = report.Items.Where(i => i.SophosCustomerId.HasValue && known.ContainsKey(i.SophosCustomerId.Value)).ToList();
            int leftOut = report.Items.Count - usable.Count;
            if (leftOut > 0)
                WriteWarning($"{leftOut} usage item(s) of {year:D4}-{month:D2} name no customer, or a customer not in the partner's customer list; they were left out.");

            IEnumerable<SophosUsageItem> selected = usable;
            if (_names.Count > 0 || _ids.Count > 0)
            {
                NameFilter filter = Guard(() => NameFilter.Create(_names, customers.Select(c => c.SophosCustomerName)));
                var ids = new HashSet<Guid>(_ids);
                ids.UnionWith(customers.Where(c => filter.IsMatch(c.SophosCustomerName)).Select(c => c.SophosCustomerId));
                foreach (var (name, _, _) in filter.Names.Where(n => !n.IsPattern && !n.Matched))
                    WriteItemError(new PsaMappingException(ErrorIds.SophosCustomerNotFound, PsaErrorKind.NotFound,
                        $"The partner has no Sophos Central customer named {UserText.Quoted(name)}. Run Get-SophosCustomer to list the customers.") { Target = name });
                selected = usable.Where(i => ids.Contains(i.SophosCustomerId!.Value));
            }

            WriteObject(selected, enumerateCollection: true);
            WriteRequestSummary();
        }
    }
}
