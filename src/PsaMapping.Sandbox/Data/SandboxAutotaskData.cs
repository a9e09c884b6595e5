using System.Globalization;
using CompanyType = PsaMapping.Sandbox.AutotaskCodes.CompanyType;
using ContractCategory = PsaMapping.Sandbox.AutotaskCodes.ContractCategory;
using ContractStatus = PsaMapping.Sandbox.AutotaskCodes.ContractStatus;
using ContractType = PsaMapping.Sandbox.AutotaskCodes.ContractType;

namespace PsaMapping.Sandbox.Data
{
    /// <summary>
    /// The seeded Autotask database: companies derived from the <see cref="SandboxWorld"/> organizations
    /// (so tests know which company each Sophos tenant really is), decoys that only look like a tenant,
    /// companies of businesses with no tenant, and their contracts. Deterministic for a given world,
    /// counts and <c>today</c>; drawn from the world's "autotask" stream, so it never shifts the tenants.
    /// </summary>
    public sealed class SandboxAutotaskData
    {
        public const long FirstCompanyId = 1001;
        public const long FirstContractId = 100_001;

        /// <summary>Share of generated organizations whose business the MSP never entered in Autotask.</summary>
        private const double NoCompanyRate = 0.08;

        /// <summary>Share of generated organizations that get an unrelated look-alike company beside them.</summary>
        private const double DecoyRate = 0.05;

        /// <summary>
        /// Share of generated organizations whose company has an inactive copy under the same name, as Autotask
        /// databases keep after a merge or a re-creation: not the company to map, and refused if mapped.
        /// </summary>
        private const double InactiveTwinRate = 0.07;

        private SandboxAutotaskData(IReadOnlyList<SandboxCompany> companies, IReadOnlyList<SandboxContract> contracts)
        {
            Companies = companies;
            Contracts = contracts;
        }

        /// <summary>Ordered by id.</summary>
        public IReadOnlyList<SandboxCompany> Companies { get; }

        /// <summary>Ordered by id.</summary>
        public IReadOnlyList<SandboxContract> Contracts { get; }

        /// <param name="companyCount">
        /// Total companies wanted. When the fixed companies, the tenants' companies and the decoys alone
        /// are more, all of those are still created.
        /// </param>
        /// <param name="contractsPerCompany">Average contracts of a Customer company (each has at least one when above 0).</param>
        /// <param name="today">
        /// Contract dates are relative to it (so "expired" stays in the past and "active" in the future);
        /// the server passes the first day of the current month, which keeps the data stable all month.
        /// </param>
        public static SandboxAutotaskData Create(SandboxWorld world, int companyCount, int contractsPerCompany, DateTime today)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(companyCount);
            ArgumentOutOfRangeException.ThrowIfNegative(contractsPerCompany);
            var builder = new Builder(world, contractsPerCompany, DateTime.SpecifyKind(today.Date, DateTimeKind.Utc));
            builder.AddFixed();
            builder.AddGenerated(companyCount);
            return new SandboxAutotaskData(builder.Companies, builder.Contracts);
        }

        private enum DraftKind { Tenant, Decoy, AutotaskOnly, InactiveTwin }

        /// <summary>A company before it has an id: the generated ones are shuffled first, as real ids mix them.</summary>
        private sealed record Draft(string Name, string Short, string Country, Guid? OrganizationId, DraftKind Kind);

        private sealed class Builder
        {
            private readonly SandboxWorld _world;
            private readonly Random _random;
            private readonly NameGenerator _names;
            private readonly int _contractsPerCompany;
            private readonly DateTime _today;
            private readonly List<long> _customerIds = [];
            private long _nextCompanyId = FirstCompanyId;
            private long _nextContractId = FirstContractId;

            public Builder(SandboxWorld world, int contractsPerCompany, DateTime today)
            {
                _world = world;
                _random = world.CreateRandom("autotask");
                _names = new NameGenerator(_random);
                _contractsPerCompany = contractsPerCompany;
                _today = today;
                // Companies of businesses without a tenant must never be named exactly like a tenant by accident:
                // the look-alikes that matter are made on purpose (decoys).
                foreach (var org in world.Organizations)
                {
                    _names.Reserve(org.Name);
                    _names.ReserveCore(org.CoreName);
                }
            }

            public List<SandboxCompany> Companies { get; } = [];
            public List<SandboxContract> Contracts { get; } = [];

