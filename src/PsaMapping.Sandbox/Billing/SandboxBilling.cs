using System.Globalization;
using PsaMapping.Sandbox.Autotask;
using PsaMapping.Sandbox.Data;
using ContractType = PsaMapping.Sandbox.AutotaskCodes.ContractType;
using PeriodType = PsaMapping.Sandbox.AutotaskCodes.PeriodType;

namespace PsaMapping.Sandbox
{
    /// <summary>
    /// Usage billing on both sides, as shared/reference describes it. Sophos: a monthly usage report per
    /// usage-billed tenant (several products each, some tenants with none, a few items without an account).
    /// Autotask: the service catalogue, service lines on Recurring Service contracts (the "security" contract of
    /// each usage tenant's company carries most of its products, sometimes one twice), their units as one row per
    /// calendar-month billing period up to the contract end (past periods approved and posted), and the
    /// adjustments, applied as Autotask does: a delta from the effective date on, splitting the period it falls in.
    /// Seeded and deterministic; built on first use from streams of its own, so the rest of the data never moves.
    /// Thread-safe: every write happens under one lock and swaps in new immutable tables.
    /// </summary>
    public sealed class SandboxBilling
    {
        public const long FirstServiceId = 301;
        public const long FirstContractServiceId = 200_001;
        public const long FirstUnitsId = 5_000_001;
        public const long FirstAdjustmentId = 900_001;

        /// <summary>Months of usage kept before the current one; older months and the current one answer 404.</summary>
        public const int UsageMonths = 36;

        /// <summary>Products are reported under their former code and description in months this far back and older.</summary>
        public const int RenamedMonthsAgo = 6;

        /// <summary>Autotask's words when an adjustment would change a posted period.</summary>
        public const string PostedPeriodMessage =
            "This operation would result in the deletion/modification of an already approved and posted contract period.";

        private const double NoProductsRate = 0.08;
        private const double LineMissingRate = 0.15;
        private const double DuplicateLineRate = 0.04;
        private const double CurrentPeriodPostedRate = 0.05;
        private const double AbsentMonthRate = 0.07;
        private const double OtherServicesRate = 0.3;
        private const int AccountlessItemsPerMonth = 3;

        public static readonly IReadOnlyList<SandboxProduct> Products =
        [
            new("CIXA", "CIXA1CSAA", "Central Intercept X Advanced", "User", 2.75m, FormerDescription: "Central Endpoint Intercept X Advanced"),
            new("CIXAXDR", "CIXAXDR1CSAA", "Central Intercept X Advanced with XDR", "User", 4.25m, FormerCode: "CIXAEDR",
                FormerDescription: "Central Intercept X Advanced with EDR"),
            new("CMDRC", "CMDRC1CSAA", "Central MDR Complete", "User", 8.50m),
            new("CSVRA", "CSVRA1CSAA", "Central Intercept X Advanced for Server", "Server", 6.00m, FormerDescription: "Central Server Protection Advanced"),
            new("CSVRXDR", "CSVRXDR1CSAA", "Central Intercept X Advanced for Server with XDR", "Server", 9.00m),
            new("CEMAIL", "CEMA1CSAA", "Central Email Advanced", "User", 1.90m),
            new("CMOBA", "CMOBA1CSAA", "Central Mobile Advanced", "Device", 1.20m),
            new("CPHISH", "CPHI1CSAA", "Central Phish Threat", "User", 1.10m),
            new("CDEVENC", "CDEN1CSAA", "Central Device Encryption", "Device", 1.00m),
            new("CZTNA", "CZTN1CSAA", "Central ZTNA", "User", 2.10m),
        ];

