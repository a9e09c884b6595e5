using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using PsaMapping.Engine.Matching;
using PsaMapping.Engine.Suggestions;

namespace PsaMapping.Engine.Autotask
{
    /// <summary>
    /// Companies and contracts as the module sees them: searched, looked up by name or id, with picklist
    /// labels, cancelled and expired contracts told apart. Keeps within a session what it fetched in bulk.
    /// Owns its client: disposing the directory closes the connection.
    /// </summary>
    public sealed class AutotaskDirectory : IDisposable
    {
        /// <summary>Largest id list sent in one `in` filter.</summary>
        public const int IdsPerQuery = 500;

        /// <summary>Pages read at once when fetching a whole table: Autotask's thread limit per endpoint.</summary>
        public const int Parallelism = 3;

        internal static readonly string[] CompanyFields = { "id", "companyName", "companyNumber", "companyType", "isActive", "parentCompanyID" };
        internal static readonly string[] ContractFields =
            { "id", "companyID", "contractName", "contractNumber", "contractType", "status", "startDate", "endDate" };

        private readonly AutotaskClient _client;
        private readonly TimeProvider _time;
        private readonly SemaphoreSlim _companiesLock = new SemaphoreSlim(1, 1);
        private IReadOnlyList<AutotaskCompany>? _allCompanies;
        private readonly object _indexGate = new object();
        private CompanyNameIndex? _companyIndex;
        private readonly SemaphoreSlim _servicesLock = new SemaphoreSlim(1, 1);
        private IReadOnlyList<AutotaskService>? _services;

        public AutotaskDirectory(AutotaskClient client, TimeProvider? timeProvider = null)
        {
            _client = client;
            _time = timeProvider ?? TimeProvider.System;
        }

        public AutotaskClient Client => _client;

        public void Dispose()
        {
            _client.Dispose();
            _companiesLock.Dispose();
            _servicesLock.Dispose();
        }

        /// <summary>Whether every company has been fetched in this session (then searches cost no request).</summary>
        public bool HasAllCompanies => _allCompanies != null;

        /// <summary>
        /// The service catalogue (inactive services only with <paramref name="includeInactive"/>), ordered by id: read
        /// once per session, with the inactive ones, like the other lookups; then no request.
        /// </summary>
        public async Task<IReadOnlyList<AutotaskService>> GetServicesAsync(bool includeInactive, CancellationToken cancellationToken)
        {
            IReadOnlyList<AutotaskService>? services = _services;
            if (services == null)
            {
                await _servicesLock.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    services = _services ??= await new AutotaskBilling(_client).GetServicesAsync(includeInactive: true, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _servicesLock.Release();
                }
            }
            return includeInactive ? services : services.Where(s => s.IsActive).ToList();
        }

        /// <summary>
        /// Companies whose name matches <paramref name="name"/> as an autocomplete would rank them: for a person
        /// typing. Costs one request (none when every company is already cached): the server returns the
        /// candidates that contain any of a few search terms, and the ranking happens here.
        /// </summary>
        public async Task<IReadOnlyList<Ranked<AutotaskCompany>>> SearchCompaniesAsync(string name, bool includeInactive, int? first,
            CancellationToken cancellationToken)
        {
            IReadOnlyList<AutotaskCompany> candidates = await CandidatesAsync(name, includeInactive, cancellationToken).ConfigureAwait(false);
            IEnumerable<AutotaskCompany> eligible = includeInactive ? candidates : candidates.Where(c => c.IsActive);
            return AutocompleteRanker.Rank(name, eligible, c => c.AutotaskCompanyName, first);
        }

        /// <summary>
        /// The companies whose whole name is closest to a customer's name, best first: "which company is this
        /// customer?", answered by the matcher <see cref="MappingSuggester"/> uses (legal suffixes, accents,
        /// transliterations, word order and typos do not matter). Costs one request, like a search, until every
        /// company is cached; then none.
        /// </summary>
        public async Task<IReadOnlyList<(AutotaskCompany Company, CompanyMatch Match)>> MatchCustomerNameAsync(string customerName,
            bool includeInactive, int? first, CancellationToken cancellationToken)
        {
            CompanyNameIndex index;
            IReadOnlyList<AutotaskCompany> companies;
            if (_allCompanies != null)
            {
                companies = _allCompanies;
                index = await GetCompanyIndexAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                companies = await CandidatesAsync(customerName, includeInactive, cancellationToken).ConfigureAwait(false);
                index = new CompanyNameIndex(companies.Select(Indexed));
            }

            var byId = new Dictionary<long, AutotaskCompany>();
            foreach (AutotaskCompany company in companies) byId[company.AutotaskCompanyId] = company;
            return index.Best(customerName, int.MaxValue)
                .Where(match => includeInactive || match.IsActive)
                .Take(first ?? int.MaxValue)
                .Select(match => (byId[match.CompanyId], match))
                .ToList();
        }

