using System;
using System.Collections.Generic;
using System.Linq;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Engine.Sync
{
    /// <summary>Test-PsaMapping's sync checks: a failed last sync, usage products with no mapping, mapped services missing from contracts.</summary>
    public static class SyncChecks
    {
        public const string LastSyncFailed = "LastSyncFailed";
        public const string ProductUnmapped = "ProductUnmapped";
        public const string ServiceNotOnContract = "ServiceNotOnContract";

        /// <param name="usage">The latest month's usage (or null when Sophos has none).</param>
        /// <param name="lines">The service lines of the synced mappings' contracts.</param>
        public static IReadOnlyList<MappingProblem> Check(MappingSnapshot saved, SophosUsageReport? usage, IReadOnlyList<AutotaskContractService> lines)
        {
            var problems = new List<MappingProblem>();
            var productMap = saved.Products.ToDictionary(p => p.ProductCode, p => p, ProductMapping.CodeComparer);
            ILookup<Guid, SophosUsageItem> usageOf = (usage?.HasData == true ? usage.Items : Array.Empty<SophosUsageItem>())
                .Where(u => u.SophosCustomerId.HasValue).ToLookup(u => u.SophosCustomerId!.Value);
            ILookup<long, AutotaskContractService> linesOf = lines.ToLookup(l => l.ContractId);
            string month = usage == null ? "" : $"{usage.Year:D4}-{usage.Month:D2}";

            foreach (CustomerMapping mapping in saved.Mappings)
            {
                string who = $"'{mapping.SophosCustomerName}'";
                void Add(string problem, string message, string fix) =>
                    problems.Add(new MappingProblem(mapping.SophosCustomerId, mapping.SophosCustomerName, problem, ProblemSeverity.Warning, message, fix,
                        mapping.AutotaskCompanyId, mapping.ContractId));

                if (mapping.LastSync?.Outcome == SyncOutcome.Failed)
                    Add(LastSyncFailed, $"The last sync of {who} ({mapping.LastSync.At:yyyy-MM-dd HH:mm} UTC) failed: {mapping.LastSync.Message}",
                        $"Fix what the message says, then run Sync-PsaUsage {who} again; Get-PsaSyncHistory {who} shows what was posted.");

                if (!mapping.SyncEnabled) continue;
                var services = new Dictionary<long, string>();
                foreach (string code in usageOf[mapping.SophosCustomerId].Select(u => u.ProductCode).Distinct(ProductMapping.CodeComparer).OrderBy(c => c, StringComparer.OrdinalIgnoreCase))
                {
                    if (productMap.TryGetValue(code, out ProductMapping? product)) services[product.AutotaskServiceId] = product.ServiceName;
                    else
                        Add(ProductUnmapped, $"The Sophos product '{code}' in the usage of {who} for {month} has no product mapping, so it is not billed.",
                            $"Find-AutotaskService '<name>' -First 1 | Set-PsaProductMapping -ProductCode '{code}'");
                }

                var onContract = new HashSet<long>(linesOf[mapping.ContractId].Select(l => l.AutotaskServiceId));
                foreach (var service in services.Where(s => !onContract.Contains(s.Key)).OrderBy(s => s.Key))
                    Add(ServiceNotOnContract,
                        $"The contract '{mapping.ContractName}' (id {mapping.ContractId}) of {who} has no line for the mapped service '{service.Value}' (id {service.Key}), so its usage is not billed.",
                        $"Add the service to the contract in Autotask, or run Sync-PsaUsage {who} -AddMissingService.");
            }

            return problems;
        }
    }
}
