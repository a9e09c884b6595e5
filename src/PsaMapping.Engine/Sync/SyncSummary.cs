using System;
using System.Collections.Generic;
using System.Linq;
using PsaMapping.Engine.Mapping;

namespace PsaMapping.Engine.Sync
{
    /// <summary>One customer's result of a sync, to record on its mapping row.</summary>
    public sealed record CustomerSyncResult(Guid SophosCustomerId, SyncOutcome Status, string Message);

    /// <summary>Counts and per-customer status of a sync's lines, and its one summary sentence.</summary>
    public static class SyncSummary
    {
        /// <summary>
        /// Each synchronized customer's status. Customers skipped because they are not mapped or have sync off are
        /// not listed: nothing was attempted for them. Lines stopped by Ctrl+C make the customer Partial or Failed.
        /// </summary>
        public static IReadOnlyList<CustomerSyncResult> PerCustomer(IEnumerable<SyncLine> lines, bool whatIf = false)
        {
            var results = new List<CustomerSyncResult>();
            foreach (IGrouping<Guid, SyncLine> customer in lines.GroupBy(l => l.SophosCustomerId))
            {
                if (customer.All(l => l.Reason == ErrorIds.SyncCustomerNotMapped || l.Reason == ErrorIds.SyncDisabled)) continue;
                var good = customer.Where(l => l.Status == SyncLineStatus.Adjusted || l.Status == SyncLineStatus.Unchanged || (whatIf && l.Status == SyncLineStatus.WouldAdjust)).ToList();
                var bad = customer.Where(l => l.Status == SyncLineStatus.Failed || l.Status == SyncLineStatus.Skipped).ToList();
                SyncOutcome status = bad.Count == 0 ? SyncOutcome.Succeeded : good.Count == 0 ? SyncOutcome.Failed : SyncOutcome.Partial;
                string message = bad.Count == 0
                    ? $"{Count(customer.Count(l => l.Status == SyncLineStatus.Adjusted), "line")} adjusted, {customer.Count(l => l.Status == SyncLineStatus.Unchanged)} unchanged."
                    : string.Join(" ", bad.Select(l => l.Message).Distinct().Take(3)) + (bad.Count > 3 ? $" (and {bad.Count - 3} more)" : "");
                results.Add(new CustomerSyncResult(customer.Key, status, message));
            }

            return results;
        }

        /// <summary>"Synced 212 customers: 37 lines adjusted, 580 unchanged, 2 failed" (or "would be adjusted" under -WhatIf).</summary>
        public static string Sentence(IReadOnlyCollection<SyncLine> lines, bool whatIf)
        {
            int customers = lines.Where(l => l.Reason != ErrorIds.SyncCustomerNotMapped && l.Reason != ErrorIds.SyncDisabled)
                .Select(l => l.SophosCustomerId).Distinct().Count();
            int adjusted = lines.Count(l => l.Status == SyncLineStatus.Adjusted);
            int would = lines.Count(l => l.Status == SyncLineStatus.WouldAdjust);
            int unchanged = lines.Count(l => l.Status == SyncLineStatus.Unchanged);
            int skipped = lines.Count(l => l.Status == SyncLineStatus.Skipped);
            int failed = lines.Count(l => l.Status == SyncLineStatus.Failed);
            string head = whatIf ? $"What if: sync of {Count(customers, "customer")}: {Count(would, "line")} would be adjusted" : $"Synced {Count(customers, "customer")}: {Count(adjusted, "line")} adjusted";
            return $"{head}, {unchanged} unchanged, {skipped} skipped, {failed} failed.";
        }

        private static string Count(int n, string noun) => n == 1 ? "1 " + noun : n + " " + noun + "s";
    }
}
