namespace PsaMapping.Sandbox.Data
{
    /// <summary>A generated business name, split so other services can build their own variants of it.</summary>
    public sealed record GeneratedName(string CoreName, string Separator, string LegalSuffix, string Country, int? SimilarTo = null)
    {
        public string Name => LegalSuffix.Length == 0 ? CoreName : CoreName + Separator + LegalSuffix;

        internal SandboxOrganization ToOrganization(int index, Guid id) =>
            new(index, id, Name, CoreName, LegalSuffix.Length == 0 ? "" : Separator, LegalSuffix, Country, SimilarTo);
    }

    /// <summary>
    /// Realistic, unique names of MSP customers across several countries and languages: accents
    /// (Müller, Société, Ångström, São, Łódź, Çelik), punctuation (&amp;, apostrophes, commas, hyphens,
    /// periods) and legal suffixes that match the country. Deterministic for a given <see cref="Random"/>.
    /// </summary>
    public sealed class NameGenerator
    {
        /// <summary>
        /// The first organizations of every world, in this order, used by docs and tests. The last four
        /// are deliberate near-duplicates of earlier ones.
        /// </summary>
        public static IReadOnlyList<GeneratedName> WellKnown { get; } =
        [
            new("Contoso", " ", "Ltd", "GB"),
            new("Fabrikam", ", ", "Inc.", "US"),
            new("Fabrikam Residences", "", "", "US"),
            new("Müller Maschinenbau", " ", "GmbH", "DE"),
            new("Northwind Traders", " ", "S.A.", "ES"),
            new("Tailspin Toys", " ", "Pty Ltd", "AU"),
            new("Wide World Importers", " ", "B.V.", "NL"),
            new("Adventure Works", " ", "LLC", "US"),
            new("Société Générale d'Électricité", " ", "SARL", "FR"),
            new("Old Customer", " ", "Ltd", "GB"),
            new("Contoso", " ", "Ltd.", "GB", SimilarTo: 0),
            new("Contoso Group", " ", "Ltd", "GB", SimilarTo: 0),
            new("Fabrikam", " ", "Inc", "US", SimilarTo: 1),
            new("Maschinenbau Müller", " ", "GmbH", "DE", SimilarTo: 3),
        ];

        private const int MaxAttempts = 25;

        private readonly Random _random;
        private readonly HashSet<string> _taken = new(StringComparer.OrdinalIgnoreCase);
        private readonly int _totalWeight = Profiles.Sum(p => p.Weight);

        public NameGenerator(Random random) => _random = random;

        // The cores (names without legal suffix, folded) already used. A new name must not reuse one by
        // accident: "Pinnacle" next to a tenant "Pinnacle Ltd" would be a look-alike nobody intended, and the
        // ground truth would call it a different business. Look-alikes are made on purpose only.
        private readonly HashSet<string> _takenCores = new(StringComparer.Ordinal);

        /// <summary>Marks a name as used so it is never generated again.</summary>
        public void Reserve(string name) => _taken.Add(name);

        /// <summary>Marks a core name (without legal suffix) as used, so no new name shares it by accident.</summary>
        public void ReserveCore(string coreName) => _takenCores.Add(CoreKey(coreName));

        /// <summary>Case, accents, spaces and punctuation do not make two cores different.</summary>
        private static string CoreKey(string coreName) =>
            new(CompanyNameVariants.Transliterate(coreName, german: false).ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());

        private bool TakeNew(GeneratedName name)
        {
            string core = CoreKey(name.CoreName);
            if (_takenCores.Contains(core) || !_taken.Add(name.Name)) return false;
            _takenCores.Add(core);
            return true;
        }

        /// <summary>A new unique name in a random country (weighted toward the MSP markets).</summary>
        public GeneratedName Next()
        {
            var profile = PickProfile();
            for (int attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var name = Compose(profile);
                if (TakeNew(name)) return name;
            }

            // The country's word space is crowded (very large worlds): add a place to tell it apart,
            // then a number as the last resort, which always terminates.
            var basis = Compose(profile);
            var placed = basis with { CoreName = basis.CoreName + " " + Pick(profile.Places) };
            if (TakeNew(placed)) return placed;
            for (int n = 2; ; n++)
            {
                var numbered = basis with { CoreName = basis.CoreName + " " + n };
                if (TakeNew(numbered)) return numbered;
            }
        }

