using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>The outcome of one row: the mapping to save (with warnings), or why it cannot be saved.</summary>
    public sealed class RuleOutcome
    {
        public RuleOutcome(MappingRequest request, ResolvedMapping? resolved, PsaMappingException? error)
        {
            Request = request;
            Resolved = resolved;
            Error = error;
        }

        public MappingRequest Request { get; }
        public ResolvedMapping? Resolved { get; }
        public PsaMappingException? Error { get; }
    }

    /// <summary>
    /// The rules of a mapping, as the Sophos page states them: the customer exists; the company exists and is
    /// active; the contract is that company's and not cancelled. Expired contracts, contract names used more
    /// than once, sync on a contract that cannot take usage, and contracts shared by customers are accepted
    /// with a warning.
    /// </summary>
    public static class MappingRules
    {
        public static IReadOnlyList<RuleOutcome> Resolve(IReadOnlyList<MappingRequest> requests, LiveData live, MappingSnapshot saved)
        {
            var outcomes = new List<RuleOutcome>();
            var contractUsers = saved.Mappings.ToLookup(m => m.ContractId).ToDictionary(g => g.Key, g => g.ToList());
            var rowsSeen = new HashSet<Guid>();

            foreach (MappingRequest request in requests)
            {
                try
                {
                    var warnings = new List<string>();
                    SophosCustomer customer = ResolveCustomer(request, live, warnings);
                    (AutotaskCompany company, AutotaskContract contract) = ResolveCompanyAndContract(request, live);

                    bool sync = request.SyncEnabled ?? saved.Find(customer.SophosCustomerId)?.SyncEnabled ?? false;
                    if (!rowsSeen.Add(customer.SophosCustomerId))
                        warnings.Add($"The customer '{customer.SophosCustomerName}' appears more than once; the last row is kept.");
                    AddContractWarnings(contract, sync, customer, live, contractUsers, warnings);

                    var mapping = new CustomerMapping(customer.SophosCustomerId, customer.SophosCustomerName, company.AutotaskCompanyId,
                        company.AutotaskCompanyName, contract.ContractId, contract.ContractName, sync);
                    Remember(contractUsers, mapping);
                    outcomes.Add(new RuleOutcome(request, new ResolvedMapping(request, mapping, warnings), null));
                }
                catch (PsaMappingException error)
                {
                    error.Target = error.Target ?? request.Source;
                    outcomes.Add(new RuleOutcome(request, null, error));
                }
            }

            return outcomes;
        }

        private static SophosCustomer ResolveCustomer(MappingRequest request, LiveData live, List<string> warnings)
        {
            if (request.SophosCustomerId.HasValue)
            {
                if (!live.Customers.TryGetValue(request.SophosCustomerId.Value, out SophosCustomer? byId))
                    throw Fail("SophosCustomerNotFound", PsaErrorKind.NotFound,
                        $"The partner has no Sophos Central customer with id {request.SophosCustomerId}. Run Get-SophosCustomer to see the customers.");
                if (!string.IsNullOrWhiteSpace(request.SophosCustomerName) && LiveData.Key(request.SophosCustomerName) != LiveData.Key(byId.SophosCustomerName))
                    warnings.Add($"The row names the customer '{request.SophosCustomerName}', but id {byId.SophosCustomerId} is '{byId.SophosCustomerName}' in Sophos Central; the id was used.");
                return byId;
            }

            if (string.IsNullOrWhiteSpace(request.SophosCustomerName))
                throw Fail("MappingCustomerMissing", PsaErrorKind.InvalidArgument,
                    "The row names no Sophos Central customer. Give -SophosCustomer (the name) or -SophosCustomerId, or a SophosCustomerId column.");

            var matches = live.CustomersByName[LiveData.Key(request.SophosCustomerName)].ToList();
            if (matches.Count == 1) return matches[0];
            if (matches.Count == 0)
                throw Fail("SophosCustomerNotFound", PsaErrorKind.NotFound,
                    $"No Sophos Central customer is named '{request.SophosCustomerName}'. Run Get-SophosCustomer -Name '{request.SophosCustomerName}*' to find the exact name.");
            throw Fail("SophosCustomerAmbiguous", PsaErrorKind.InvalidArgument,
                $"Several Sophos Central customers are named '{request.SophosCustomerName}': " +
                string.Join(", ", matches.Select(c => $"id {c.SophosCustomerId}")) + ". Give the one you mean with -SophosCustomerId.");
        }

        private static (AutotaskCompany, AutotaskContract) ResolveCompanyAndContract(MappingRequest request, LiveData live)
        {
            AutotaskCompany? company = null;
            if (request.AutotaskCompanyId.HasValue)
            {
                if (!live.Companies.TryGetValue(request.AutotaskCompanyId.Value, out company))
                    throw Fail("AutotaskCompanyNotFound", PsaErrorKind.NotFound,
                        $"Autotask has no company with id {request.AutotaskCompanyId}. Use Find-AutotaskCompany to look the company up.");
            }
            else if (!string.IsNullOrWhiteSpace(request.AutotaskCompanyName))
            {
                var matches = live.CompaniesByName[LiveData.Key(request.AutotaskCompanyName)].ToList();
                if (matches.Count == 0)
                    throw Fail("AutotaskCompanyNotFound", PsaErrorKind.NotFound,
                        $"No Autotask company is named '{request.AutotaskCompanyName}'. Use Find-AutotaskCompany '{request.AutotaskCompanyName}' to find the exact name.");
                if (matches.Count > 1)
                    throw Fail("AutotaskCompanyAmbiguous", PsaErrorKind.InvalidArgument,
                        $"Several Autotask companies are named '{request.AutotaskCompanyName}': " +
                        string.Join(", ", matches.Select(c => $"id {c.AutotaskCompanyId}{(c.IsActive ? "" : " (inactive)")}")) + ". Give the one you mean with -AutotaskCompanyId.");
                company = matches[0];
            }

            AutotaskContract contract = ResolveContract(request, company, live);
            if (company == null && !live.Companies.TryGetValue(contract.AutotaskCompanyId, out company))
                throw Fail("AutotaskCompanyNotFound", PsaErrorKind.NotFound,
                    $"The contract '{contract.ContractName}' (id {contract.ContractId}) belongs to company id {contract.AutotaskCompanyId}, which Autotask did not return.");

            if (contract.AutotaskCompanyId != company.AutotaskCompanyId)
                throw Fail("ContractNotOfCompany", PsaErrorKind.InvalidArgument,
                    $"The contract '{contract.ContractName}' (id {contract.ContractId}) belongs to {live.CompanyLabel(contract.AutotaskCompanyId)}, not to " +
                    $"'{company.AutotaskCompanyName}' (id {company.AutotaskCompanyId}). Run Find-AutotaskContract -AutotaskCompanyId {company.AutotaskCompanyId} to see that company's contracts.");
            if (!company.IsActive)
                throw Fail("AutotaskCompanyInactive", PsaErrorKind.InvalidArgument,
                    $"The Autotask company '{company.AutotaskCompanyName}' (id {company.AutotaskCompanyId}) is inactive. Reactivate it in Autotask, or map the customer to an active company.");
            if (!contract.IsActive)
                throw Fail("ContractCancelled", PsaErrorKind.InvalidArgument,
                    $"The contract '{contract.ContractName}' (id {contract.ContractId}) is inactive (cancelled) in Autotask, and cancelled contracts are not synchronized. " +
                    $"Pick an active one: Find-AutotaskContract -AutotaskCompanyId {company.AutotaskCompanyId}.");
            return (company, contract);
        }

        private static AutotaskContract ResolveContract(MappingRequest request, AutotaskCompany? company, LiveData live)
        {
            if (request.ContractId.HasValue)
            {
                return live.Contracts.TryGetValue(request.ContractId.Value, out AutotaskContract? byId)
                    ? byId
                    : throw Fail("ContractNotFound", PsaErrorKind.NotFound,
                        $"Autotask has no contract with id {request.ContractId}. Use Find-AutotaskContract to list a company's contracts.");
            }

            if (string.IsNullOrWhiteSpace(request.ContractName))
                throw Fail("MappingContractMissing", PsaErrorKind.InvalidArgument,
                    "The row names no Autotask contract. Give -Contract (the name) or -ContractId, or a ContractId column.");

            string key = LiveData.Key(request.ContractName);
            IEnumerable<AutotaskContract> pool = company != null ? live.ContractsByCompany[company.AutotaskCompanyId] : live.Contracts.Values;
            var named = pool.Where(c => LiveData.Key(c.ContractName) == key).ToList();
            var active = named.Where(c => c.IsActive).ToList();
            if (named.Count == 1) return named[0];
            if (active.Count == 1) return active[0];
            if (named.Count == 0)
            {
                string where = company != null ? $"The Autotask company '{company.AutotaskCompanyName}' has no contract named '{request.ContractName}'." : $"No Autotask contract is named '{request.ContractName}'.";
                string hint = company != null ? $" Run Find-AutotaskContract -AutotaskCompanyId {company.AutotaskCompanyId} to see its contracts." : " Give the company too, or use Find-AutotaskContract.";
                throw Fail("ContractNotFound", PsaErrorKind.NotFound, where + hint);
            }

            throw Fail("ContractAmbiguous", PsaErrorKind.InvalidArgument,
                $"Several Autotask contracts are named '{request.ContractName}': " +
                string.Join(", ", named.Select(c => $"id {c.ContractId} of {live.CompanyLabel(c.AutotaskCompanyId)}{(c.IsActive ? "" : ", cancelled")}")) +
                ". Give the one you mean with -ContractId" + (company == null ? " or name the company." : "."));
        }

        private static void AddContractWarnings(AutotaskContract contract, bool sync, SophosCustomer customer, LiveData live,
            Dictionary<long, List<CustomerMapping>> contractUsers, List<string> warnings)
        {
            if (contract.IsExpired)
                warnings.Add($"The contract '{contract.ContractName}' (id {contract.ContractId}) ended on {contract.EndDate:yyyy-MM-dd}. " +
                             "Expired contracts are still synchronized; check it is the one to bill, or extend it in Autotask.");

            var sameName = live.ActiveContractsByName[LiveData.Key(contract.ContractName)].Where(c => c.ContractId != contract.ContractId).ToList();
            if (sameName.Count > 0)
                warnings.Add($"The contract name '{contract.ContractName}' is also used by " +
                             live.ContractList(sameName) +
                             ". PsaMapping maps by id, but Sophos's own sync assumes contract names are unique across customers: rename one in Autotask.");

            if (sync && !contract.SupportsUsageSync)
                warnings.Add($"Sync is on, but '{contract.ContractName}' is a {contract.ContractType ?? "non-recurring"} contract; usage can only be synchronized into a Recurring Service contract.");

            if (contractUsers.TryGetValue(contract.ContractId, out List<CustomerMapping>? users))
            {
                var others = users.Where(m => m.SophosCustomerId != customer.SophosCustomerId).Select(m => $"'{m.SophosCustomerName}'").Distinct().ToList();
                if (others.Count > 0)
                    warnings.Add($"The contract '{contract.ContractName}' (id {contract.ContractId}) is also mapped to {string.Join(", ", others)}; their usage will be billed together.");
            }
        }

        private static void Remember(Dictionary<long, List<CustomerMapping>> contractUsers, CustomerMapping mapping)
        {
            foreach (var list in contractUsers.Values) list.RemoveAll(m => m.SophosCustomerId == mapping.SophosCustomerId);
            if (!contractUsers.TryGetValue(mapping.ContractId, out List<CustomerMapping>? users))
                contractUsers[mapping.ContractId] = users = new List<CustomerMapping>();
            users.Add(mapping);
        }

        private static PsaMappingException Fail(string errorId, PsaErrorKind kind, string message) => new PsaMappingException(errorId, kind, message);
    }
}