            /// <summary>The well-known companies docs and tests rely on, ids 1001 on, contracts 100001 on, in this order.</summary>
            public void AddFixed()
            {
                var T = _today;
                DateTime Years(int n) => T.AddYears(n);

                var contoso = Fixed("Contoso", org: 0);
                Contract(contoso, "Sophos MSP - Contoso", ContractType.RecurringService, ContractStatus.Active, Years(-2), Years(1).AddDays(-1), ContractCategory.Security);
                Contract(contoso, "Contoso Managed Services", ContractType.FixedPrice, ContractStatus.Active, Years(-1), Years(2).AddDays(-1), ContractCategory.ManagedServices);
                Contract(contoso, "Contoso Firewall 2023", ContractType.RecurringService, ContractStatus.Inactive,
                    new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2023, 12, 31, 0, 0, 0, DateTimeKind.Utc), ContractCategory.Security);
                Contract(contoso, "Contoso Backup", ContractType.RecurringService, ContractStatus.Active, Years(-3), T.AddMonths(-2).AddDays(-1), ContractCategory.CloudServices);

                // A different business that happens to carry the tenant's exact name: the trap for exact matching.
                var contosoLtd = Fixed("Contoso Ltd", org: null);
                Contract(contosoLtd, "Sophos MSP", ContractType.RecurringService, ContractStatus.Active, Years(-1), Years(2).AddDays(-1), ContractCategory.Security);

                var fabrikam = Fixed("Fabrikam, Inc.", org: 1);
                Contract(fabrikam, "Sophos MSP", ContractType.RecurringService, ContractStatus.Active, Years(-2), Years(1).AddDays(-1), ContractCategory.Security);
                Contract(fabrikam, "Fabrikam Block Hours", ContractType.BlockHours, ContractStatus.Active, Years(-1), Years(1).AddDays(-1), ContractCategory.Standard);

                var residences = Fixed("Fabrikam Residences", org: 2);
                Contract(residences, "Sophos MSP - Fabrikam Residences", ContractType.RecurringService, ContractStatus.Active, Years(-1), Years(1).AddDays(-1), ContractCategory.Security);

                var mueller = Fixed("Mueller Maschinenbau GmbH", org: 3);
                Contract(mueller, "Sophos MSP - Mueller Maschinenbau", ContractType.RecurringService, ContractStatus.Active, Years(-3), Years(1).AddDays(-1), ContractCategory.Security);

                var northwind = Fixed("Northwind Traders SA", org: 4);
                Contract(northwind, "Managed Security - Northwind", ContractType.RecurringService, ContractStatus.Active, Years(-1), Years(2).AddDays(-1), ContractCategory.Security);

                var tailspin = Fixed("Tailspin Toys", org: 5);
                Contract(tailspin, "Sophos MSP - Tailspin Toys", ContractType.RecurringService, ContractStatus.Active, Years(-2), Years(1).AddDays(-1), null);

                var wideWorld = Fixed("Wide World Importers BV", org: 6);
                Contract(wideWorld, "Managed Security - WWI", ContractType.RecurringService, ContractStatus.Active, Years(-1), Years(1).AddDays(-1), ContractCategory.Security);

                var adventure = Fixed("Adventure Works", org: 7);
                Contract(adventure, "Sophos MSP - Adventure Works", ContractType.RecurringService, ContractStatus.Active, Years(-2), Years(2).AddDays(-1), ContractCategory.Security);
                Contract(adventure, "Adventure Works T&M", ContractType.TimeAndMaterials, ContractStatus.Active, Years(-4), Years(5).AddDays(-1), ContractCategory.Standard, isDefault: true);

                var societe = Fixed("Societe Generale d'Electricite", org: 8);
                Contract(societe, "Sophos MSP - Societe Generale d'Electricite", ContractType.RecurringService, ContractStatus.Active, Years(-1), Years(1).AddDays(-1), ContractCategory.Security);

                var old = Fixed("Old Customer Ltd", org: 9, CompanyType.Cancelation, isActive: false);
                Contract(old, "Sophos MSP - Old Customer", ContractType.RecurringService, ContractStatus.Inactive, Years(-4), Years(-1).AddDays(-1), ContractCategory.Security);

                // The world's deliberate near-duplicates: "Contoso Group Ltd" and "Maschinenbau Müller GmbH"
                // have companies; "Contoso Ltd." and "Fabrikam Inc" have none (tenants without a company).
                var contosoGroup = Fixed("Contoso Group Ltd", org: 11);
                Contract(contosoGroup, "Sophos MSP - Contoso Group", ContractType.RecurringService, ContractStatus.Active, Years(-1), Years(1).AddDays(-1), ContractCategory.Security);

