using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine;
using PsaMapping.Engine.Autotask;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Find-AutotaskContract: a company's contracts ("the contract list is filtered by the customer").
    /// Inactive contracts, which the Sophos page calls cancelled, are left out unless asked for; expired ones
    /// are listed and marked. Companies piped in are queried in batches, not one request each.
    /// </summary>
    [Cmdlet(VerbsCommon.Find, "AutotaskContract", DefaultParameterSetName = AllCompanies)]
    [OutputType(typeof(AutotaskContract))]
    public sealed class FindAutotaskContractCommand : PsaMappingCmdlet
    {
        public const string AllCompanies = "AllCompanies";
        public const string ByCompanyName = "ByCompanyName";
        public const string ByCompanyId = "ByCompanyId";

        private readonly List<Request> _requests = new List<Request>();

        /// <summary>Contract name: wildcards, or a part of the name.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        public string? Name { get; set; }

        /// <summary>The company's exact name (ignoring case).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByCompanyName)]
        [ArgumentCompleter(typeof(AutotaskCompanyNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Company { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ByCompanyId, ValueFromPipelineByPropertyName = true)]
        public long AutotaskCompanyId { get; set; }

        /// <summary>Passed through from piped companies, so no request is needed to name them.</summary>
        [Parameter(ParameterSetName = ByCompanyId, ValueFromPipelineByPropertyName = true)]
        public string? AutotaskCompanyName { get; set; }

        /// <summary>Passed through from the pipeline, so the contracts can be mapped to the Sophos customer.</summary>
        [Parameter(ParameterSetName = ByCompanyId, ValueFromPipelineByPropertyName = true)]
        public Guid? SophosCustomerId { get; set; }

        [Parameter(ParameterSetName = ByCompanyId, ValueFromPipelineByPropertyName = true)]
        public string? SophosCustomerName { get; set; }

        /// <summary>Also list inactive ("cancelled") contracts.</summary>
        [Parameter]
        public SwitchParameter IncludeCancelled { get; set; }

        private sealed class Request
        {
            public long CompanyId;
            public string? CompanyName;
            public Guid? SophosCustomerId;
            public string? SophosCustomerName;
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ByCompanyId)
                _requests.Add(new Request
                {
                    CompanyId = AutotaskCompanyId,
                    CompanyName = AutotaskCompanyName,
                    SophosCustomerId = SophosCustomerId,
                    SophosCustomerName = SophosCustomerName,
                });
        }

        protected override void EndProcessing()
        {
            AutotaskDirectory directory = RequireAutotask();
            bool wildcard = Name != null && WildcardPattern.ContainsWildcardCharacters(Name);
            string? serverContains = Name != null && !wildcard ? Name : null;

            if (ParameterSetName == ByCompanyName)
            {
                AutotaskCompany company = ResolveCompany(directory);
                _requests.Add(new Request { CompanyId = company.AutotaskCompanyId, CompanyName = company.AutotaskCompanyName });
            }

            List<long>? companyIds = ParameterSetName == AllCompanies ? null : _requests.Select(r => r.CompanyId).Distinct().ToList();
            IReadOnlyList<AutotaskContract> contracts = Run((observer, token) => directory.GetContractsAsync(companyIds, serverContains, IncludeCancelled, token));
            if (wildcard)
            {
                // The one name filter: a contract name carried exactly is taken as written; a bad pattern is NamePatternInvalid.
                IReadOnlyList<AutotaskContract> fetched = contracts;
                NameFilter filter = Guard(() => NameFilter.Create(new[] { Name! }, fetched.Select(c => c.ContractName)));
                contracts = fetched.Where(c => filter.IsMatch(c.ContractName)).ToList();
            }

            // Name every company whose name did not come with the input, in one batch.
            var names = _requests.Where(r => r.CompanyName != null).GroupBy(r => r.CompanyId).ToDictionary(g => g.Key, g => g.First().CompanyName!);
            var unnamed = (companyIds ?? contracts.Select(c => c.AutotaskCompanyId).Distinct().ToList()).Where(id => !names.ContainsKey(id)).ToList();
            if (unnamed.Count > 0)
            {
                IReadOnlyDictionary<long, AutotaskCompany> found = Run((observer, token) => directory.GetCompaniesByIdAsync(unnamed, token));
                foreach (var pair in found) names[pair.Key] = pair.Value.AutotaskCompanyName;
                foreach (Request missing in _requests.Where(r => !found.ContainsKey(r.CompanyId) && r.CompanyName == null).GroupBy(r => r.CompanyId).Select(g => g.First()))
                    WriteItemError(new PsaMappingException(ErrorIds.AutotaskCompanyNotFound, PsaErrorKind.NotFound,
                        $"Autotask has no company with id {missing.CompanyId}. Use Find-AutotaskCompany to look companies up.")
                    { Target = missing.CompanyId });
            }

            var byCompany = contracts.ToLookup(c => c.AutotaskCompanyId);
            if (ParameterSetName == AllCompanies)
            {
                foreach (AutotaskContract contract in contracts)
                    WritePassedThrough(contract.WithCompanyName(names.TryGetValue(contract.AutotaskCompanyId, out string? name) ? name : null), null, null);
            }
            else
            {
                // In input order, each piped item with its own company's contracts and its Sophos customer.
                foreach (Request request in _requests)
                    foreach (AutotaskContract contract in byCompany[request.CompanyId])
                        WritePassedThrough(contract.WithCompanyName(names.TryGetValue(request.CompanyId, out string? name) ? name : null),
                            request.SophosCustomerId, request.SophosCustomerName);
            }

            WriteRequestSummary();
        }

        private AutotaskCompany ResolveCompany(AutotaskDirectory directory)
        {
            IReadOnlyList<AutotaskCompany> named = Run((observer, token) => directory.GetCompaniesByNameAsync(Company, token));
            try
            {
                // Similar names only when nothing is named so: the hint costs a search request.
                IEnumerable<AutotaskCompany>? similar = named.Count > 0 ? null
                    : Run((observer, token) => directory.SearchCompaniesAsync(Company, true, 3, token)).Select(r => r.Item);
                return CompanyResolver.Resolve(Company, named, similar);
            }
            catch (PsaMappingException error)
            {
                error.Target = Company;
                throw Terminate(error);
            }
        }
    }
}