        /// <summary>The catalogue, ids from <see cref="FirstServiceId"/>; the first ten bill the ten products, in order.</summary>
        public static readonly IReadOnlyList<SandboxService> Services =
        [
            Service(0, "Sophos Intercept X Advanced", 4.50m, 2.75m),
            Service(1, "Sophos Intercept X Advanced with XDR", 6.90m, 4.25m),
            Service(2, "Sophos MDR Complete", 12.00m, 8.50m),
            // Named as the product was before Sophos renamed it: the catalogue keeps old names.
            Service(3, "Sophos Server Protection Advanced", 9.50m, 6.00m),
            Service(4, "Sophos Intercept X for Server with XDR", 14.00m, 9.00m),
            Service(5, "Sophos Email Advanced", 3.00m, 1.90m),
            Service(6, "Sophos Mobile Advanced", 2.00m, 1.20m),
            Service(7, "Sophos Phish Threat", 1.80m, 1.10m),
            Service(8, "Sophos Device Encryption", 1.60m, 1.00m),
            Service(9, "Sophos ZTNA", 3.40m, 2.10m),
            Service(10, "Sophos Endpoint Protection (retired)", 3.00m, 2.00m, isActive: false),
            Service(11, "Microsoft 365 Business Premium", 22.00m, 18.00m),
            Service(12, "Managed Backup (per device)", 8.00m, 3.50m),
            Service(13, "Remote Monitoring and Management", 5.00m, 1.50m),
            Service(14, "Managed Firewall", 45.00m, 20.00m),
            Service(15, "Sophos Intercept X Advanced - Annual", 48.00m, 30.00m, PeriodType.Yearly),
        ];

        private readonly object _gate = new();
        private readonly int _seed;
        private readonly DateTime _thisMonth;
        private readonly IReadOnlyList<SandboxTenant> _usageTenants;
        private readonly Dictionary<Guid, (int Product, int Base)[]> _tenantProducts = [];
        private readonly Dictionary<long, SandboxContract> _contracts;
        private readonly Dictionary<Guid, long> _contractOfTenant = [];
        private readonly SortedDictionary<long, SandboxContractService> _lines = new();
        private readonly Dictionary<long, List<SandboxServiceUnits>> _unitsByLine = [];
        private readonly List<SandboxAdjustment> _adjustments = [];
        private readonly Dictionary<(int Year, int Month), List<SandboxUsageItem>?> _usageChanged = [];
        private long _nextLineId = FirstContractServiceId, _nextUnitsId = FirstUnitsId, _nextAdjustmentId = FirstAdjustmentId;
        private AutotaskTable _linesTable, _unitsTable;
        private AutotaskTable? _contractsTable;

        internal SandboxBilling(SandboxWorld world, DateTime today, IReadOnlyList<SandboxTenant> tenants, IReadOnlyList<SandboxCompany> companies,
            IReadOnlyList<SandboxContract> contracts)
        {
            _seed = world.Seed;
            _thisMonth = new DateTime(today.Year, today.Month, 1, 0, 0, 0, DateTimeKind.Utc);
            _contracts = contracts.ToDictionary(c => c.Id);
            _usageTenants = tenants.Where(t => t.BillingType == "usage").ToArray();
            ServicesTable = AutotaskEntities.CreateServices(Services);

            var random = world.CreateRandom("billing");
            var organizationIndex = world.Organizations.ToDictionary(o => o.Id, o => o.Index);
            int WellKnown(SandboxTenant tenant) =>
                organizationIndex.TryGetValue(tenant.OrganizationId, out int index) && index < NameGenerator.WellKnown.Count ? index : -1;
            foreach (var tenant in _usageTenants) _tenantProducts[tenant.Id] = PickProducts(random, WellKnown(tenant) >= 0);

            var companyOfOrganization = companies.Where(c => c.OrganizationId is not null).ToDictionary(c => c.OrganizationId!.Value, c => c.Id);
            var contractsOfCompany = contracts.ToLookup(c => c.CompanyId);
            var securityContracts = new HashSet<long>();
            foreach (var tenant in _usageTenants)
            {
                if (!companyOfOrganization.TryGetValue(tenant.OrganizationId, out long companyId)) continue;
                var first = contractsOfCompany[companyId].OrderBy(c => c.Id).FirstOrDefault();
                if (first is null || first.ContractType != ContractType.RecurringService) continue;
                _contractOfTenant[tenant.Id] = first.Id;
                securityContracts.Add(first.Id);
                SeedSecurityLines(tenant, first, random, WellKnown(tenant));
            }
            foreach (var contract in contracts.Where(c => c.ContractType == ContractType.RecurringService && !securityContracts.Contains(c.Id)))
            {
                if (random.NextDouble() >= OtherServicesRate) continue;
                int count = 1 + random.Next(2);
                foreach (int service in Enumerable.Range(11, 4).OrderBy(_ => random.Next()).Take(count))
                {
                    AddLine(contract, Services[service], random.Next(1, 51), currentPeriodPosted: false);
                }
            }
            _linesTable = AutotaskEntities.CreateContractServices(_lines.Values.ToArray());
            _unitsTable = AutotaskEntities.CreateContractServiceUnits(_unitsByLine.Values.SelectMany(rows => rows).ToArray());
        }

