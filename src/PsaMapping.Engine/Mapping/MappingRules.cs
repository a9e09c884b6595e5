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

    /// <summary>A customer given by more than one row of one pipeline.</summary>
    public sealed class RepeatedCustomer
    {
        public RepeatedCustomer(SophosCustomer customer, int rows, bool anyValid)
        {
            Customer = customer;
            Rows = rows;
            AnyValid = anyValid;
        }

        public SophosCustomer Customer { get; }
        public int Rows { get; }

        /// <summary>True when at least one of the rows passed the rules (the last of those is the one kept).</summary>
        public bool AnyValid { get; }

        public string Message => $"The customer '{UserText.Clip(Customer.SophosCustomerName)}' is given in {Rows} rows of this pipeline; " +
                                 (AnyValid ? "the last valid one was kept. Give each customer once." : "none of them was valid. Give each customer once.");
    }

    /// <summary>Every row's outcome, and the customers given more than once.</summary>
    public sealed class RuleResolution
    {
        public RuleResolution(IReadOnlyList<RuleOutcome> outcomes, IReadOnlyList<RepeatedCustomer> repeated)
        {
            Outcomes = outcomes;
            Repeated = repeated;
        }

        public IReadOnlyList<RuleOutcome> Outcomes { get; }
        public IReadOnlyList<RepeatedCustomer> Repeated { get; }
    }

    /// <summary>
    /// The rules of a mapping, as the Sophos page states them: the customer exists; the company exists and is
    /// active; the contract is that company's and not cancelled. Expired contracts, contract names used more
    /// than once, sync on a contract that cannot take usage, and contracts shared by customers are accepted
    /// with a warning.
    /// </summary>
    public static class MappingRules
    {
        public static RuleResolution Resolve(IReadOnlyList<MappingRequest> requests, LiveData live, MappingSnapshot saved)
        {
            var outcomes = new List<RuleOutcome>();
            var users = new ContractUsers(saved.Mappings);
            var rowsByCustomer = new Dictionary<Guid, (SophosCustomer Customer, int Rows, bool AnyValid)>();

            foreach (MappingRequest request in requests)
            {
                SophosCustomer? customer = null;
                try
                {
                    var warnings = new List<(MappingWarningKind Kind, string? Detail)>();
                    customer = ResolveCustomer(request, live, warnings);
                    rowsByCustomer[customer.SophosCustomerId] = rowsByCustomer.TryGetValue(customer.SophosCustomerId, out var seen)
                        ? (customer, seen.Rows + 1, seen.AnyValid)
                        : (customer, 1, false);
                    (AutotaskCompany company, AutotaskContract contract) = ResolveCompanyAndContract(request, live);

                    bool sync = request.SyncEnabled ?? saved.Find(customer.SophosCustomerId)?.SyncEnabled ?? false;
                    var mapping = new CustomerMapping(customer.SophosCustomerId, customer.SophosCustomerName, company.AutotaskCompanyId,
                        company.AutotaskCompanyName, contract.ContractId, contract.ContractName, sync);
                    users.Map(mapping);
                    AddContractWarnings(contract, sync, customer, live, users, warnings);
                    rowsByCustomer[customer.SophosCustomerId] = (customer, rowsByCustomer[customer.SophosCustomerId].Rows, true);
                    outcomes.Add(new RuleOutcome(request, new ResolvedMapping(request, mapping,
                        warnings.Select(w => new MappingWarning(w.Kind, mapping, contract, w.Detail)).ToList()), null));
                }
                catch (PsaMappingException error)
                {
                    error.Target = error.Target ?? request.Source;
                    outcomes.Add(new RuleOutcome(request, null, error));
                }
            }

            var repeated = rowsByCustomer.Values.Where(r => r.Rows > 1).Select(r => new RepeatedCustomer(r.Customer, r.Rows, r.AnyValid)).ToList();
            return new RuleResolution(outcomes, repeated);
        }

        private static SophosCustomer ResolveCustomer(MappingRequest request, LiveData live, List<(MappingWarningKind Kind, string? Detail)> warnings)
        {
            if (request.SophosCustomerId.HasValue)
            {
                if (!live.Customers.TryGetValue(request.SophosCustomerId.Value, out SophosCustomer? byId))
                    throw Fail(ErrorIds.SophosCustomerNotFound, PsaErrorKind.NotFound,
                        $"The partner has no Sophos Central customer with id {request.SophosCustomerId}. Run Get-SophosCustomer to see the customers.");
                if (!string.IsNullOrWhiteSpace(request.SophosCustomerName) && LiveData.Key(request.SophosCustomerName) != LiveData.Key(byId.SophosCustomerName))
                    warnings.Add((MappingWarningKind.CustomerNameDiffers, request.SophosCustomerName));
                return byId;
            }

            if (string.IsNullOrWhiteSpace(request.SophosCustomerName))
                throw Fail(ErrorIds.MappingCustomerMissing, PsaErrorKind.InvalidArgument,
                    "The row names no Sophos Central customer. Give -SophosCustomer (the name) or -SophosCustomerId, or a SophosCustomerId column.");

            var matches = live.CustomersByName[LiveData.Key(request.SophosCustomerName)].ToList();
            if (matches.Count == 1) return matches[0];
            if (matches.Count == 0)
                throw Fail(ErrorIds.SophosCustomerNotFound, PsaErrorKind.NotFound,
                    $"No Sophos Central customer is named '{UserText.Clip(request.SophosCustomerName)}'. Run Get-SophosCustomer -Name {UserText.QuotedPrefixPattern(request.SophosCustomerName)} to find the exact name.");
            throw Fail(ErrorIds.SophosCustomerAmbiguous, PsaErrorKind.InvalidArgument,
                $"Several Sophos Central customers are named '{UserText.Clip(request.SophosCustomerName)}': " +
                string.Join(", ", matches.Select(c => $"id {c.SophosCustomerId}")) + ". Give the one you mean with -SophosCustomerId.");
        }

        private static (AutotaskCompany, AutotaskContract) ResolveCompanyAndContract(MappingRequest request, LiveData live)
        {
            AutotaskCompany? company = null;
            if (request.AutotaskCompanyId.HasValue)
            {
                if (!live.Companies.TryGetValue(request.AutotaskCompanyId.Value, out company))
                    throw Fail(ErrorIds.AutotaskCompanyNotFound, PsaErrorKind.NotFound,
                        $"Autotask has no company with id {request.AutotaskCompanyId}. Use Find-AutotaskCompany to look the company up.");
            }
            else if (!string.IsNullOrWhiteSpace(request.AutotaskCompanyName))
            {
                company = CompanyResolver.Resolve(request.AutotaskCompanyName!, live.CompaniesByName[LiveData.Key(request.AutotaskCompanyName)]);
            }

            AutotaskContract contract = ResolveContract(request, company, live);
            if (company == null && !live.Companies.TryGetValue(contract.AutotaskCompanyId, out company))
                throw Fail(ErrorIds.AutotaskCompanyNotFound, PsaErrorKind.NotFound,
                    $"The contract '{contract.ContractName}' (id {contract.ContractId}) belongs to company id {contract.AutotaskCompanyId}, which Autotask did not return.");

            if (contract.AutotaskCompanyId != company.AutotaskCompanyId)
                throw Fail(ErrorIds.ContractNotOfCompany, PsaErrorKind.InvalidArgument,
                    $"The contract '{contract.ContractName}' (id {contract.ContractId}) belongs to {live.CompanyLabel(contract.AutotaskCompanyId)}, not to " +
                    $"'{company.AutotaskCompanyName}' (id {company.AutotaskCompanyId}). Run Find-AutotaskContract -AutotaskCompanyId {company.AutotaskCompanyId} to see that company's contracts.");
            if (!company.IsActive)
                throw Fail(ErrorIds.AutotaskCompanyInactive, PsaErrorKind.InvalidArgument,
                    $"The Autotask company '{company.AutotaskCompanyName}' (id {company.AutotaskCompanyId}) is inactive. Reactivate it in Autotask, or map the customer to an active company.");
            if (!contract.IsActive)
                throw Fail(ErrorIds.ContractCancelled, PsaErrorKind.InvalidArgument,
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
                    : throw Fail(ErrorIds.ContractNotFound, PsaErrorKind.NotFound,
                        $"Autotask has no contract with id {request.ContractId}. Use Find-AutotaskContract to list a company's contracts.");
            }

            if (string.IsNullOrWhiteSpace(request.ContractName))
                throw Fail(ErrorIds.MappingContractMissing, PsaErrorKind.InvalidArgument,
                    "The row names no Autotask contract. Give -Contract (the name) or -ContractId, or a ContractId column.");

            string key = LiveData.Key(request.ContractName);
            IEnumerable<AutotaskContract> pool = company != null ? live.ContractsByCompany[company.AutotaskCompanyId] : live.Contracts.Values;
            var named = pool.Where(c => LiveData.Key(c.ContractName) == key).ToList();
            var active = named.Where(c => c.IsActive).ToList();
            if (named.Count == 1) return named[0];
            if (active.Count == 1) return active[0];
            if (named.Count == 0)
            {
                string where = company != null ? $"The Autotask company '{UserText.Clip(company.AutotaskCompanyName)}' has no contract named '{UserText.Clip(request.ContractName)}'." : $"No Autotask contract is named '{UserText.Clip(request.ContractName)}'.";
                string hint = company != null ? $" Run Find-AutotaskContract -AutotaskCompanyId {company.AutotaskCompanyId} to see its contracts." : " Give the company too, or use Find-AutotaskContract.";
                throw Fail(ErrorIds.ContractNotFound, PsaErrorKind.NotFound, where + hint);
            }

            throw Fail(ErrorIds.ContractAmbiguous, PsaErrorKind.InvalidArgument,
                $"Several Autotask contracts are named '{UserText.Clip(request.ContractName)}': " +
                string.Join(", ", named.Select(c => $"id {c.ContractId} of {live.CompanyLabel(c.AutotaskCompanyId)}{(c.IsActive ? "" : ", cancelled")}")) +
                ". Give the one you mean with -ContractId" + (company == null ? " or name the company." : "."));
        }

        private static void AddContractWarnings(AutotaskContract contract, bool sync, SophosCustomer customer, LiveData live,
            ContractUsers users, List<(MappingWarningKind Kind, string? Detail)> warnings)
        {
            if (contract.IsExpired) warnings.Add((MappingWarningKind.ContractExpired, null));
            if (live.ActiveContractsByName[LiveData.Key(contract.ContractName)].Any(c => c.ContractId != contract.ContractId))
                warnings.Add((MappingWarningKind.DuplicateContractName, null));
            if (sync && !contract.SupportsUsageSync) warnings.Add((MappingWarningKind.SyncOnNonRecurring, null));
            if (users.Count(contract.ContractId) > 1) warnings.Add((MappingWarningKind.SharedContract, null));
        }

        private static PsaMappingException Fail(string errorId, PsaErrorKind kind, string message) => new PsaMappingException(errorId, kind, message);
    }

    /// <summary>
    /// Which customers are mapped to each contract, kept up to date row by row in constant time per row (a
    /// pipeline of thousands of rows on one contract must not cost the square of its length).
    /// </summary>
    public sealed class ContractUsers
    {
        private readonly Dictionary<Guid, long> _contractOf = new Dictionary<Guid, long>();
        private readonly Dictionary<long, int> _count = new Dictionary<long, int>();

        public ContractUsers(IEnumerable<CustomerMapping> mappings)
        {
            foreach (CustomerMapping mapping in mappings) Map(mapping);
        }

        /// <summary>How many customers each contract has.</summary>
        public IReadOnlyDictionary<long, int> Counts => _count;

        public int Count(long contractId) => _count.TryGetValue(contractId, out int n) ? n : 0;

        /// <summary>Records <paramref name="mapping"/>, replacing its customer's previous contract.</summary>
        public void Map(CustomerMapping mapping)
        {
            if (_contractOf.TryGetValue(mapping.SophosCustomerId, out long previous)) _count[previous]--;
            _contractOf[mapping.SophosCustomerId] = mapping.ContractId;
            _count[mapping.ContractId] = Count(mapping.ContractId) + 1;
        }
    }
}
