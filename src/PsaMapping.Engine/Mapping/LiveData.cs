using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>
    /// What the mapping rules check against: the partner's customers and the Autotask companies and
    /// contracts the rows touch, fetched in bulk (pages of 100 or 500, ids and names in `in` filters), so a
    /// thousand rows cost a bounded number of requests rather than thousands.
    /// </summary>
    public sealed class LiveData
    {
        internal LiveData(IReadOnlyList<SophosCustomer> customers, IEnumerable<AutotaskCompany> companies,
            IEnumerable<AutotaskContract> contracts, IEnumerable<AutotaskContract> sameNamedContracts)
        {
            Customers = customers.GroupBy(c => c.SophosCustomerId).ToDictionary(g => g.Key, g => g.First());
            CustomersByName = customers.ToLookup(c => Key(c.SophosCustomerName));
            Companies = companies.GroupBy(c => c.AutotaskCompanyId).ToDictionary(g => g.Key, g => g.First());
            CompaniesByName = Companies.Values.ToLookup(c => Key(c.AutotaskCompanyName));
            Contracts = contracts.Concat(sameNamedContracts).GroupBy(c => c.ContractId).ToDictionary(g => g.Key, g => g.First());
            ContractsByCompany = Contracts.Values.ToLookup(c => c.AutotaskCompanyId);
            ActiveContractsByName = Contracts.Values.Where(c => c.IsActive).ToLookup(c => Key(c.ContractName));
        }

        public IReadOnlyDictionary<Guid, SophosCustomer> Customers { get; }
        public ILookup<string, SophosCustomer> CustomersByName { get; }
        public IReadOnlyDictionary<long, AutotaskCompany> Companies { get; }
        public ILookup<string, AutotaskCompany> CompaniesByName { get; }
        public IReadOnlyDictionary<long, AutotaskContract> Contracts { get; }
        public ILookup<long, AutotaskContract> ContractsByCompany { get; }

        /// <summary>Every non-cancelled contract known here, by name, across all companies.</summary>
        public ILookup<string, AutotaskContract> ActiveContractsByName { get; }

        /// <summary>The same Autotask data with the partner's customers.</summary>
        private LiveData WithCustomers(IReadOnlyList<SophosCustomer> customers) =>
            new LiveData(customers, Companies.Values, Contracts.Values, Array.Empty<AutotaskContract>());

        /// <summary>Names compare as the Sophos page and Autotask do: ignoring case and surrounding spaces (<see cref="CompanyResolver.Key"/>).</summary>
        public static string Key(string? name) => CompanyResolver.Key(name);

        /// <summary>Everything Set-PsaMapping needs to check <paramref name="requests"/>.</summary>
        public static async Task<LiveData> ForRequestsAsync(IReadOnlyCollection<MappingRequest> requests, SophosCentralClient sophos,
            AutotaskDirectory autotask, IOperationObserver observer, CancellationToken cancellationToken)
            => await WithCustomersAsync(sophos, AutotaskForRequestsAsync(requests, autotask, cancellationToken), observer, cancellationToken).ConfigureAwait(false);

        private static async Task<LiveData> AutotaskForRequestsAsync(IReadOnlyCollection<MappingRequest> requests, AutotaskDirectory autotask,
            CancellationToken cancellationToken)
        {
            // Companies: by id, and by name where no id was given.
            var companyIds = new HashSet<long>(requests.Where(r => r.AutotaskCompanyId.HasValue).Select(r => r.AutotaskCompanyId!.Value));
            var companyNames = requests.Where(r => !r.AutotaskCompanyId.HasValue && !string.IsNullOrWhiteSpace(r.AutotaskCompanyName))
                .Select(r => r.AutotaskCompanyName!).ToList();
            var namedCompanies = await autotask.GetCompaniesByNamesAsync(companyNames, cancellationToken).ConfigureAwait(false);
            companyIds.UnionWith(namedCompanies.Select(c => c.AutotaskCompanyId));

            // Contracts given by id may belong to a company not named in the row: fetch them to know.
            var contractIds = requests.Where(r => r.ContractId.HasValue).Select(r => r.ContractId!.Value).Distinct().ToList();
            var byId = contractIds.Count == 0 ? Array.Empty<AutotaskContract>() : await autotask.GetContractsByIdAsync(contractIds, cancellationToken).ConfigureAwait(false);
            companyIds.UnionWith(byId.Select(c => c.AutotaskCompanyId));

            // Contracts given only by name, with no company: found by name across companies.
            var orphanNames = requests.Where(r => !r.ContractId.HasValue && !r.AutotaskCompanyId.HasValue && string.IsNullOrWhiteSpace(r.AutotaskCompanyName)
                                                  && !string.IsNullOrWhiteSpace(r.ContractName)).Select(r => r.ContractName!).ToList();
            var byName = orphanNames.Count == 0 ? Array.Empty<AutotaskContract>() : await autotask.GetContractsByNameAsync(orphanNames, true, cancellationToken).ConfigureAwait(false);
            companyIds.UnionWith(byName.Select(c => c.AutotaskCompanyId));

            var companies = await autotask.GetCompaniesByIdAsync(companyIds, cancellationToken).ConfigureAwait(false);
            var contracts = await autotask.GetContractsAsync(companyIds, null, includeCancelled: true, cancellationToken).ConfigureAwait(false);

            // Other contracts with the same names as the candidates, anywhere: the duplicate-name rule.
            var candidateNames = contracts.Concat(byId).Concat(byName).Where(c => c.IsActive).Select(c => c.ContractName).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var sameNamed = candidateNames.Count == 0 ? Array.Empty<AutotaskContract>() : await autotask.GetContractsByNameAsync(candidateNames, false, cancellationToken).ConfigureAwait(false);

            var extraCompanyIds = sameNamed.Select(c => c.AutotaskCompanyId).Where(id => !companies.ContainsKey(id)).Distinct().ToList();
            var extraCompanies = extraCompanyIds.Count == 0 ? new Dictionary<long, AutotaskCompany>() : await autotask.GetCompaniesByIdAsync(extraCompanyIds, cancellationToken).ConfigureAwait(false);

            return new LiveData(Array.Empty<SophosCustomer>(), companies.Values.Concat(extraCompanies.Values).Concat(namedCompanies),
                contracts.Concat(byId).Concat(byName), sameNamed);
        }

        /// <summary>Everything Test-PsaMapping needs to check the saved <paramref name="mappings"/>.</summary>
        public static async Task<LiveData> ForMappingsAsync(IReadOnlyCollection<CustomerMapping> mappings, SophosCentralClient sophos,
            AutotaskDirectory autotask, IOperationObserver observer, CancellationToken cancellationToken)
            => await WithCustomersAsync(sophos, AutotaskForMappingsAsync(mappings, autotask, cancellationToken), observer, cancellationToken).ConfigureAwait(false);

        /// <summary>
        /// Adds the partner's customers to the Autotask data being fetched. The two run side by side; WhenAll
        /// waits for both, so a failure in one never leaves the other running unobserved after the command ended.
        /// </summary>
        private static async Task<LiveData> WithCustomersAsync(SophosCentralClient sophos, Task<LiveData> autotaskPart,
            IOperationObserver observer, CancellationToken cancellationToken)
        {
            Task<IReadOnlyList<SophosCustomer>> customers = sophos.GetCustomersAsync(false, observer, cancellationToken);
            await Task.WhenAll(customers, autotaskPart).ConfigureAwait(false);
            return autotaskPart.Result.WithCustomers(customers.Result);
        }

        private static async Task<LiveData> AutotaskForMappingsAsync(IReadOnlyCollection<CustomerMapping> mappings, AutotaskDirectory autotask,
            CancellationToken cancellationToken)
        {
            var contractIds = mappings.Select(m => m.ContractId).Distinct().ToList();
            var contracts = contractIds.Count == 0 ? Array.Empty<AutotaskContract>() : await autotask.GetContractsByIdAsync(contractIds, cancellationToken).ConfigureAwait(false);
            var names = contracts.Where(c => c.IsActive).Select(c => c.ContractName).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var sameNamed = names.Count == 0 ? Array.Empty<AutotaskContract>() : await autotask.GetContractsByNameAsync(names, false, cancellationToken).ConfigureAwait(false);
            var companyIds = mappings.Select(m => m.AutotaskCompanyId).Concat(contracts.Select(c => c.AutotaskCompanyId)).Concat(sameNamed.Select(c => c.AutotaskCompanyId)).Distinct().ToList();
            var companies = companyIds.Count == 0 ? new Dictionary<long, AutotaskCompany>() : await autotask.GetCompaniesByIdAsync(companyIds, cancellationToken).ConfigureAwait(false);
            return new LiveData(Array.Empty<SophosCustomer>(), companies.Values, contracts, sameNamed);
        }

        /// <summary>Contracts for a message: the first few with their companies, then how many more.</summary>
        public string ContractList(IReadOnlyList<AutotaskContract> contracts, int shown = 5)
        {
            string listed = string.Join(", ", contracts.OrderBy(c => c.ContractId).Take(shown).Select(c => $"contract id {c.ContractId} of {CompanyLabel(c.AutotaskCompanyId)}"));
            return contracts.Count > shown ? $"{listed} and {contracts.Count - shown} more" : listed;
        }

        /// <summary>A company's name for messages, with its id.</summary>
        public string CompanyLabel(long id) => Companies.TryGetValue(id, out AutotaskCompany? company) ? $"'{UserText.Clip(company.AutotaskCompanyName)}' (id {id})" : $"id {id}";
    }
}