        /// <summary>The first day of the month the data is relative to (the current month when the sandbox started).</summary>
        public DateTime ThisMonth => _thisMonth;

        /// <summary>The catalogue's product code for each service that bills a product (ground truth for product mappings).</summary>
        public static long ServiceIdOf(string productCode)
        {
            int index = Products.ToList().FindIndex(p => string.Equals(p.ProductCode, productCode, StringComparison.OrdinalIgnoreCase)
                                                          || string.Equals(p.FormerCode, productCode, StringComparison.OrdinalIgnoreCase));
            return index < 0 ? throw new ArgumentException($"No product {productCode}.", nameof(productCode)) : Services[index].Id;
        }

        /// <summary>The contract each usage tenant's usage is billed under (its company's first contract, a Recurring Service one).</summary>
        public IReadOnlyDictionary<Guid, long> ContractOfTenant => _contractOfTenant;

        public IReadOnlyList<SandboxContractService> ContractServices
        {
            get { lock (_gate) return _lines.Values.ToArray(); }
        }

        public IReadOnlyList<SandboxContractService> ContractServicesOf(long contractId)
        {
            lock (_gate) return _lines.Values.Where(l => l.ContractId == contractId).ToArray();
        }

        /// <summary>Every ContractServiceUnits row of a line, by start date.</summary>
        public IReadOnlyList<SandboxServiceUnits> UnitRows(long contractServiceId)
        {
            lock (_gate) return _unitsByLine.TryGetValue(contractServiceId, out var rows) ? rows.ToArray() : [];
        }

        /// <summary>The units of a line on a day; null when no period of the line covers it.</summary>
        public decimal? UnitsOn(long contractServiceId, DateTime date)
        {
            lock (_gate) return InForce(contractServiceId, date.Date)?.Units;
        }

        /// <summary>Every adjustment received, in order, with what became of it.</summary>
        public IReadOnlyList<SandboxAdjustment> Adjustments
        {
            get { lock (_gate) return _adjustments.ToArray(); }
        }

        /// <summary>The usage report of a month; null when Sophos has none (404): the current month, later ones, or cleared.</summary>
        public IReadOnlyList<SandboxUsageItem>? Usage(int year, int month)
        {
            lock (_gate) return UsageLocked(year, month)?.ToArray();
        }

        /// <summary>Sets the billable quantity of a tenant's product in a month (adding the item when missing); null removes it.</summary>
        public void SetUsage(int year, int month, Guid tenantId, string productCode, decimal? billableQuantity)
        {
            lock (_gate)
            {
                var items = UsageLocked(year, month) ?? throw new InvalidOperationException($"There is no usage report for {year}-{month:D2}.");
                var list = new List<SandboxUsageItem>(items);
                int index = list.FindIndex(i => i.AccountId == tenantId && string.Equals(i.ProductCode, productCode, StringComparison.OrdinalIgnoreCase));
                if (billableQuantity is not decimal quantity)
                {
                    if (index >= 0) list.RemoveAt(index);
                }
                else if (index >= 0)
                {
                    list[index] = list[index] with { BillableQuantity = quantity, ActualQuantity = quantity };
                }
                else
                {
                    var tenant = _usageTenants.FirstOrDefault(t => t.Id == tenantId) ?? throw new ArgumentException($"No usage-billed tenant {tenantId}.", nameof(tenantId));
                    int product = Products.ToList().FindIndex(p => string.Equals(p.ProductCode, productCode, StringComparison.OrdinalIgnoreCase));
                    if (product < 0) throw new ArgumentException($"No product {productCode}.", nameof(productCode));
                    list.Add(Item(tenant.Id, tenant.Name, Products[product], year, month, quantity, list.Count + 1, renamed: false));
                }
                _usageChanged[(year, month)] = list;
            }
        }

        /// <summary>Makes a month answer 404, as a month Sophos has no report for yet.</summary>
        public void ClearUsage(int year, int month)
        {
            lock (_gate) _usageChanged[(year, month)] = null;
        }