        /// <summary>Every company (inactive ones too) in a name index, built once per session.</summary>
        public async Task<CompanyNameIndex> GetCompanyIndexAsync(CancellationToken cancellationToken)
        {
            IReadOnlyList<AutotaskCompany> all = await GetAllCompaniesAsync(cancellationToken).ConfigureAwait(false);
            lock (_indexGate)
                return _companyIndex ??= new CompanyNameIndex(all.Select(Indexed));
        }

        /// <summary>A company as the name index needs it.</summary>
        public static IndexedCompany Indexed(AutotaskCompany company) => new IndexedCompany(company.AutotaskCompanyId, company.AutotaskCompanyName,
            company.IsActive, string.Equals(company.CompanyType, "Customer", StringComparison.OrdinalIgnoreCase));

        /// <summary>Every company when cached; else one request for those containing a search term of <paramref name="name"/>.</summary>
        private async Task<IReadOnlyList<AutotaskCompany>> CandidatesAsync(string name, bool includeInactive, CancellationToken cancellationToken)
        {
            if (_allCompanies != null) return _allCompanies;
            IReadOnlyList<string> terms = AutocompleteRanker.ServerSearchTerms(name);
            var filter = new List<JObject>();
            if (terms.Count > 0) filter.Add(Filter.Or(terms.Select(term => Filter.Contains("companyName", term))));
            else filter.Add(Filter.All());
            if (!includeInactive) filter.Add(Filter.Eq("isActive", true));
            return await ToCompaniesAsync(await _client.QueryAsync("Companies", Filter.Of(filter.ToArray()), CompanyFields,
                cancellationToken, firstPageOnly: true).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Every company, fetched once per session in pages of 500.</summary>
        public async Task<IReadOnlyList<AutotaskCompany>> GetAllCompaniesAsync(CancellationToken cancellationToken)
        {
            await _companiesLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_allCompanies == null)
                {
                    Picklist types = await CompanyTypesAsync(cancellationToken).ConfigureAwait(false);
                    _allCompanies = await _client.QueryAllAsync("Companies", Array.Empty<JObject>(), CompanyFields, Parallelism, row => ToCompany(row, types),
                        cancellationToken).ConfigureAwait(false);
                }

                return _allCompanies;
            }
            finally
            {
                _companiesLock.Release();
            }
        }

        /// <summary>Companies whose name is exactly <paramref name="name"/>, ignoring case (one request).</summary>
        public Task<IReadOnlyList<AutotaskCompany>> GetCompaniesByNameAsync(string name, CancellationToken cancellationToken) =>
            GetCompaniesByNamesAsync(new[] { name }, cancellationToken);

        /// <summary>The companies with these ids, 500 ids a request; absent ids are simply missing.</summary>
        public async Task<IReadOnlyDictionary<long, AutotaskCompany>> GetCompaniesByIdAsync(IEnumerable<long> ids, CancellationToken cancellationToken)
        {
            var wanted = ids.Distinct().ToList();
            if (_allCompanies != null)
            {
                var known = new HashSet<long>(wanted);
                return _allCompanies.Where(c => known.Contains(c.AutotaskCompanyId)).ToDictionary(c => c.AutotaskCompanyId);
            }

            var batches = await Task.WhenAll(Chunks(wanted).Select(chunk => _client.QueryAsync("Companies",
                Filter.Of(Filter.In("id", chunk)), CompanyFields, cancellationToken))).ConfigureAwait(false);
            var companies = await ToCompaniesAsync(batches.SelectMany(rows => rows).ToList(), cancellationToken).ConfigureAwait(false);
            return companies.GroupBy(c => c.AutotaskCompanyId).ToDictionary(g => g.Key, g => g.First());
        }

