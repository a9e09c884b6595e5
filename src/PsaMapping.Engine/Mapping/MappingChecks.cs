using System;
using System.Collections.Generic;
using System.Linq;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Engine.Mapping
{
    public enum ProblemSeverity
    {
        Information,
        Warning,
        Error,
    }

    /// <summary>One thing Test-PsaMapping found: what is wrong with which customer's mapping, and how to fix it.</summary>
    public sealed class MappingProblem
    {
        public MappingProblem(Guid sophosCustomerId, string sophosCustomerName, string problem, ProblemSeverity severity,
            string message, string howToFix, long? autotaskCompanyId = null, long? contractId = null)
        {
            SophosCustomerId = sophosCustomerId;
            SophosCustomerName = sophosCustomerName;
            Problem = problem;
            Severity = severity;
            Message = message;
            HowToFix = howToFix;
            AutotaskCompanyId = autotaskCompanyId;
            ContractId = contractId;
        }

        public Guid SophosCustomerId { get; }
        public string SophosCustomerName { get; }

        /// <summary>CustomerGone, CompanyGone, CompanyInactive, ContractCancelled, ... (stable, for scripts).</summary>
        public string Problem { get; }
        public ProblemSeverity Severity { get; }
        public string Message { get; }
        public string HowToFix { get; }
        public long? AutotaskCompanyId { get; }
        public long? ContractId { get; }
    }

    /// <summary>The troubleshooting page, as code: every saved mapping checked against live data.</summary>
    public static class MappingChecks
    {
        public static IReadOnlyList<MappingProblem> Check(MappingSnapshot saved, LiveData live)
        {
            var problems = new List<MappingProblem>();
            var contractUsers = saved.Mappings.ToLookup(m => m.ContractId);

            foreach (CustomerMapping mapping in saved.Mappings)
            {
                void Add(string problem, ProblemSeverity severity, string message, string fix) =>
                    problems.Add(new MappingProblem(mapping.SophosCustomerId, mapping.SophosCustomerName, problem, severity, message, fix,
                        mapping.AutotaskCompanyId, mapping.ContractId));

                string who = $"'{mapping.SophosCustomerName}'";
                if (!live.Customers.TryGetValue(mapping.SophosCustomerId, out SophosCustomer? customer))
                {
                    Add("CustomerGone", ProblemSeverity.Error, $"Sophos Central no longer has the customer {who} (id {mapping.SophosCustomerId}).",
                        $"Remove-PsaMapping -SophosCustomerId {mapping.SophosCustomerId}");
                }
                else if (customer.SophosCustomerName != mapping.SophosCustomerName)
                {
                    Add("CustomerRenamed", ProblemSeverity.Information, $"The customer {who} is now called '{customer.SophosCustomerName}' in Sophos Central.",
                        "Update-PsaMapping refreshes the saved names.");
                }

                if (!live.Companies.TryGetValue(mapping.AutotaskCompanyId, out AutotaskCompany? company))
                {
                    Add("CompanyGone", ProblemSeverity.Error, $"Autotask no longer has the company '{mapping.AutotaskCompanyName}' (id {mapping.AutotaskCompanyId}) mapped to {who}.",
                        $"Map {who} to another company: Find-AutotaskCompany '{mapping.SophosCustomerName}', then Set-PsaMapping.");
                }
                else
                {
                    if (!company.IsActive)
                        Add("CompanyInactive", ProblemSeverity.Error, $"The Autotask company '{company.AutotaskCompanyName}' (id {company.AutotaskCompanyId}) mapped to {who} is inactive.",
                            "Reactivate the company in Autotask, or map the customer to an active company with Set-PsaMapping.");
                    if (company.AutotaskCompanyName != mapping.AutotaskCompanyName)
                        Add("CompanyRenamed", ProblemSeverity.Information, $"The Autotask company '{mapping.AutotaskCompanyName}' (id {company.AutotaskCompanyId}) is now called '{company.AutotaskCompanyName}'.",
                            "Update-PsaMapping refreshes the saved names.");
                }

                if (!live.Contracts.TryGetValue(mapping.ContractId, out AutotaskContract? contract))
                {
                    Add("ContractGone", ProblemSeverity.Error, $"Autotask no longer has the contract '{mapping.ContractName}' (id {mapping.ContractId}) mapped to {who}.",
                        $"Pick another contract: Find-AutotaskContract -AutotaskCompanyId {mapping.AutotaskCompanyId}, then Set-PsaMapping.");
                    continue;
                }

                if (contract.AutotaskCompanyId != mapping.AutotaskCompanyId)
                    Add("ContractMoved", ProblemSeverity.Error,
                        $"The contract '{contract.ContractName}' (id {contract.ContractId}) mapped to {who} now belongs to {live.CompanyLabel(contract.AutotaskCompanyId)}, not to '{mapping.AutotaskCompanyName}'.",
                        $"Map {who} again with Set-PsaMapping, to the contract's new company or to another contract.");
                if (!contract.IsActive)
                    Add("ContractCancelled", ProblemSeverity.Error, $"The contract '{contract.ContractName}' (id {contract.ContractId}) mapped to {who} is inactive (cancelled) and will not be synchronized.",
                        $"Reactivate it in Autotask, or pick an active contract: Find-AutotaskContract -AutotaskCompanyId {contract.AutotaskCompanyId}.");
                else if (contract.IsExpired)
                    Add("ContractExpired", ProblemSeverity.Warning, $"The contract '{contract.ContractName}' (id {contract.ContractId}) mapped to {who} ended on {contract.EndDate:yyyy-MM-dd}; it is still synchronized.",
                        "Extend the contract in Autotask if the customer is still billed under it, or map a current one.");
                if (contract.ContractName != mapping.ContractName)
                    Add("ContractRenamed", ProblemSeverity.Information, $"The contract '{mapping.ContractName}' (id {contract.ContractId}) is now called '{contract.ContractName}'.",
                        "Update-PsaMapping refreshes the saved names.");

                var sameName = live.ActiveContractsByName[LiveData.Key(contract.ContractName)].Where(c => c.ContractId != contract.ContractId).ToList();
                if (contract.IsActive && sameName.Count > 0)
                    Add("DuplicateContractName", ProblemSeverity.Warning,
                        $"The contract name '{contract.ContractName}' mapped to {who} is also used by " +
                        live.ContractList(sameName) +
                        "; Sophos's sync assumes contract names are unique across customers.",
                        "Rename the contracts in Autotask so that each name is used once.");

                if (mapping.SyncEnabled && !contract.SupportsUsageSync)
                    Add("SyncOnNonRecurring", ProblemSeverity.Warning,
                        $"Sync is on for {who}, but '{contract.ContractName}' is a {contract.ContractType ?? "non-recurring"} contract; usage can only go into a Recurring Service contract.",
                        $"Map a Recurring Service contract, or turn sync off: Set-PsaMapping -SophosCustomerId {mapping.SophosCustomerId} -ContractId <id> -SyncEnabled $false.");

                var sharing = contractUsers[mapping.ContractId].Where(m => m.SophosCustomerId != mapping.SophosCustomerId).Select(m => $"'{m.SophosCustomerName}'").ToList();
                if (sharing.Count > 0)
                    Add("SharedContract", ProblemSeverity.Warning,
                        $"The contract '{contract.ContractName}' (id {contract.ContractId}) is mapped to {who} and also to {string.Join(", ", sharing)}; their usage is billed together.",
                        "If each customer should be billed separately, give each its own contract.");
            }

            var mapped = new HashSet<Guid>(saved.Mappings.Select(m => m.SophosCustomerId));
            foreach (SophosCustomer customer in live.Customers.Values.Where(c => !mapped.Contains(c.SophosCustomerId)).OrderBy(c => c.SophosCustomerName, StringComparer.OrdinalIgnoreCase))
                problems.Add(new MappingProblem(customer.SophosCustomerId, customer.SophosCustomerName, "Unmapped", ProblemSeverity.Information,
                    $"The Sophos Central customer '{customer.SophosCustomerName}' has no mapping, so its usage is not synchronized.",
                    $"Set-PsaMapping -SophosCustomerId {customer.SophosCustomerId} -AutotaskCompanyId <id> -ContractId <id>, if it is billed through Autotask."));

            return problems;
        }

        /// <summary>The saved mappings whose customer, company or contract names changed, with the current names.</summary>
        public static IReadOnlyList<CustomerMapping> Renamed(MappingSnapshot saved, LiveData live)
        {
            var refreshed = new List<CustomerMapping>();
            foreach (CustomerMapping mapping in saved.Mappings)
            {
                if (!live.Customers.TryGetValue(mapping.SophosCustomerId, out SophosCustomer? customer)
                    || !live.Companies.TryGetValue(mapping.AutotaskCompanyId, out AutotaskCompany? company)
                    || !live.Contracts.TryGetValue(mapping.ContractId, out AutotaskContract? contract)
                    || contract.AutotaskCompanyId != mapping.AutotaskCompanyId)
                    continue; // gone or moved: a problem for Test-PsaMapping, not a rename

                var current = new CustomerMapping(mapping.SophosCustomerId, customer.SophosCustomerName, mapping.AutotaskCompanyId,
                    company.AutotaskCompanyName, mapping.ContractId, contract.ContractName, mapping.SyncEnabled);
                if (!current.SameAs(mapping)) refreshed.Add(current);
            }

            return refreshed;
        }

        /// <summary>
        /// A rename from <see cref="Renamed"/> applied to the store's content at the moment of saving: only the
        /// names change, and only while the customer is still mapped to the same company and contract. Null when
        /// another process removed or remapped it meanwhile (its change stands).
        /// </summary>
        public static CustomerMapping? ApplyRename(CustomerMapping renamed, MappingSnapshot current)
        {
            CustomerMapping? now = current.Find(renamed.SophosCustomerId);
            if (now == null || now.AutotaskCompanyId != renamed.AutotaskCompanyId || now.ContractId != renamed.ContractId) return null;
            return new CustomerMapping(now.SophosCustomerId, renamed.SophosCustomerName, now.AutotaskCompanyId, renamed.AutotaskCompanyName,
                now.ContractId, renamed.ContractName, now.SyncEnabled, now.UpdatedAt, now.UpdatedBy, now.LastSync);
        }
    }
}