        /// <summary>
        /// Adds a contract to the company, as someone would in Autotask while the sandbox runs: for the cases the seed
        /// lacks, such as a contract that has not started yet. Queries see it from then on; <see cref="SandboxServer.Contracts"/>
        /// lists only the seeded ones.
        /// </summary>
        public SandboxContract AddContract(long companyId, string name, DateTime startDate, DateTime endDate,
            int contractType = ContractType.RecurringService, int status = AutotaskCodes.ContractStatus.Active)
        {
            lock (_gate)
            {
                var contract = new SandboxContract(_contracts.Keys.Max() + 1, companyId, name, null, contractType, null, status,
                    DateTime.SpecifyKind(startDate.Date, DateTimeKind.Utc), DateTime.SpecifyKind(endDate.Date, DateTimeKind.Utc), false, _thisMonth);
                _contracts[contract.Id] = contract;
                Volatile.Write(ref _contractsTable, AutotaskEntities.CreateContracts(_contracts.Values.ToArray()));
                return contract;
            }
        }

        /// <summary>The contracts table with the added contracts; null while none was added.</summary>
        internal AutotaskTable? AddedContractsTable => Volatile.Read(ref _contractsTable);

        internal AutotaskTable ServicesTable { get; }

        internal AutotaskTable ContractServicesTable => Volatile.Read(ref _linesTable);

        internal AutotaskTable UnitsTable => Volatile.Read(ref _unitsTable);

        /// <summary>
        /// Applies an adjustment as Autotask would, or refuses it with Autotask's message. The line is
        /// <paramref name="contractServiceId"/>, or the contract's line of <paramref name="serviceId"/> (the first when
        /// there are two: which one Autotask picks is not documented), or a new line when the contract has none.
        /// </summary>
        internal SandboxAdjustment Adjust(long contractId, long? contractServiceId, long? serviceId, DateTime effectiveDate, decimal unitChange,
            bool dropAfterApplying)
        {
            lock (_gate)
            {
                var (outcome, line, message) = TryAdjust(contractId, contractServiceId, serviceId, effectiveDate.Date, unitChange);
                var adjustment = outcome == SandboxAdjustmentOutcome.Refused
                    ? new SandboxAdjustment(null, contractId, contractServiceId, serviceId, effectiveDate.Date, unitChange, outcome, message)
                    : new SandboxAdjustment(_nextAdjustmentId++, contractId, line, serviceId, effectiveDate.Date, unitChange,
                        dropAfterApplying ? SandboxAdjustmentOutcome.AppliedThenDropped : SandboxAdjustmentOutcome.Applied, null);
                _adjustments.Add(adjustment);
                return adjustment;
            }
        }

        /// <summary>POST /Contracts/{id}/Services: a new line, with zero units from this month to the contract end.</summary>
        internal (long? Id, string? Error) AddContractService(long contractId, long serviceId, decimal? unitPrice, decimal? unitCost, string? invoiceDescription)
        {
            lock (_gate)
            {
                if (!_contracts.TryGetValue(contractId, out var contract)) return (null, $"Contract {contractId} does not exist.");
                if (contract.ContractType != ContractType.RecurringService)
                    return (null, "Services can only be added to Recurring Service contracts.");
                var service = Services.FirstOrDefault(s => s.Id == serviceId);
                if (service is null) return (null, $"Value does not reference an existing entity for serviceID ({serviceId}).");
                var start = Max(contract.StartDate.Date, _thisMonth);
                if (start > contract.EndDate.Date) return (null, "The contract has ended: no service can be added to it.");
                var line = NewLine(contract, service, unitPrice ?? service.UnitPrice, unitCost ?? service.UnitCost, invoiceDescription);
                var rows = PeriodRows(line, contract, start, 0m, _ => null);
                Publish([], [line], [], rows);
                return (line.Id, null);
            }
        }