                var maschinenbau = Fixed("Maschinenbau Müller GmbH", org: 13);
                Contract(maschinenbau, "Managed Security - Maschinenbau Müller", ContractType.RecurringService, ContractStatus.Active, Years(-1), Years(1).AddDays(-1), ContractCategory.Security);
            }

            public void AddGenerated(int companyCount)
            {
                var drafts = new List<Draft>();
                // A stream of its own, so that adding twins never changes what the other rolls draw.
                Random twins = _world.CreateRandom("autotask-twins");
                foreach (var org in _world.Organizations.Skip(NameGenerator.WellKnown.Count))
                {
                    // Both rolls every time, so one outcome never shifts the next organization's.
                    double companyRoll = _random.NextDouble(), decoyRoll = _random.NextDouble();
                    if (companyRoll >= NoCompanyRate)
                    {
                        string name = CompanyNameVariants.Of(org, _random);
                        _names.Reserve(name);
                        drafts.Add(new Draft(name, Short(org.CoreName), org.Country, org.Id, DraftKind.Tenant));
                        if (twins.NextDouble() < InactiveTwinRate)
                            drafts.Add(new Draft(name, Short(org.CoreName), org.Country, null, DraftKind.InactiveTwin));
                    }
                    if (decoyRoll < DecoyRate && _names.TryNearDuplicate(org, out var lookAlike))
                    {
                        drafts.Add(new Draft(lookAlike.Name, Short(lookAlike.CoreName), org.Country, null, DraftKind.Decoy));
                    }
                }
                while (Companies.Count + drafts.Count < companyCount)
                {
                    var generated = _names.Next();
                    string name = generated.LegalSuffix.Length > 0 && _random.NextDouble() < 0.2 ? generated.CoreName : generated.Name;
                    drafts.Add(new Draft(name, Short(generated.CoreName), generated.Country, null, DraftKind.AutotaskOnly));
                }

                // Real ids follow creation order, which mixes every kind of company.
                for (int i = drafts.Count - 1; i > 0; i--)
                {
                    int j = _random.Next(i + 1);
                    (drafts[i], drafts[j]) = (drafts[j], drafts[i]);
                }
                foreach (var draft in drafts)
                {
                    AddGeneratedCompany(draft);
                }
            }

            private SandboxCompany Fixed(string name, int? org, int type = CompanyType.Customer, bool isActive = true)
            {
                _names.Reserve(name);
                // The organization exists only when the world is big enough (tests often start 5 tenants).
                Guid? organizationId = org is int index && index < _world.Organizations.Count ? _world.Organizations[index].Id : null;
                var company = new SandboxCompany(NextCompanyId(), name, $"C{Companies.Count + 1:D5}", type, isActive, null,
                    _today.AddDays(-3 - Companies.Count).AddHours(10), organizationId)
                {
                    CreateDate = _today.AddYears(-5).AddDays(Companies.Count).AddHours(9),
                    WebAddress = "www." + Slug(name) + ".example",
                    CustomerTier = type == CompanyType.Customer ? "Gold" : null,
                };
                Add(company);
                return company;
            }

            private void Contract(SandboxCompany company, string name, int type, int status, DateTime start, DateTime end,
                int? category, bool isDefault = false)
            {
                Contracts.Add(new SandboxContract(_nextContractId++, company.Id, name, $"{start.Year}-{Contracts.Count + 1:D4}",
                    type, category, status, start, end, isDefault, _today.AddDays(-30 - Contracts.Count).AddHours(14)));
            }

