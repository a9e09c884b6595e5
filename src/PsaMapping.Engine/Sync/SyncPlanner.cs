using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Engine.Sync
{
    /// <summary>A mapping to synchronize, and whether the user named its customer (then a skip is reported, not silent).</summary>
    public sealed record SyncSubject(Guid SophosCustomerId, string SophosCustomerName, CustomerMapping? Mapping, bool Named);

    /// <summary>Everything the planner decides from: read once, before anything is posted.</summary>
    public sealed class SyncFacts
    {
        public int Year { get; set; }
        public int Month { get; set; }
        public DateTime EffectiveDate { get; set; }
        public bool AddMissingService { get; set; }

        /// <summary>False when Sophos has no billing data for the month (404): then nothing changes anywhere.</summary>
        public bool UsageAvailable { get; set; } = true;

        public IReadOnlyList<SyncSubject> Subjects { get; set; } = Array.Empty<SyncSubject>();
        /// <summary>The month's usage items; those without a customer id are ignored.</summary>
        public IReadOnlyList<SophosUsageItem> Usage { get; set; } = Array.Empty<SophosUsageItem>();

        /// <summary>Product code to Autotask service id (several codes may name one service).</summary>
        public IReadOnlyDictionary<string, long> ProductMap { get; set; } = new Dictionary<string, long>();

        public IReadOnlyDictionary<long, string> ServiceNames { get; set; } = new Dictionary<long, string>();
        public IReadOnlyDictionary<long, AutotaskContract> Contracts { get; set; } = new Dictionary<long, AutotaskContract>();
        /// <summary>The service lines of the mapped contracts (ContractServices).</summary>
        public IReadOnlyList<AutotaskContractService> Lines { get; set; } = Array.Empty<AutotaskContractService>();

        /// <summary>Their ContractServiceUnits rows (at least those that may be in force on the effective date).</summary>
        public IReadOnlyList<AutotaskServiceUnits> Units { get; set; } = Array.Empty<AutotaskServiceUnits>();
    }

    /// <summary>A usage product code with no product mapping, and the customers whose lines it left out.</summary>
    public sealed record UnmappedProduct(string ProductCode, IReadOnlyList<string> CustomerNames);

    /// <summary>What a sync would do.</summary>
    /// <param name="Lines">Every line, in customer then service order; those to post have Status WouldAdjust.</param>
    /// <param name="UnmappedProducts">The usage products with no product mapping.</param>
    public sealed record SyncPlan(IReadOnlyList<SyncLine> Lines, IReadOnlyList<UnmappedProduct> UnmappedProducts);

    /// <summary>
    /// Decides, from facts read beforehand, what each contract service line should hold and what to post: pure, so
    /// that -WhatIf and a real run agree line for line, and so that every rule is unit-tested without a server.
    /// Targets are absolute (the sum of the month's billable quantities over the product codes mapped to a service)
    /// and every change is target minus the units Autotask holds on the effective date, so a rerun posts nothing.
    /// </summary>
    public static class SyncPlanner
    {
        public static SyncPlan Plan(SyncFacts facts)
        {
            if (facts == null) throw new ArgumentNullException(nameof(facts));
            var lines = new List<SyncLine>();
            var unmapped = new SortedDictionary<string, SortedSet<string>>(StringComparer.OrdinalIgnoreCase);
            if (!facts.UsageAvailable) return new SyncPlan(lines, Array.Empty<UnmappedProduct>());

            var productMap = new Dictionary<string, long>(facts.ProductMap.ToDictionary(p => p.Key, p => p.Value), StringComparer.OrdinalIgnoreCase);
            var mappedServices = new HashSet<long>(productMap.Values);
            ILookup<Guid, SophosUsageItem> usage = facts.Usage.Where(u => u.SophosCustomerId.HasValue).ToLookup(u => u.SophosCustomerId!.Value);
            ILookup<long, AutotaskContractService> linesByContract = facts.Lines.ToLookup(l => l.ContractId);
            ILookup<long, AutotaskServiceUnits> unitsByLine = facts.Units.ToLookup(u => u.ContractServiceId);
            AutotaskServiceUnits? RowOn(AutotaskContractService line) => AutotaskBilling.UnitsInForce(unitsByLine[line.ContractServiceId], facts.EffectiveDate);
            decimal UnitsOn(AutotaskContractService line) => RowOn(line)?.Units ?? 0m;

            var toSync = new List<SyncSubject>();
            foreach (SyncSubject subject in facts.Subjects)
            {
                SyncLine bare = new SyncLine(subject.SophosCustomerId, subject.SophosCustomerName, subject.Mapping?.AutotaskCompanyId,
                    subject.Mapping?.ContractId, subject.Mapping?.ContractName, facts.Year, facts.Month, facts.EffectiveDate);
                if (subject.Mapping == null)
                {
                    if (subject.Named)
                        lines.Add(bare.WithStatus(SyncLineStatus.Skipped, SyncErrors.NotMappedMessage(subject.SophosCustomerName, subject.SophosCustomerId), ErrorIds.SyncCustomerNotMapped));
                }
                else if (!subject.Mapping.SyncEnabled)
                {
                    if (subject.Named)
                        lines.Add(bare.WithStatus(SyncLineStatus.Skipped, SyncErrors.SyncOffMessage(subject.SophosCustomerName, subject.SophosCustomerId), ErrorIds.SyncDisabled));
                }
                else
                {
                    toSync.Add(subject);
                }
            }

            // Customers mapped to one contract are billed together: their quantities are summed into the same lines,
            // so that each does not in turn set the contract to its own usage alone.
            foreach (IGrouping<long, SyncSubject> group in toSync.GroupBy(s => s.Mapping!.ContractId))
            {
                SyncSubject first = group.First();
                CustomerMapping mapping = first.Mapping!;
                var bare = new SyncLine(first.SophosCustomerId, first.SophosCustomerName, mapping.AutotaskCompanyId, mapping.ContractId,
                    mapping.ContractName, facts.Year, facts.Month, facts.EffectiveDate);
                string who = string.Join(", ", group.Select(s => $"'{s.SophosCustomerName}'"));

                string? refusal = ContractRefusal(facts, mapping, who, out string reason);
                if (refusal != null)
                {
                    lines.Add(bare.WithStatus(SyncLineStatus.Failed, refusal, reason));
                    continue;
                }

                AutotaskContract contract = facts.Contracts[mapping.ContractId];
                bare = new SyncLine(first.SophosCustomerId, first.SophosCustomerName, mapping.AutotaskCompanyId, mapping.ContractId,
                    contract.ContractName, facts.Year, facts.Month, facts.EffectiveDate);

                List<SophosUsageItem> items = group.SelectMany(s => usage[s.SophosCustomerId]).ToList();
                if (items.Count == 0)
                {
                    lines.Add(bare.WithStatus(SyncLineStatus.Skipped,
                        $"Sophos has no usage for {who} in {MonthLabel(facts)}, so the contract '{contract.ContractName}' was left as it is: " +
                        "setting a whole contract to zero is a decision for a person. If the customer really stopped, adjust the contract in Autotask.",
                        ErrorIds.SyncNoUsage));
                    continue;
                }

                // Target per mapped service: the sum over every product code mapped to it.
                var targets = new SortedDictionary<long, decimal>();
                var codes = new Dictionary<long, SortedSet<string>>();
                var unmappedHere = new SortedDictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
                foreach (SophosUsageItem item in items)
                {
                    if (!productMap.TryGetValue(item.ProductCode, out long serviceId))
                    {
                        unmappedHere.TryGetValue(item.ProductCode, out decimal sum);
                        unmappedHere[item.ProductCode] = sum + item.BillableQuantity;
                        if (!unmapped.TryGetValue(item.ProductCode, out SortedSet<string>? names))
                            unmapped[item.ProductCode] = names = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
                        foreach (SyncSubject s in group.Where(s => s.SophosCustomerId == item.SophosCustomerId)) names.Add(s.SophosCustomerName);
                        continue;
                    }

                    targets.TryGetValue(serviceId, out decimal total);
                    targets[serviceId] = total + item.BillableQuantity;
                    if (!codes.TryGetValue(serviceId, out SortedSet<string>? set)) codes[serviceId] = set = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
                    set.Add(item.ProductCode);
                }

                foreach (KeyValuePair<string, decimal> product in unmappedHere)
                    lines.Add(bare.ForService(null, null, null, new[] { product.Key }).WithUnits(null, product.Value).WithStatus(SyncLineStatus.Skipped,
                        $"The Sophos product '{product.Key}' has no product mapping, so its {Units(product.Value)} were not billed. " +
                        $"Map it to an Autotask service: Find-AutotaskService '<name>' | Set-PsaProductMapping -ProductCode '{product.Key}'.",
                        ErrorIds.SyncProductUnmapped));

                // A mapped service already on the contract whose products vanished from the usage goes to 0.
                List<AutotaskContractService> contractLines = linesByContract[mapping.ContractId].ToList();
                foreach (AutotaskContractService line in contractLines)
                    if (mappedServices.Contains(line.AutotaskServiceId) && !targets.ContainsKey(line.AutotaskServiceId))
                    {
                        targets[line.AutotaskServiceId] = 0m;
                        codes[line.AutotaskServiceId] = new SortedSet<string>(productMap.Where(p => p.Value == line.AutotaskServiceId).Select(p => p.Key), StringComparer.OrdinalIgnoreCase);
                    }

                foreach (KeyValuePair<long, decimal> target in targets)
                {
                    long serviceId = target.Key;
                    facts.ServiceNames.TryGetValue(serviceId, out string? serviceName);
                    IReadOnlyList<string> productCodes = codes[serviceId].ToList();
                    string service = serviceName == null ? $"service id {serviceId}" : $"'{serviceName}' (service id {serviceId})";
                    List<AutotaskContractService> onContract = contractLines.Where(l => l.AutotaskServiceId == serviceId).OrderBy(l => l.ContractServiceId).ToList();

                    if (onContract.Count > 1)
                    {
                        string ids = string.Join(", ", onContract.Select(l => l.ContractServiceId.ToString(CultureInfo.InvariantCulture)));
                        foreach (AutotaskContractService line in onContract)
                            lines.Add(bare.ForService(serviceId, serviceName, line.ContractServiceId, productCodes)
                                .WithUnits(UnitsOn(line), target.Value)
                                .WithStatus(SyncLineStatus.Failed,
                                    $"The contract '{contract.ContractName}' (id {contract.ContractId}) has {service} on {onContract.Count} lines (contract service ids {ids}); " +
                                    "which one to adjust is ambiguous, so neither was. Leave the service on one line of the contract in Autotask, then sync again.",
                                    ErrorIds.SyncServiceAmbiguous));
                        continue;
                    }

                    if (onContract.Count == 0)
                    {
                        SyncLine missing = bare.ForService(serviceId, serviceName, null, productCodes).WithUnits(0m, target.Value);
                        if (target.Value == 0m)
                            continue; // nothing to bill and nothing on the contract: nothing to say
                        if (facts.AddMissingService)
                            lines.Add(missing.WithStatus(SyncLineStatus.WouldAdjust,
                                $"Adds {service} to the contract with {Units(target.Value)}."));
                        else
                            lines.Add(missing.WithStatus(SyncLineStatus.Failed,
                                $"The contract '{contract.ContractName}' (id {contract.ContractId}) has no line for {service}, so its {Units(target.Value)} were not billed. " +
                                "Add the service to the contract in Autotask, or run Sync-PsaUsage -AddMissingService to let the adjustment add it.",
                                ErrorIds.SyncServiceNotOnContract));
                        continue;
                    }

                    AutotaskContractService only = onContract[0];
                    AutotaskServiceUnits? row = RowOn(only);
                    decimal current = row?.Units ?? 0m;
                    SyncLine planned = bare.ForService(serviceId, serviceName, only.ContractServiceId, productCodes).WithUnits(current, target.Value);
                    if (current == target.Value)
                        lines.Add(planned.WithStatus(SyncLineStatus.Unchanged));
                    else if (row != null && row.IsPosted)
                        // Autotask refuses to change an approved and posted period: saying so costs no request, and a rerun posts nothing.
                        lines.Add(planned.WithStatus(SyncLineStatus.Failed,
                            $"The billing period of {service} on the contract '{contract.ContractName}' from {row.StartDate:yyyy-MM-dd} to {row.EndDate:yyyy-MM-dd} is already approved and posted, " +
                            $"so Autotask would refuse the change from {Units(current)} to {Units(target.Value)}. Sync with a later -EffectiveDate (the first day of the next open period), or bill the difference by hand.",
                            ErrorIds.SyncPeriodPosted));
                    else
                        lines.Add(planned.WithStatus(SyncLineStatus.WouldAdjust, $"From {Units(current)} to {Units(target.Value)} on {facts.EffectiveDate:yyyy-MM-dd}."));
                }
            }

            return new SyncPlan(lines, unmapped.Select(p => new UnmappedProduct(p.Key, p.Value.ToList())).ToList());
        }

        private static string? ContractRefusal(SyncFacts facts, CustomerMapping mapping, string who, out string reason)
        {
            reason = "";
            if (!facts.Contracts.TryGetValue(mapping.ContractId, out AutotaskContract? contract))
            {
                reason = ErrorIds.SyncContractGone;
                return $"Autotask no longer has the contract '{mapping.ContractName}' (id {mapping.ContractId}) mapped to {who}. " +
                       $"Pick another contract: Find-AutotaskContract -AutotaskCompanyId {mapping.AutotaskCompanyId}, then Set-PsaMapping.";
            }

            string name = $"'{contract.ContractName}' (id {contract.ContractId})";
            if (!contract.SupportsUsageSync)
            {
                reason = ErrorIds.SyncContractNotRecurring;
                return $"The contract {name} mapped to {who} is a {contract.ContractType ?? "non-recurring"} contract; usage can only be billed through a Recurring Service contract. " +
                       "Map a Recurring Service contract with Set-PsaMapping, or turn sync off for the customer.";
            }

            if (!contract.IsActive)
            {
                reason = ErrorIds.SyncContractInactive;
                return $"The contract {name} mapped to {who} is inactive (cancelled). Reactivate it in Autotask, or map an active contract with Set-PsaMapping.";
            }

            if (contract.EndDate.HasValue && contract.EndDate.Value.Date < facts.EffectiveDate.Date)
            {
                reason = ErrorIds.SyncContractEnded;
                return $"The contract {name} mapped to {who} ended on {contract.EndDate:yyyy-MM-dd}, before the effective date {facts.EffectiveDate:yyyy-MM-dd}. " +
                       "Extend the contract in Autotask, map the customer to a current contract, or give an -EffectiveDate within the contract.";
            }

            if (contract.StartDate.HasValue && contract.StartDate.Value.Date > facts.EffectiveDate.Date)
            {
                reason = ErrorIds.SyncContractNotStarted;
                return $"The contract {name} mapped to {who} starts on {contract.StartDate:yyyy-MM-dd}, after the effective date {facts.EffectiveDate:yyyy-MM-dd}. " +
                       "Give an -EffectiveDate within the contract, or map the customer to the contract in force.";
            }

            return null;
        }

        private static string MonthLabel(SyncFacts facts) => new DateTime(facts.Year, facts.Month, 1).ToString("yyyy-MM", CultureInfo.InvariantCulture);

        internal static string Units(decimal units) =>
            units == 1m ? "1 unit" : units.ToString("0.####", CultureInfo.InvariantCulture) + " units";
    }
}