        private (SandboxAdjustmentOutcome Outcome, long? Line, string? Message) TryAdjust(long contractId, long? contractServiceId, long? serviceId,
            DateTime date, decimal change)
        {
            static (SandboxAdjustmentOutcome, long?, string?) Refuse(string message) => (SandboxAdjustmentOutcome.Refused, null, message);

            if (!_contracts.TryGetValue(contractId, out var contract)) return Refuse($"Value does not reference an existing entity for contractID ({contractId}).");
            if (contract.ContractType != ContractType.RecurringService)
                return Refuse("Contract service adjustments can only be made to Recurring Service contracts.");
            if (date < contract.StartDate.Date || date > contract.EndDate.Date)
                return Refuse($"The effective date {date:yyyy-MM-dd} must fall within the contract's dates ({contract.StartDate:yyyy-MM-dd} to {contract.EndDate:yyyy-MM-dd}).");

            SandboxContractService? line;
            if (contractServiceId is long id)
            {
                if (!_lines.TryGetValue(id, out line) || line.ContractId != contractId)
                    return Refuse($"Contract service {id} does not belong to contract {contractId}.");
                if (serviceId is long named && named != line.ServiceId)
                    return Refuse($"Contract service {id} bills service {line.ServiceId}, not {named}.");
            }
            else
            {
                line = _lines.Values.FirstOrDefault(l => l.ContractId == contractId && l.ServiceId == serviceId);
                if (line is null)
                {
                    var service = Services.FirstOrDefault(s => s.Id == serviceId);
                    if (service is null) return Refuse($"Value does not reference an existing entity for serviceID ({serviceId}).");
                    if (change < 0) return Refuse("The adjustment would make the service's units negative.");
                    // Autotask adds the service to a contract that lacks it, with the adjustment's units from its date on.
                    var newLine = NewLine(contract, service, service.UnitPrice, service.UnitCost, null);
                    Publish([], [newLine], [], PeriodRows(newLine, contract, date, change, _ => null));
                    return (SandboxAdjustmentOutcome.Applied, newLine.Id, null);
                }
            }

            var rows = _unitsByLine[line.Id];
            var affected = rows.Where(r => r.EndDate >= date).ToList();
            if (affected.Count == 0) return Refuse($"Contract service {line.Id} has no billing period on or after {date:yyyy-MM-dd}.");
            if (affected.Any(r => r.ApproveAndPostDate is not null)) return Refuse(PostedPeriodMessage);
            if (affected.Any(r => r.Units + change < 0)) return Refuse("The adjustment would make the service's units negative.");

            var replaced = new List<SandboxServiceUnits>();
            var added = new List<SandboxServiceUnits>();
            foreach (var row in affected)
            {
                if (row.StartDate < date)
                {
                    // The period it falls in ends the day before, and a new row runs from the date to the period's end.
                    replaced.Add(row with { EndDate = date.AddDays(-1) });
                    added.Add(row with { Id = _nextUnitsId++, StartDate = date, Units = row.Units + change });
                }
                else
                {
                    replaced.Add(row with { Units = row.Units + change });
                }
            }
            Publish(replaced, [], added, []);
            return (SandboxAdjustmentOutcome.Applied, line.Id, null);
        }

        /// <summary>Writes changed and new rows, then swaps in the tables the queries read.</summary>
        private void Publish(IReadOnlyList<SandboxServiceUnits> replaced, IReadOnlyList<SandboxContractService> newLines,
            IReadOnlyList<SandboxServiceUnits> split, IReadOnlyList<SandboxServiceUnits> newLineRows)
        {
            foreach (var line in newLines) _lines[line.Id] = line;
            foreach (var row in replaced)
            {
                var rows = _unitsByLine[row.ContractServiceId];
                rows[rows.FindIndex(r => r.Id == row.Id)] = row;
            }
            foreach (var row in split.Concat(newLineRows))
            {
                if (!_unitsByLine.TryGetValue(row.ContractServiceId, out var rows)) _unitsByLine[row.ContractServiceId] = rows = [];
                rows.Add(row);
                rows.Sort((a, b) => a.StartDate.CompareTo(b.StartDate));
            }
            if (newLines.Count > 0)
                Volatile.Write(ref _linesTable, _linesTable.With([], newLines.Select(AutotaskEntities.Row).ToArray()));
            var addedRows = split.Concat(newLineRows).OrderBy(r => r.Id).Select(AutotaskEntities.Row).ToArray();
            Volatile.Write(ref _unitsTable, _unitsTable.With(replaced.Select(AutotaskEntities.Row), addedRows));
        }

        private SandboxServiceUnits? InForce(long contractServiceId, DateTime date) =>
            _unitsByLine.TryGetValue(contractServiceId, out var rows)
                ? rows.LastOrDefault(r => r.StartDate <= date && r.EndDate >= date)
                : null;