            private void AddGeneratedCompany(Draft draft)
            {
                long id = NextCompanyId();
                int type = draft.Kind switch
                {
                    DraftKind.Tenant => Pick((CompanyType.Customer, 90), (CompanyType.Cancelation, 4), (CompanyType.Dead, 2),
                        (CompanyType.Prospect, 2), (CompanyType.Lead, 2)),
                    DraftKind.Decoy => Pick((CompanyType.Customer, 70), (CompanyType.Prospect, 15), (CompanyType.Lead, 15)),
                    DraftKind.InactiveTwin => Pick((CompanyType.Cancelation, 40), (CompanyType.Customer, 40), (CompanyType.Dead, 20)),
                    _ => Pick((CompanyType.Customer, 45), (CompanyType.Lead, 15), (CompanyType.Prospect, 15), (CompanyType.Dead, 7),
                        (CompanyType.Cancelation, 6), (CompanyType.Vendor, 8), (CompanyType.Partner, 4)),
                };
                bool gone = type is CompanyType.Dead or CompanyType.Cancelation;
                bool isActive = gone ? _random.NextDouble() < 0.2 : _random.NextDouble() < 0.97;
                if (draft.Kind == DraftKind.InactiveTwin) isActive = false;

                var created = _today.AddDays(-_random.Next(30, 3650)).AddSeconds(_random.Next(86_400));
                int sinceCreated = Math.Max(1, (int)(_today - created).TotalDays);
                // Companies nobody works with any more went quiet long ago.
                var lastActivity = isActive
                    ? _today.AddDays(-_random.Next(Math.Min(sinceCreated, 120))).AddSeconds(-_random.Next(86_400))
                    : created.AddDays(_random.Next(sinceCreated)).AddSeconds(_random.Next(86_400));
                string? number = _random.NextDouble() < 0.6 ? "C" + _random.Next(10_000, 100_000).ToString(CultureInfo.InvariantCulture) : null;
                string? web = _random.NextDouble() < 0.5 ? "www." + Slug(draft.Short) + TopLevelDomain(draft.Country) : null;
                string? tier = type == CompanyType.Customer && _random.NextDouble() < 0.5 ? Pick(("Gold", 1), ("Silver", 2), ("Bronze", 3)) : null;
                long? parent = _customerIds.Count > 0 && _random.NextDouble() < 0.02 ? _customerIds[_random.Next(_customerIds.Count)] : null;

                var company = new SandboxCompany(id, draft.Name, number, type, isActive, parent, lastActivity, draft.OrganizationId)
                {
                    CreateDate = created,
                    WebAddress = web,
                    CustomerTier = tier,
                };
                Add(company);

                if (type == CompanyType.Customer && _contractsPerCompany > 0)
                {
                    int count = 1 + _random.Next(2 * _contractsPerCompany - 1); // uniform 1..2n-1: n on average
                    AddContracts(company, draft, count, allInactive: !isActive);
                }
                else if (gone && _random.NextDouble() < 0.5)
                {
                    // A former customer keeps the contracts it had, all inactive now.
                    AddContracts(company, draft, 1 + _random.Next(2), allInactive: true);
                }
            }

            private void AddContracts(SandboxCompany company, Draft draft, int count, bool allInactive)
            {
                var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                bool hasDefault = false;
                for (int i = 0; i < count; i++)
                {
                    int type = i == 0
                        ? ContractType.RecurringService // the security contract the Sophos usage is billed under
                        : Pick((ContractType.RecurringService, 50), (ContractType.FixedPrice, 10), (ContractType.BlockHours, 15),
                            (ContractType.TimeAndMaterials, 12), (ContractType.Retainer, 6), (ContractType.Incident, 7));
                    var start = _today.AddDays(-_random.Next(30, 1800));
                    if (start < company.CreateDate.Date) start = company.CreateDate.Date; // no contract before its company
                    string name = i == 0 ? SecurityContractName(company.CompanyName, draft.Short) : OtherContractName(type, draft.Short, start.Year);
                    if (!names.Add(name))
                    {
                        name += " " + start.Year.ToString(CultureInfo.InvariantCulture);
                        names.Add(name);
                    }

                    int status = allInactive || _random.NextDouble() < 0.15 ? ContractStatus.Inactive : ContractStatus.Active;
                    DateTime end;
                    if (status == ContractStatus.Active && _random.NextDouble() < 0.07)
                    {
                        end = _today.AddDays(-_random.Next(1, 365)); // expired, yet still active
                    }
                    else if (status == ContractStatus.Inactive && _random.NextDouble() < 0.7)
                    {
                        end = _today.AddDays(-_random.Next(1, 730)); // ran out, then was deactivated
                    }
                    else
                    {
                        end = (start > _today ? start : _today).AddDays(_random.Next(30, 1095));
                    }
                    if (end <= start) start = end.AddYears(-1);

                    int? category = type == ContractType.RecurringService && i == 0 && _random.NextDouble() < 0.7
                        ? ContractCategory.Security
                        : _random.NextDouble() < 0.4 ? null
                        : Pick((ContractCategory.Standard, 4), (ContractCategory.ManagedServices, 3), (ContractCategory.CloudServices, 2),
                            (ContractCategory.Projects, 1), (ContractCategory.Legacy, 1));
                    // The inactive picklist value survives only on contracts from before it was retired.
                    if (category == ContractCategory.Legacy && start > _today.AddYears(-3)) category = ContractCategory.Standard;
                    bool isDefault = !hasDefault && type == ContractType.TimeAndMaterials && status == ContractStatus.Active
                        && _random.NextDouble() < 0.6;
                    hasDefault |= isDefault;
                    string? number = _random.NextDouble() < 0.5
                        ? $"{start.Year}-{_random.Next(1000, 10_000).ToString(CultureInfo.InvariantCulture)}"
                        : null;
                    int sinceStart = Math.Max(1, (int)(_today - start).TotalDays);
                    var modified = start.AddDays(_random.Next(sinceStart)).AddSeconds(_random.Next(86_400));
                    string? billing = _random.NextDouble() < 0.25 ? "PO-" + _random.Next(100_000, 1_000_000).ToString(CultureInfo.InvariantCulture) : null;

                    Contracts.Add(new SandboxContract(_nextContractId++, company.Id, name, number, type, category, status,
                        start, end, isDefault, modified) { BillingReference = billing });
                }
            }