        /// <summary>
        /// A confusable variant of an existing organization: a period added or dropped, the long form of
        /// the suffix, a "Group" inserted, a comma toggled, words swapped, or another suffix of the same
        /// country. False when every variant is already taken.
        /// </summary>
        public bool TryNearDuplicate(SandboxOrganization of, out GeneratedName variant)
        {
            var original = new GeneratedName(of.CoreName, of.Separator.Length == 0 ? " " : of.Separator, of.LegalSuffix, of.Country, of.Index);
            var profile = Profiles.FirstOrDefault(p => p.Country == of.Country) ?? Profiles[0];
            int first = _random.Next(VariantCount);
            for (int i = 0; i < VariantCount; i++)
            {
                var candidate = MakeVariant((first + i) % VariantCount, original, profile);
                if (candidate is not null && candidate.Name != original.Name && _taken.Add(candidate.Name))
                {
                    ReserveCore(candidate.CoreName); // a deliberate look-alike: it may share a core, later names may not
                    variant = candidate;
                    return true;
                }
            }
            variant = original;
            return false;
        }

        private const int VariantCount = 6;

        private GeneratedName? MakeVariant(int kind, GeneratedName n, CountryProfile profile)
        {
            switch (kind)
            {
                case 0: // "Ltd" <-> "Ltd.", "B.V." <-> "BV"
                    if (n.LegalSuffix.Length == 0) return null;
                    return n with { LegalSuffix = TogglePeriods(n.LegalSuffix) };
                case 1: // "Ltd" <-> "Limited", "Inc." -> "Incorporated"
                    return LongForms.TryGetValue(n.LegalSuffix, out var longForm) ? n with { LegalSuffix = longForm } : null;
                case 2: // "Contoso Group Ltd", "Groupe Dupont SARL"
                    return profile.GroupFirst
                        ? n with { CoreName = profile.GroupWord + " " + n.CoreName }
                        : n with { CoreName = n.CoreName + " " + profile.GroupWord };
                case 3: // "Fabrikam, Inc." <-> "Fabrikam Inc." (only where the country writes that comma)
                    if (n.Separator != ", " && !profile.CommaBefore.Contains(n.LegalSuffix)) return null;
                    return n with { Separator = n.Separator == ", " ? " " : ", " };
                case 4: // "Smith & Jones" <-> "Jones & Smith", "Müller Maschinenbau" <-> "Maschinenbau Müller"
                    if (n.CoreName.Contains(profile.GroupWord, StringComparison.Ordinal)) return null; // not "Group Contoso"
                    return SwapWords(n.CoreName) is { } swapped ? n with { CoreName = swapped } : null;
                default: // "GmbH" -> "AG"
                    var other = PickWeighted(profile.Suffixes);
                    return other == n.LegalSuffix || other.Length == 0 ? null : n with { LegalSuffix = other };
            }
        }

        private static string TogglePeriods(string suffix)
        {
            if (suffix.Contains('.'))
            {
                // "Pty. Ltd." -> "Pty Ltd", "S.A." -> "SA"
                return suffix.Replace(". ", " ").Replace(".", "");
            }
            return suffix + ".";
        }

        private static string? SwapWords(string core)
        {
            int amp = core.IndexOf(" & ", StringComparison.Ordinal);
            if (amp > 0) return core[(amp + 3)..] + " & " + core[..amp];
            var words = core.Split(' ');
            return words.Length == 2 ? words[1] + " " + words[0] : null;
        }

        private static readonly Dictionary<string, string> LongForms = new(StringComparer.Ordinal)
        {
            ["Ltd"] = "Limited",
            ["Ltd."] = "Limited",
            ["Limited"] = "Ltd",
            ["Inc."] = "Incorporated",
            ["Inc"] = "Incorporated",
            ["Corp."] = "Corporation",
            ["LLC"] = "L.L.C.",
            ["Pty Ltd"] = "Pty Limited",
            ["Pvt. Ltd."] = "Private Limited",
            ["Co., Ltd."] = "Company Limited",
            ["AB"] = "Aktiebolag",
            ["Oy"] = "Osakeyhtiö",
            ["Ltd. Şti."] = "Limited Şirketi",
            ["A.Ş."] = "Anonim Şirketi",
        };

        private CountryProfile PickProfile()
        {
            int roll = _random.Next(_totalWeight);
            foreach (var p in Profiles)
            {
                if ((roll -= p.Weight) < 0) return p;
            }
            return Profiles[^1];
        }