        private static (int Product, int Base)[] PickProducts(Random random, bool wellKnown)
        {
            // Same draws for every tenant, so one tenant's outcome never shifts the next one's.
            double none = random.NextDouble();
            int count = 1 + random.Next(5);
            var order = Enumerable.Range(0, Products.Count).OrderBy(_ => random.Next()).ToArray();
            var bases = Enumerable.Range(0, Products.Count).Select(_ => random.Next(1, 1000)).ToArray();
            if (none < NoProductsRate && !wellKnown) return [];
            if (wellKnown) count = Math.Max(count, 3);
            // Endpoint protection is what nearly everyone has; the rest are extras.
            var chosen = order.Take(count).ToList();
            if (!chosen.Contains(0) && !chosen.Contains(1)) chosen[0] = bases[0] % 3 == 0 ? 1 : 0;
            return chosen.Distinct().OrderBy(p => p).Select(p => (p, Products[p].ProductGroup switch
            {
                "Server" => 1 + bases[p] % 20,
                "Device" => 5 + bases[p] % 96,
                _ => 5 + bases[p] % 246,
            })).ToArray();
        }

        /// <summary>
        /// Lines for most of the tenant's products, units as last synced (the usage of two months ago). Three
        /// well-known customers always carry an awkward case, so tests and the demo can count on one: Fabrikam, Inc.
        /// has a service on two lines, Mueller Maschinenbau lacks the line of its first product, and Tailspin Toys
        /// has this month's period already posted.
        /// </summary>
        private void SeedSecurityLines(SandboxTenant tenant, SandboxContract contract, Random random, int wellKnown)
        {
            double postedRoll = random.NextDouble(), duplicateRoll = random.NextDouble();
            if (wellKnown >= 0)
            {
                postedRoll = wellKnown == 5 ? 0 : 1;
                duplicateRoll = wellKnown == 1 ? 0 : 1;
            }
            var lines = new List<SandboxContractService>();
            var synced = _thisMonth.AddMonths(-2);
            foreach (var (product, baseQuantity) in _tenantProducts[tenant.Id])
            {
                bool missing = random.NextDouble() < LineMissingRate;
                if (wellKnown >= 0) missing = wellKnown == 3 && product == _tenantProducts[tenant.Id][0].Product;
                if (missing) continue;
                decimal units = Quantity(tenant.Id, product, baseQuantity, synced.Year, synced.Month) ?? baseQuantity;
                lines.Add(AddLine(contract, Services[product], units, postedRoll < CurrentPeriodPostedRate));
            }
            if (lines.Count > 0 && duplicateRoll < DuplicateLineRate)
            {
                var twin = lines[random.Next(lines.Count)];
                AddLine(contract, Services.First(s => s.Id == twin.ServiceId), random.Next(1, 10), postedRoll < CurrentPeriodPostedRate);
            }
        }

        private SandboxContractService AddLine(SandboxContract contract, SandboxService service, decimal units, bool currentPeriodPosted)
        {
            var line = NewLine(contract, service, service.UnitPrice, service.UnitCost, null);
            _lines[line.Id] = line;
            // A year of history at most, then every period to the contract's end.
            var end = contract.EndDate.Date;
            var from = Max(contract.StartDate.Date, FirstOfMonth(end < _thisMonth ? end : _thisMonth).AddMonths(-12));
            var postedBefore = currentPeriodPosted ? _thisMonth.AddMonths(1) : _thisMonth;
            _unitsByLine[line.Id] = PeriodRows(line, contract, from, units, row => row.EndDate < postedBefore ? row.EndDate.AddDays(1) : null);
            return line;
        }

        private SandboxContractService NewLine(SandboxContract contract, SandboxService service, decimal price, decimal cost, string? invoiceDescription) =>
            new(_nextLineId++, contract.Id, service.Id, price, cost, invoiceDescription);

        /// <summary>One row per calendar month from <paramref name="from"/> to the contract's end.</summary>
        private List<SandboxServiceUnits> PeriodRows(SandboxContractService line, SandboxContract contract, DateTime from, decimal units,
            Func<SandboxServiceUnits, DateTime?> posted)
        {
            var rows = new List<SandboxServiceUnits>();
            var end = contract.EndDate.Date;
            for (var start = from; start <= end; start = FirstOfMonth(start).AddMonths(1))
            {
                var periodEnd = FirstOfMonth(start).AddMonths(1).AddDays(-1);
                var row = new SandboxServiceUnits(_nextUnitsId++, contract.Id, line.Id, line.ServiceId, start, periodEnd < end ? periodEnd : end,
                    units, line.UnitPrice, null);
                rows.Add(row with { ApproveAndPostDate = posted(row) });
            }
            return rows;
        }