            /// <summary>Mostly "Sophos MSP - company"; now and then a generic name many companies share.</summary>
            private string SecurityContractName(string companyName, string shortName) => _random.Next(100) switch
            {
                < 45 => "Sophos MSP - " + companyName,
                < 65 => "Managed Security - " + shortName,
                < 75 => "Sophos Central - " + shortName,
                < 87 => Pick(("Sophos MSP", 3), ("Managed Security", 2), ("Endpoint Protection", 1), ("MSP Security Bundle", 1)),
                _ => shortName + " Security Services",
            };

            private string OtherContractName(int type, string shortName, int year) => type switch
            {
                ContractType.RecurringService => _random.Next(6) switch
                {
                    0 => "Managed Services - " + shortName,
                    1 => "Microsoft 365 - " + shortName,
                    2 => "Backup - " + shortName,
                    3 => "Managed Firewall - " + shortName,
                    4 => "Monitoring - " + shortName,
                    _ => "Managed Services Agreement",
                },
                ContractType.FixedPrice => _random.Next(3) switch
                {
                    0 => shortName + " Migration Project",
                    1 => $"{shortName} Network Refresh {year}",
                    _ => shortName + " Onboarding",
                },
                ContractType.BlockHours => _random.Next(2) == 0 ? $"{shortName} Block Hours {year}" : "Prepaid Hours - " + shortName,
                ContractType.TimeAndMaterials => _random.Next(3) switch
                {
                    0 => shortName + " T&M",
                    1 => "Time and Materials - " + shortName,
                    _ => "Ad-hoc Support",
                },
                ContractType.Retainer => _random.Next(2) == 0 ? shortName + " Retainer" : "Support Retainer",
                _ => _random.Next(2) == 0 ? shortName + " Incident Support" : "10 Incident Pack",
            };

            private void Add(SandboxCompany company)
            {
                Companies.Add(company);
                if (company.CompanyType == CompanyType.Customer) _customerIds.Add(company.Id);
            }

            /// <summary>Ids grow with small gaps, as deleted and merged records leave them.</summary>
            private long NextCompanyId()
            {
                long id = _nextCompanyId;
                _nextCompanyId += Companies.Count < NameGenerator.WellKnown.Count || _random.Next(8) != 0 ? 1 : 2 + _random.Next(3);
                return id;
            }

            private T Pick<T>(params (T Value, int Weight)[] items)
            {
                int total = 0;
                foreach (var item in items) total += item.Weight;
                int roll = _random.Next(total);
                foreach (var (value, weight) in items)
                {
                    if ((roll -= weight) < 0) return value;
                }
                return items[^1].Value;
            }

            /// <summary>The first word or two of a name ("Davis &amp; McAllister" whole): what people type in a contract name.</summary>
            private static string Short(string coreName)
            {
                var words = coreName.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                int take = words.Length > 2 && Connectors.Contains(words[1]) ? 3 : 2;
                return words.Length <= take ? coreName : string.Join(' ', words.Take(take));
            }

            private static readonly HashSet<string> Connectors = new(StringComparer.OrdinalIgnoreCase)
            {
                "&", "and", "und", "et", "e", "y", "i", "ve", "en", "och", "ja",
            };

            private static string Slug(string name)
            {
                var chars = CompanyNameVariants.Transliterate(name, german: true).ToLowerInvariant()
                    .Where(char.IsAsciiLetterOrDigit).Take(24).ToArray();
                return chars.Length == 0 ? "company" : new string(chars);
            }

            private static string TopLevelDomain(string country) => country switch
            {
                "US" => ".com",
                "GB" => ".co.uk",
                "AU" => ".com.au",
                "BR" => ".com.br",
                "JP" => ".co.jp",
                "IN" => ".co.in",
                _ => "." + country.ToLowerInvariant(),
            };
        }
    }
}