        private string Pick(string[] items) => items[_random.Next(items.Length)];

        private string PickWeighted((string Value, int Weight)[] items)
        {
            int roll = _random.Next(items.Sum(i => i.Weight));
            foreach (var (value, weight) in items)
            {
                if ((roll -= weight) < 0) return value;
            }
            return items[^1].Value;
        }

        private GeneratedName Compose(CountryProfile p)
        {
            string core = _random.Next(100) switch
            {
                < 24 => p.IndustryFirst ? $"{Pick(p.Industries)} {Pick(p.Surnames)}" : $"{Pick(p.Surnames)} {Pick(p.Industries)}",
                < 36 => $"{Pick(p.Surnames)}{p.And}{Pick(p.Surnames)}",
                < 46 => p.IndustryFirst ? $"{Pick(p.Industries)}{p.PlaceJoin(Pick(p.Places))}" : $"{Pick(p.Places)} {Pick(p.Industries)}",
                < 60 => $"{Pick(p.Brands)} {Pick(p.Industries)}",
                < 68 => p.Genitive(Pick(p.Surnames)) + " " + Pick(p.Industries),
                < 74 => $"{Pick(p.Surnames)}{p.Family}",
                < 80 => $"{Pick(p.Surnames)}-{Pick(p.Surnames)} {Pick(p.Industries)}",
                < 86 => $"{Initial()}.{Initial()}. {Pick(p.Surnames)}",
                < 92 => Pick(p.Brands),
                _ => $"{Pick(p.Brands)} {Pick(p.Places)}",
            };
            core = char.ToUpperInvariant(core[0]) + core[1..]; // "van den Berg ..." at the start of a name

            // A few small businesses trade under their bare name.
            string suffix = _random.Next(100) < 5 ? "" : PickWeighted(p.Suffixes);
            string separator = p.CommaBefore.Contains(suffix) && _random.Next(3) == 0 ? ", " : " ";
            return new GeneratedName(core, separator, suffix, p.Country);
        }

        // No A, G, N, S or V: initials such as "S.A." or "B.V." would read as a legal suffix.
        private const string Initials = "BCDEFHJKLMPRTW";

        private char Initial() => Initials[_random.Next(Initials.Length)];

        /// <summary>Words and habits of one country's business names.</summary>
        private sealed class CountryProfile
        {
            public required string Country { get; init; }
            public required int Weight { get; init; }
            public required string[] Surnames { get; init; }
            public required string[] Places { get; init; }
            public required string[] Industries { get; init; }
            public required string[] Brands { get; init; }
            public required (string Value, int Weight)[] Suffixes { get; init; }
            public string And { get; init; } = " & ";
            /// <summary>A family-business tail such as " & Sons".</summary>
            public string Family { get; init; } = " & Sons";
            /// <summary>Romance and Polish names put the trade first: "Construcciones García".</summary>
            public bool IndustryFirst { get; init; }
            public string GroupWord { get; init; } = "Group";
            public bool GroupFirst { get; init; }
            /// <summary>Suffixes sometimes written after a comma ("Fabrikam, Inc.").</summary>
            public string[] CommaBefore { get; init; } = [];
            public Func<string, string> PlaceJoin { get; init; } = place => " " + place;
            public Func<string, string> Genitive { get; init; } = surname => surname;
        }

        private static string EnglishGenitive(string surname) => surname.EndsWith('s') ? surname + "'" : surname + "'s";

        private static string FrenchOf(string place) =>
            "AEIOUÉÎaeiouéî".Contains(place[0]) ? " d'" + place : " de " + place;

        private static readonly string[] EnglishIndustries =
        [
            "Accountancy", "Solicitors", "Logistics", "Engineering", "Dental Practice", "Veterinary Surgery",
            "Estate Agents", "Builders", "Plumbing & Heating", "Print", "Recruitment", "Consulting", "Haulage",
            "Joinery", "Surveyors", "Opticians", "Care Homes", "Electrical Services", "Facilities Management",
            "IT Services", "Architects", "Catering", "Insurance Brokers", "Property Management",
        ];

        private static readonly string[] EnglishBrands =
        [
            "Brightwater", "Northgate", "Kestrel", "Oakleaf", "Redbrick", "Bluebell", "Ironbridge", "Silverline",
            "Greenfield", "Stonegate", "Fairway", "Harbourside", "Riverside", "Summit", "Pinnacle", "Crown",
            "Anchor", "Meridian", "Beacon", "Horizon", "Evergreen", "Keystone", "Cornerstone", "Heritage",
        ];