        private List<SandboxUsageItem>? UsageLocked(int year, int month)
        {
            if (_usageChanged.TryGetValue((year, month), out var changed)) return changed;
            if (month is < 1 or > 12) return null;
            var first = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Utc);
            if (first >= _thisMonth || first < _thisMonth.AddMonths(-UsageMonths)) return null;
            return GenerateUsage(year, month);
        }

        private List<SandboxUsageItem> GenerateUsage(int year, int month)
        {
            bool renamed = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Utc) <= _thisMonth.AddMonths(-RenamedMonthsAgo);
            var items = new List<SandboxUsageItem>();
            foreach (var tenant in _usageTenants)
            {
                foreach (var (product, baseQuantity) in _tenantProducts[tenant.Id])
                {
                    if (Quantity(tenant.Id, product, baseQuantity, year, month) is decimal quantity)
                        items.Add(Item(tenant.Id, tenant.Name, Products[product], year, month, quantity, items.Count + 1, renamed));
                }
            }
            // A few items Sophos cannot attribute to a customer, spread through the report.
            for (int i = 0; i < AccountlessItemsPerMonth && items.Count > 0; i++)
            {
                ulong h = Hash(year, month, i, 77);
                var product = Products[(int)(h % (ulong)Products.Count)];
                var item = Item(null, i == 0 ? null : "Unassigned licences", product, year, month, 1 + (int)(h >> 20) % 9, items.Count + 1, renamed);
                items.Insert((int)((h >> 40) % (ulong)items.Count), item);
            }
            return items;
        }

        /// <summary>A tenant's quantity of a product in a month: its base, drifting a little; now and then absent.</summary>
        private decimal? Quantity(Guid tenant, int product, int baseQuantity, int year, int month)
        {
            ulong h = Hash(BitConverter.ToInt64(tenant.ToByteArray(), 0), product, year * 12 + month, 13);
            if (h % 1000 < AbsentMonthRate * 1000) return null;
            int drift = (h >> 12) % 2 == 0 ? 0 : (int)((h >> 20) % 7) - 3;
            return Math.Max(1, baseQuantity + drift);
        }

        private static SandboxUsageItem Item(Guid? account, string? name, SandboxProduct product, int year, int month, decimal quantity, int line, bool renamed)
        {
            var start = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Utc);
            string code = renamed && product.FormerCode is not null ? product.FormerCode : product.ProductCode;
            string description = renamed && product.FormerDescription is not null ? product.FormerDescription : product.Description;
            return new SandboxUsageItem(account, name, code, product.Sku, description, product.ProductGroup, quantity, quantity + (line % 4 == 0 ? 1 : 0),
                line % 5 == 0 ? quantity : 0, start, start.AddMonths(1).AddDays(-1), $"OL-{year:D4}{month:D2}-{line:D5}",
                product.UnitPrice.ToString("0.00", CultureInfo.InvariantCulture), (product.UnitPrice * quantity).ToString("0.00", CultureInfo.InvariantCulture), "USD");
        }

        private ulong Hash(long a, long b, long c, long d)
        {
            ulong h = Mix((ulong)_seed);
            foreach (long part in (ReadOnlySpan<long>)[a, b, c, d]) h = Mix(h ^ (ulong)part);
            return h;
        }

        /// <summary>SplitMix64: a stable mix, unlike string.GetHashCode, so the data is the same in every process.</summary>
        private static ulong Mix(ulong x)
        {
            x += 0x9E3779B97F4A7C15;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
            return x ^ (x >> 31);
        }

        private static SandboxService Service(int index, string name, decimal price, decimal cost, int period = PeriodType.Monthly, bool isActive = true) =>
            new(FirstServiceId + index, name, name + (period == PeriodType.Yearly ? ", billed yearly" : ", per month"), name, price, cost, period, isActive);

        private static DateTime FirstOfMonth(DateTime date) => new(date.Year, date.Month, 1, 0, 0, 0, DateTimeKind.Utc);

        private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
    }
}