        /// <summary>
        /// Contracts, optionally only those of <paramref name="companyIds"/> (500 companies a request, in
        /// filters rather than one query per company) and whose name contains <paramref name="nameContains"/>.
        /// Inactive ("cancelled") contracts are left out unless <paramref name="includeCancelled"/>.
        /// </summary>
        public async Task<IReadOnlyList<AutotaskContract>> GetContractsAsync(IReadOnlyCollection<long>? companyIds, string? nameContains,
            bool includeCancelled, CancellationToken cancellationToken)
        {
            var conditions = new List<JObject>();
            if (!string.IsNullOrEmpty(nameContains)) conditions.Add(Filter.Contains("contractName", nameContains!));
            return companyIds == null
                ? await QueryContractsAsync(conditions, includeCancelled, cancellationToken).ConfigureAwait(false)
                : await QueryContractsInAsync("companyID", companyIds, conditions, includeCancelled, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Every contract that is not cancelled, fetched a few pages at a time.</summary>
        public async Task<IReadOnlyList<AutotaskContract>> GetAllActiveContractsAsync(CancellationToken cancellationToken)
        {
            IReadOnlyDictionary<string, Picklist> picklists = await _client.GetPicklistsAsync("Contracts", cancellationToken).ConfigureAwait(false);
            var active = new[] { Filter.In("status", ActiveStatusValues(picklists).Select(v => long.Parse(v, CultureInfo.InvariantCulture))) };
            var contracts = new ContractRows(picklists, _time.GetUtcNow().UtcDateTime.Date);
            return await _client.QueryAllAsync("Contracts", active, ContractFields, Parallelism, contracts.ToContract, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The contracts with these ids, whatever their status (500 ids a request).</summary>
        public Task<IReadOnlyList<AutotaskContract>> GetContractsByIdAsync(IReadOnlyCollection<long> contractIds, CancellationToken cancellationToken) =>
            QueryContractsInAsync("id", contractIds, new List<JObject>(), includeCancelled: true, cancellationToken);

        /// <summary>
        /// Contracts named exactly like one of <paramref name="names"/> (ignoring case), in every company: how
        /// duplicate contract names, which Sophos's own sync cannot tell apart, are found.
        /// </summary>
        public async Task<IReadOnlyList<AutotaskContract>> GetContractsByNameAsync(IReadOnlyCollection<string> names, bool includeCancelled,
            CancellationToken cancellationToken)
        {
            var wanted = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
            var contracts = await QueryContractsInAsync("contractName", wanted.ToList(), new List<JObject>(), includeCancelled, cancellationToken).ConfigureAwait(false);
            return contracts.Where(c => wanted.Contains(c.ContractName)).ToList();
        }

        /// <summary>Companies named like one of <paramref name="names"/> by <see cref="CompanyResolver.Key"/> (500 names a request).</summary>
        public async Task<IReadOnlyList<AutotaskCompany>> GetCompaniesByNamesAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
        {
            var wanted = new HashSet<string>(names.Select(CompanyResolver.Key));
            if (wanted.Count == 0) return Array.Empty<AutotaskCompany>();
            var asked = names.Select(n => n.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            IReadOnlyList<AutotaskCompany> companies = _allCompanies ?? await ToCompaniesAsync((await Task.WhenAll(Chunks(asked).Select(chunk =>
                _client.QueryAsync("Companies", Filter.Of(Filter.In("companyName", chunk)), CompanyFields, cancellationToken))).ConfigureAwait(false))
                .SelectMany(rows => rows).ToList(), cancellationToken).ConfigureAwait(false);
            return companies.Where(c => wanted.Contains(CompanyResolver.Key(c.AutotaskCompanyName))).ToList();
        }

        private async Task<IReadOnlyList<AutotaskContract>> QueryContractsInAsync<T>(string field, IEnumerable<T> values, List<JObject> conditions,
            bool includeCancelled, CancellationToken cancellationToken)
        {
            var batches = await Task.WhenAll(Chunks(values.Distinct().ToList()).Select(chunk =>
                QueryContractsAsync(conditions.Append(Filter.In(field, chunk)).ToList(), includeCancelled, cancellationToken))).ConfigureAwait(false);
            return batches.SelectMany(batch => batch).GroupBy(c => c.ContractId).Select(g => g.First()).OrderBy(c => c.ContractId).ToList();
        }

        private async Task<IReadOnlyList<AutotaskContract>> QueryContractsAsync(List<JObject> conditions, bool includeCancelled, CancellationToken cancellationToken)
        {
            IReadOnlyDictionary<string, Picklist> picklists = await _client.GetPicklistsAsync("Contracts", cancellationToken).ConfigureAwait(false);
            var filter = new List<JObject>(conditions);
            if (!includeCancelled) filter.Add(Filter.In("status", ActiveStatusValues(picklists).Select(v => long.Parse(v, CultureInfo.InvariantCulture))));
            if (filter.Count == 0) filter.Add(Filter.All());

            IReadOnlyList<AutotaskRecord> rows = await _client.QueryAsync("Contracts", Filter.Of(filter.ToArray()), ContractFields, cancellationToken).ConfigureAwait(false);
            var contracts = new ContractRows(picklists, _time.GetUtcNow().UtcDateTime.Date);
            return rows.Select(contracts.ToContract).OrderBy(c => c.ContractId).ToList();
        }

        private static IReadOnlyList<string> ActiveStatusValues(IReadOnlyDictionary<string, Picklist> picklists)
        {
            IReadOnlyList<string> values = Picklist.Of(picklists, "status").ValuesOf("Active");
            return values.Count > 0 ? values : new[] { "1" };
        }

        private async Task<IReadOnlyList<AutotaskCompany>> ToCompaniesAsync(IReadOnlyList<AutotaskRecord> rows, CancellationToken cancellationToken)
        {
            Picklist types = await CompanyTypesAsync(cancellationToken).ConfigureAwait(false);
            return rows.Select(row => ToCompany(row, types)).ToList();
        }

        private async Task<Picklist> CompanyTypesAsync(CancellationToken cancellationToken) =>
            Picklist.Of(await _client.GetPicklistsAsync("Companies", cancellationToken).ConfigureAwait(false), "companyType");

        private static AutotaskCompany ToCompany(AutotaskRecord row, Picklist types) => new AutotaskCompany(
            AutotaskRow.Required<long>(row, "id", "Companies"),
            AutotaskRow.Text(row, "companyName") ?? "",
            AutotaskRow.Text(row, "companyNumber"),
            types.LabelOf(AutotaskRow.Value(row, "companyType")),
            AutotaskRow.Optional<bool>(row, "isActive", "Companies") ?? true,
            AutotaskRow.Optional<long>(row, "parentCompanyID", "Companies"));

        /// <summary>Turns contract rows into contracts, with the picklists looked up once rather than per row.</summary>
        private sealed class ContractRows
        {
            private readonly Picklist _status;
            private readonly Picklist _types;
            private readonly HashSet<string> _activeValues;
            private readonly DateTime _today;

            public ContractRows(IReadOnlyDictionary<string, Picklist> picklists, DateTime today)
            {
                _status = Picklist.Of(picklists, "status");
                _types = Picklist.Of(picklists, "contractType");
                _activeValues = new HashSet<string>(ActiveStatusValues(picklists), StringComparer.Ordinal);
                _today = today;
            }

            public AutotaskContract ToContract(AutotaskRecord row)
            {
                long id = AutotaskRow.Required<long>(row, "id", "Contracts");
                string? statusValue = AutotaskRow.Text(row, "status");
                string status = _status.LabelOf(statusValue) ?? "";
                string? type = _types.LabelOf(AutotaskRow.Value(row, "contractType"));
                bool active = _activeValues.Contains(statusValue ?? "");
                DateTime? end = AutotaskRow.Date(row, "endDate");
                bool recurring = string.Equals(type, "Recurring Service", StringComparison.OrdinalIgnoreCase);
                return new AutotaskContract(id, AutotaskRow.Text(row, "contractName") ?? "", AutotaskRow.Text(row, "contractNumber"),
                    AutotaskRow.Required<long>(row, "companyID", "Contracts"), null, type, status, AutotaskRow.Date(row, "startDate"), end,
                    active, active && end.HasValue && end.Value.Date < _today, recurring);
            }
        }

        internal static IEnumerable<List<T>> Chunks<T>(List<T> values)
        {
            for (int start = 0; start < values.Count; start += IdsPerQuery)
                yield return values.GetRange(start, Math.Min(IdsPerQuery, values.Count - start));
        }
    }
}