        private static readonly string[] GermanIndustries =
        [
            "Maschinenbau", "Elektrotechnik", "Logistik", "Steuerberatung", "Haustechnik", "Bauunternehmung",
            "Metallbau", "Zahnarztpraxis", "Immobilien", "Druckerei", "Autohaus", "Sanitär", "Gebäudereinigung",
            "Ingenieurbüro", "Verpackung", "Kunststofftechnik", "Spedition", "Holzbau", "Getränkehandel",
            "Werkzeugbau", "Energietechnik",
        ];

        private static readonly string[] GermanBrands =
        [
            "Nordlicht", "Sonnenberg", "Adler", "Eichenwald", "Blauwerk", "Hansa", "Lindenhof", "Falkenstein",
            "Bergblick", "Sternwerk", "Grünwald", "Löwen", "Kranich", "Weißdorn", "Rotbuche",
        ];

        private static readonly CountryProfile[] Profiles =
        [
            new()
            {
                Country = "US", Weight = 22,
                Surnames = ["Johnson", "Miller", "Davis", "Garcia", "Rodriguez", "Martinez", "Anderson", "Jackson", "White",
                    "Harris", "Thompson", "Moore", "Clark", "Lewis", "Lee", "Walker", "Young", "King", "Nguyen",
                    "Kowalski", "O'Connor", "McAllister", "Schneider", "Hernandez", "Goldberg"],
                Places = ["Lakeside", "Bay Area", "Pacific", "Midwest", "Great Lakes", "Rocky Mountain", "Gulf Coast",
                    "Hudson Valley", "Tri-County", "Cascade", "Sierra", "Prairie", "Bluegrass", "Lone Star", "Empire State",
                    "Chesapeake", "Ozark"],
                Industries = ["Dental Group", "Family Medicine", "Law Group", "Realty", "Construction", "Roofing", "HVAC",
                    "Auto Parts", "Insurance Agency", "Credit Union", "Logistics", "Manufacturing", "Pediatrics",
                    "Orthodontics", "Title Company", "Landscaping", "Marketing", "Financial Advisors", "Property Management",
                    "Veterinary Clinic", "CPAs", "Staffing", "Plumbing"],
                Brands = ["Summit", "Liberty", "Eagle", "Keystone", "Patriot", "Evergreen", "Frontier", "Ironwood", "Redwood",
                    "Crestview", "Silver Creek", "Blue Ridge", "Golden Gate", "Maple", "Cornerstone", "Heartland",
                    "Pioneer", "Lighthouse", "Granite"],
                Suffixes = [("LLC", 45), ("Inc.", 30), ("Inc", 8), ("Corp.", 7), ("Corporation", 4), ("PLLC", 3), ("LP", 2), ("Co.", 1)],
                CommaBefore = ["Inc.", "Inc", "LLC"],
                Genitive = EnglishGenitive,
            },
            new()
            {
                Country = "GB", Weight = 18,
                Surnames = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas", "Roberts", "Walker",
                    "Wright", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Clarke", "Patel", "Khan",
                    "O'Neill", "Fletcher", "Ashworth", "Whitfield", "Pemberton"],
                Places = ["Thames", "Pennine", "Cotswold", "Severn", "Mersey", "Chiltern", "Kingsbridge", "Wessex", "Highland",
                    "Harrogate", "Bristol", "Leeds", "York", "Solent", "Cumbria", "Norfolk", "St. Albans"],
                Industries = EnglishIndustries,
                Brands = EnglishBrands,
                Suffixes = [("Ltd", 50), ("Limited", 20), ("Ltd.", 10), ("LLP", 6), ("PLC", 3), ("& Co. Ltd", 2)],
                Genitive = EnglishGenitive,
            },
            new()
            {
                Country = "DE", Weight = 12,
                Surnames = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
                    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
                    "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Weiß", "Köhler", "Jäger", "Groß"],
                Places = ["Rhein", "Main", "Elbe", "Ruhr", "Allgäu", "Schwarzwald", "Bodensee", "Harz", "Spree", "Taunus",
                    "Eifel", "Saar", "Nordsee", "Franken", "Oberland", "Rhein-Neckar"],
                Industries = GermanIndustries,
                Brands = GermanBrands,
                Suffixes = [("GmbH", 60), ("GmbH & Co. KG", 15), ("AG", 8), ("KG", 7), ("e.K.", 5), ("UG (haftungsbeschränkt)", 5)],
                And = " & ", Family = " & Söhne", GroupWord = "Gruppe",
            },
            new()
            {
                Country = "FR", Weight = 7,
                Surnames = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
                    "Simon", "Laurent", "Lefèvre", "Michel", "Garnier", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
                    "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Legrand", "Chevalier"],
                Places = ["Provence", "Bretagne", "Normandie", "Loire", "Alsace", "Bourgogne", "Rhône-Alpes", "Côte d'Azur",
                    "Aquitaine", "Champagne", "Val-de-Marne", "Île-de-France", "Méditerranée", "Atlantique", "Auvergne"],
                Industries = ["Boulangerie", "Transports", "Cabinet Comptable", "Menuiserie", "Pharmacie", "Garage",
                    "Imprimerie", "Bâtiment", "Plomberie", "Ateliers", "Laboratoire", "Immobilier", "Conseil",
                    "Cabinet d'Avocats", "Clinique Vétérinaire", "Agence", "Distribution", "Électricité Générale",
                    "Travaux Publics", "Société d'Expertise"],
                Brands = ["Horizon", "Lumière", "Étoile", "Alliance", "Azur", "Élan", "Atlas", "Orée", "Cèdre", "Hermine"],
                Suffixes = [("SARL", 40), ("SAS", 30), ("S.A.", 8), ("EURL", 7), ("SA", 5), ("SASU", 5), ("SNC", 3)],
                And = " et ", Family = " & Fils", IndustryFirst = true, GroupWord = "Groupe", GroupFirst = true,
                PlaceJoin = FrenchOf,
            },
            new()
            {
                Country = "NL", Weight = 5,
                Surnames = ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
                    "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
                    "Brouwer", "de Wit", "Dijkstra", "de Graaf", "van der Meer"],
                Places = ["Amstel", "Zuiderzee", "Veluwe", "Brabant", "Zeeland", "Friesland", "Limburg", "Rijnmond", "Holland",
                    "Utrecht", "Twente", "Gooi"],
                Industries = ["Installatietechniek", "Transport", "Bouw", "Accountants", "Advocaten", "Techniek", "Logistiek",
                    "Adviesgroep", "Groothandel", "Tandartsenpraktijk", "Makelaardij", "Schilderwerken", "Dakwerken",
                    "Automatisering", "Metaalbewerking"],
                Brands = ["Noorderlicht", "Tulp", "Molenwaard", "Duinzicht", "Polderkracht", "Oranje", "Kompas", "Zeewind"],
                Suffixes = [("B.V.", 70), ("BV", 20), ("N.V.", 5), ("V.O.F.", 5)],
                And = " & ", Family = " & Zn.", GroupWord = "Groep",
            },
            new()
            {
                Country = "ES", Weight = 4,
                Surnames = ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
                    "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso",
                    "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ibáñez"],
                Places = ["Ibérica", "Mediterráneo", "Cantábrico", "Andalucía", "Galicia", "Castilla", "Levante", "Aragón",
                    "Navarra", "Cataluña", "Canarias", "Baleares", "Guadalquivir"],
                Industries = ["Construcciones", "Transportes", "Asesoría", "Distribuciones", "Talleres",
                    "Instalaciones Eléctricas", "Clínica Dental", "Inmobiliaria", "Gestoría", "Farmacia", "Ingeniería",
                    "Suministros", "Reformas", "Logística"],
                Brands = ["Sol", "Alba", "Brisa", "Faro", "Olivo", "Aurora", "Cumbre", "Marea"],
                Suffixes = [("S.L.", 55), ("S.A.", 20), ("SL", 10), ("S.L.U.", 8), ("SA", 5), ("S.A.U.", 2)],
                And = " y ", Family = " e Hijos", IndustryFirst = true, GroupWord = "Grupo", GroupFirst = true,
            },
            new()
            {
                Country = "IT", Weight = 4,
                Surnames = ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
                    "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
                    "Barbieri", "Fontana", "Santoro", "Rinaldi", "D'Angelo"],
                Places = ["Adriatica", "Tirrenica", "Padana", "Lombarda", "Toscana", "Veneta", "Dolomiti", "Appennino", "Ligure",
                    "Sicula", "Sarda", "Emiliana"],
                Industries = ["Costruzioni", "Trasporti", "Studio Legale", "Studio Dentistico", "Impianti Elettrici",
                    "Officine Meccaniche", "Farmacia", "Logistica", "Arredamenti", "Ceramiche", "Tessuti", "Consulenze",
                    "Immobiliare", "Autoricambi", "Distribuzione"],
                Brands = ["Aurora", "Stella", "Fenice", "Vela", "Ulivo", "Girasole", "Orizzonte", "Zenit"],
                Suffixes = [("S.r.l.", 60), ("S.p.A.", 15), ("Srl", 10), ("S.n.c.", 8), ("S.a.s.", 7)],
                And = " & ", Family = " & Figli", IndustryFirst = true, GroupWord = "Gruppo", GroupFirst = true,
            },
            new()
            {
                Country = "SE", Weight = 3,
                Surnames = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
                    "Svensson", "Gustafsson", "Pettersson", "Lindqvist", "Lindström", "Ångström", "Åberg", "Öberg",
                    "Söderberg", "Sjöberg", "Bergström", "Lundgren", "Nyström"],
                Places = ["Norrland", "Skåne", "Göta", "Mälardalen", "Småland", "Dalarna", "Västkust", "Öresund", "Vättern",
                    "Gotland", "Roslagen"],
                Industries = ["Konsult", "Bygg", "Transport", "Redovisning", "El", "VVS", "Fastigheter", "Tandvård",
                    "Advokatbyrå", "Måleri", "Logistik", "Revision", "Teknik", "Data", "Åkeri", "Snickeri"],
                Brands = ["Nordstjärnan", "Fjällvind", "Älvkraft", "Granskog", "Ljusväg", "Havsörn"],
                Suffixes = [("AB", 95), ("HB", 5)],
                And = " & ", Family = " & Söner", GroupWord = "Gruppen",
                Genitive = surname => surname.EndsWith('s') ? surname : surname + "s", // "Anderssons Bygg"
            },
            new()
            {
                Country = "FI", Weight = 2,
                Surnames = ["Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen",
                    "Koskinen", "Järvinen", "Lehtonen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Heikkilä", "Kinnunen",
                    "Turunen", "Jokinen", "Rantanen"],
                Places = ["Saimaa", "Lappi", "Pohjanmaa", "Karjala", "Häme", "Savo", "Uusimaa", "Kainuu", "Päijänne"],
                Industries = ["Rakennus", "Kuljetus", "Tilitoimisto", "Sähkö", "LVI", "Konepaja", "Kiinteistöpalvelut",
                    "Hammaslääkärit", "Logistiikka", "Metalli", "Puutyö", "Tekniikka"],
                Brands = ["Revontuli", "Kuusi", "Aalto", "Tähti", "Kallio", "Pohjoistuuli"],
                Suffixes = [("Oy", 85), ("Ky", 10), ("Oyj", 5)],
                And = " & ", Family = " & Pojat", IndustryFirst = true, GroupWord = "Group",
            },
            new()
            {
                Country = "PL", Weight = 3,
                Surnames = ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
                    "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk",
                    "Piotrowski", "Grabowski", "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński", "Wróbel"],
                Places = ["Łódź", "Kraków", "Wrocław", "Gdańsk", "Poznań", "Mazowsze", "Śląsk", "Pomorze", "Podhale", "Warmia",
                    "Kujawy", "Bałtyk", "Wisła", "Tatry"],
                Industries = ["Budownictwo", "Transport", "Usługi Księgowe", "Instalacje Elektryczne", "Logistyka",
                    "Stolarstwo", "Zakład Mechaniczny", "Hurtownia", "Kancelaria Prawna", "Przychodnia Stomatologiczna",
                    "Drukarnia", "Serwis Komputerowy"],
                Brands = ["Polmex", "Budex", "Transbud", "Elektrex", "Orzeł", "Jantar", "Sokół"],
                Suffixes = [("Sp. z o.o.", 70), ("S.A.", 10), ("sp.k.", 10), ("Sp. j.", 10)],
                And = " i ", Family = " i Synowie", IndustryFirst = true, GroupWord = "Grupa", GroupFirst = true,
            },
            new()
            {
                Country = "TR", Weight = 2,
                Surnames = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
                    "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek"],
                Places = ["Anadolu", "Marmara", "Ege", "Karadeniz", "Akdeniz", "Boğaziçi", "Kapadokya", "Trakya", "İzmir",
                    "Bursa", "Konya"],
                Industries = ["İnşaat", "Lojistik", "Tekstil", "Gıda", "Otomotiv", "Mühendislik", "Elektrik", "Makina",
                    "Turizm", "Mimarlık", "Danışmanlık", "Bilişim", "İnşaat San. ve Tic.", "Tekstil San. ve Tic."],
                Brands = ["Yıldız", "Güneş", "Ufuk", "Doruk", "Marmaris", "Atlas", "Kartal"],
                Suffixes = [("Ltd. Şti.", 60), ("A.Ş.", 40)],
                And = " & ", Family = " ve Oğulları", GroupWord = "Grup",
            },
            new()
            {
                Country = "AT", Weight = 3,
                Surnames = ["Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner", "Moser", "Mayer", "Hofer", "Leitner",
                    "Berger", "Fuchs", "Eder", "Fischer", "Schmid", "Winkler", "Weber", "Maier", "Reiter", "Brunner",
                    "Lehner", "Wimmer", "Pröll", "Grünberger"],
                Places = ["Donau", "Tirol", "Steiermark", "Kärnten", "Salzkammergut", "Wachau", "Vorarlberg", "Wienerwald",
                    "Mühlviertel", "Pinzgau"],
                Industries = GermanIndustries,
                Brands = GermanBrands,
                Suffixes = [("GmbH", 70), ("KG", 10), ("OG", 8), ("AG", 6), ("e.U.", 6)],
                And = " & ", Family = " & Söhne", GroupWord = "Gruppe",
            },
            new()
            {
                Country = "CH", Weight = 2,
                Surnames = ["Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Meyer", "Steiner", "Gerber", "Brunner",
                    "Baumann", "Frei", "Moser", "Widmer", "Wyss", "Graf", "Roth", "Favre", "Rochat", "Bernasconi"],
                Places = ["Zürichsee", "Berner Oberland", "Jura", "Engadin", "Gotthard", "Léman", "Aare", "Rigi",
                    "Toggenburg", "Emmental"],
                Industries = GermanIndustries,
                Brands = ["Alpstein", "Edelweiss", "Säntis", "Matterhorn", "Bergkristall", "Seeblick"],
                Suffixes = [("AG", 55), ("GmbH", 35), ("SA", 5), ("Sàrl", 5)],
                And = " & ", Family = " & Söhne", GroupWord = "Gruppe",
            },
            new()
            {
                Country = "IE", Weight = 3,
                Surnames = ["Murphy", "Kelly", "O'Sullivan", "Walsh", "O'Brien", "Byrne", "Ryan", "O'Connor", "O'Neill",
                    "Reilly", "Doyle", "McCarthy", "Gallagher", "Doherty", "Kennedy", "Lynch", "Quinn", "Fitzgerald",
                    "Ó Súilleabháin", "Mac Giolla"],
                Places = ["Liffey", "Shannon", "Connacht", "Munster", "Wicklow", "Galway", "Cork", "Kilkenny", "Donegal",
                    "Dún Laoghaire", "Kerry"],
                Industries = EnglishIndustries,
                Brands = EnglishBrands,
                Suffixes = [("Ltd", 40), ("Limited", 30), ("DAC", 10), ("Teoranta", 3), ("Unlimited Company", 2)],
                Genitive = EnglishGenitive,
            },
            new()
            {
                Country = "AU", Weight = 5,
                Surnames = ["Smith", "Nguyen", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Anderson", "Mitchell",
                    "Campbell", "Kelly", "O'Brien", "Papadopoulos", "Russo", "Chen", "Singh", "MacKenzie"],
                Places = ["Harbour", "Coastal", "Outback", "Southern Cross", "Barrier Reef", "Murray River", "Blue Mountains",
                    "Gold Coast", "Sunshine Coast", "Hunter Valley", "Yarra", "Swan River"],
                Industries = ["Plumbing", "Electrical", "Conveyancing", "Accounting", "Physiotherapy", "Landscaping",
                    "Constructions", "Logistics", "Dental", "Real Estate", "Engineering", "Legal", "IT Solutions"],
                Brands = ["Wattle", "Kookaburra", "Southern", "Coral", "Eucalypt", "Boomerang", "Red Gum", "Sundown"],
                Suffixes = [("Pty Ltd", 75), ("Pty. Ltd.", 15), ("Pty Limited", 10)],
                Genitive = EnglishGenitive,
            },
            new()
            {
                Country = "CA", Weight = 4,
                Surnames = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Smith",
                    "Brown", "MacDonald", "Campbell", "Singh", "Wong", "Leblanc", "Bélanger", "Pelletier"],
                Places = ["Laurentian", "Maritime", "Prairie", "Okanagan", "Muskoka", "Rideau", "Fraser Valley", "Niagara",
                    "Yukon", "Saint-Laurent", "Northern"],
                Industries = ["Construction", "Logistics", "Dental Centre", "Law Office", "Realty", "Engineering",
                    "Accounting", "Pharmacy", "Trucking", "Électrique", "Consultants", "Home Services"],
                Brands = ["Maple Leaf", "True North", "Aurora", "Boréal", "Polar", "Timberline", "Caribou", "Loon"],
                Suffixes = [("Inc.", 45), ("Ltd.", 25), ("Ltée", 8), ("Corp.", 7), ("Inc", 10), ("Limited", 5)],
                CommaBefore = ["Inc."],
                Genitive = EnglishGenitive,
            },
            new()
            {
                Country = "BR", Weight = 2,
                Surnames = ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima",
                    "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes",
                    "Vieira", "Barbosa", "Araújo", "Gonçalves", "Conceição"],
                Places = ["São Paulo", "Paulista", "Carioca", "Mineira", "Nordeste", "Amazônia", "Pantanal", "Guanabara",
                    "Serra Gaúcha", "Bahia", "Paraná", "Ribeirão"],
                Industries = ["Construtora", "Transportadora", "Contabilidade", "Comércio de Alimentos", "Distribuidora",
                    "Clínica Odontológica", "Engenharia", "Logística", "Auto Peças", "Imobiliária", "Farmácia",
                    "Metalúrgica", "Tecnologia", "Serviços Médicos"],
                Brands = ["Horizonte", "Ipê", "Sabiá", "Aurora", "Jequitibá", "Tucano", "Brisa"],
                Suffixes = [("Ltda.", 65), ("Ltda", 10), ("S.A.", 10), ("ME", 10), ("EIRELI", 5)],
                And = " e ", Family = " & Filhos", IndustryFirst = true, GroupWord = "Grupo", GroupFirst = true,
            },
            new()
            {
                Country = "JP", Weight = 1,
                Surnames = ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi",
                    "Kato", "Yoshida", "Yamada", "Sasaki", "Matsumoto", "Inoue", "Kimura", "Hayashi", "Shimizu"],
                Places = ["Sakura", "Fuji", "Kanto", "Kansai", "Chubu", "Kyushu", "Hokkaido", "Tohoku", "Setouchi", "Shonan"],
                Industries = ["Trading", "Electronics", "Precision", "Logistics", "Engineering", "Construction",
                    "Pharmaceutical", "Systems", "Foods", "Industries", "Shoji", "Kogyo", "Seisakusho"],
                Brands = ["Asahi", "Hikari", "Nozomi", "Midori", "Taiyo", "Kaze", "Hoshi"],
                Suffixes = [("Co., Ltd.", 60), ("K.K.", 15), ("Corporation", 15), ("Inc.", 10)],
            },
            new()
            {
                Country = "IN", Weight = 2,
                Surnames = ["Sharma", "Patel", "Gupta", "Reddy", "Iyer", "Nair", "Mehta", "Agarwal", "Kapoor", "Singh", "Rao",
                    "Joshi", "Bose", "Chatterjee", "Menon", "Desai"],
                Places = ["Deccan", "Malabar", "Coromandel", "Konkan", "Ganga", "Himalaya", "Bengaluru", "Chennai", "Pune",
                    "Ahmedabad"],
                Industries = ["Infotech", "Textiles", "Pharma", "Exports", "Engineering Works", "Logistics",
                    "Software Solutions", "Chemicals", "Auto Components", "Enterprises", "Traders"],
                Brands = ["Shree", "Lotus", "Surya", "Ganesh", "Tulsi", "Kaveri", "Sai"],
                Suffixes = [("Pvt. Ltd.", 60), ("Private Limited", 25), ("Ltd.", 10), ("LLP", 5)],
                Family = " & Sons",
            },
        ];
    }
}
