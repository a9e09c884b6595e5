using System.Text;

namespace PsaMapping.Sandbox.Data
{
    /// <summary>
    /// How the same business ends up named in a PSA when somebody typed it in by hand: the legal suffix
    /// dropped or written another way, accents transliterated (Müller → Mueller) or dropped, "&amp;" spelled
    /// out, abbreviations, the odd typo, swapped words, shouting capitals.
    /// </summary>
    internal static class CompanyNameVariants
    {
        /// <summary>A realistic, usually close, variant of the organization's name. Deterministic for a given <see cref="Random"/>.</summary>
        public static string Of(SandboxOrganization org, Random random)
        {
            string core = org.CoreName, separator = org.Separator.Length == 0 ? " " : org.Separator, suffix = org.LegalSuffix;

            double suffixRoll = random.NextDouble();
            if (suffix.Length > 0)
            {
                if (suffixRoll < 0.22) suffix = "";                                   // "Contoso"
                else if (suffixRoll < 0.30) suffix = OtherFormOf(suffix);             // "Ltd." / "Limited" / "SA"
                else if (suffixRoll < 0.34) separator = separator == ", " ? " " : ", "; // "Fabrikam Inc." / "Fabrikam, Inc."
            }

            if (random.NextDouble() < 0.45 && !IsAscii(core + suffix))
            {
                bool german = org.Country is "DE" or "AT" or "CH";
                core = Transliterate(core, german);
                suffix = Transliterate(suffix, german);
            }
            if (random.NextDouble() < 0.10) core = Punctuation(core);
            if (random.NextDouble() < 0.04) core = Abbreviate(core) ?? core;
            if (random.NextDouble() < 0.03) core = SwapWords(core) ?? core;
            if (random.NextDouble() < 0.04) core = Typo(core, random);

            string name = suffix.Length == 0 ? core : core + separator + suffix;
            return random.NextDouble() < 0.02 ? name.ToUpperInvariant() : name;
        }

        /// <summary>"Ltd" ↔ "Ltd." ↔ "Limited", "B.V." → "BV".</summary>
        public static string OtherFormOf(string suffix) => suffix switch
        {
            "Ltd" => "Limited",
            "Limited" => "Ltd",
            "Inc." => "Inc",
            "Inc" => "Incorporated",
            "LLC" => "L.L.C.",
            "Corp." => "Corporation",
            "Corporation" => "Corp",
            "Pty Ltd" => "Pty. Ltd.",
            _ when suffix.Contains('.') => suffix.Replace(". ", " ").Replace(".", ""),
            _ => suffix + ".",
        };

        /// <summary>
        /// Drops accents: "Société" → "Societe". German speakers write umlauts out instead
        /// ("Müller" → "Mueller", "Straße" → "Strasse"). A table rather than Unicode normalization,
        /// which the sandbox's invariant globalization mode does not promise.
        /// </summary>
        public static string Transliterate(string text, bool german)
        {
            if (IsAscii(text)) return text;
            var sb = new StringBuilder(text.Length + 4);
            foreach (char c in text)
            {
                if (german && GermanUmlauts.TryGetValue(c, out var spelled)) sb.Append(spelled);
                else if (Plain.TryGetValue(c, out var plain)) sb.Append(plain);
                else sb.Append(c);
            }
            return sb.ToString();
        }

        private static bool IsAscii(string text)
        {
            foreach (char c in text)
            {
                if (c > 127) return false;
            }
            return true;
        }

        /// <summary>"&amp;" ↔ "and", apostrophes, periods and commas left out, hyphens as spaces.</summary>
        private static string Punctuation(string core)
        {
            if (core.Contains(" & ")) return core.Replace(" & ", " and ");
            if (core.Contains(" and ")) return core.Replace(" and ", " & ");
            return core.Replace("'", "").Replace(".", "").Replace(",", "").Replace('-', ' ');
        }

        /// <summary>"Wide World Importers" → "WWI", "Smith Engineering Services" → "Smith Eng. Svcs".</summary>
        private static string? Abbreviate(string core)
        {
            var words = core.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            bool changed = false;
            for (int i = 0; i < words.Length; i++)
            {
                if (Abbreviations.TryGetValue(words[i], out var shortForm))
                {
                    words[i] = shortForm;
                    changed = true;
                }
            }
            if (changed) return string.Join(' ', words);
            if (words.Length >= 3 && words.All(w => char.IsUpper(w[0])))
            {
                return string.Concat(words.Select(w => w[0]));
            }
            return null;
        }

        private static string? SwapWords(string core)
        {
            int amp = core.IndexOf(" & ", StringComparison.Ordinal);
            if (amp > 0) return core[(amp + 3)..] + " & " + core[..amp];
            var words = core.Split(' ');
            return words.Length == 2 ? words[1] + " " + words[0] : null;
        }

        /// <summary>Two letters swapped, one dropped or one doubled, never the first letter.</summary>
        private static string Typo(string core, Random random)
        {
            int kind = random.Next(3), at = random.Next(1, Math.Max(2, core.Length - 1));
            if (core.Length < 4 || !char.IsLetter(core[at]) || !char.IsLetter(core[at - 1])) return core;
            return kind switch
            {
                0 => core[..(at - 1)] + core[at] + core[at - 1] + core[(at + 1)..],
                1 => core.Remove(at, 1),
                _ => core.Insert(at, core[at].ToString()),
            };
        }

        private static readonly Dictionary<string, string> Abbreviations = new(StringComparer.Ordinal)
        {
            ["International"] = "Intl",
            ["Services"] = "Svcs",
            ["Solutions"] = "Sol.",
            ["Company"] = "Co.",
            ["Brothers"] = "Bros.",
            ["Associates"] = "Assoc.",
            ["Engineering"] = "Eng.",
            ["Management"] = "Mgmt",
            ["Manufacturing"] = "Mfg",
            ["Construction"] = "Constr.",
            ["Constructions"] = "Constr.",
            ["Logistics"] = "Log.",
            ["Accountancy"] = "Acc.",
            ["Saint"] = "St.",
        };

        private static readonly Dictionary<char, string> GermanUmlauts = new()
        {
            ['ä'] = "ae", ['ö'] = "oe", ['ü'] = "ue", ['Ä'] = "Ae", ['Ö'] = "Oe", ['Ü'] = "Ue", ['ß'] = "ss",
        };

        private static readonly Dictionary<char, string> Plain = BuildPlain();

        private static Dictionary<char, string> BuildPlain()
        {
            var map = new Dictionary<char, string>();
            void Add(string accented, string plain)
            {
                foreach (char c in accented) map[c] = plain;
            }
            Add("àáâãäåāą", "a"); Add("ÀÁÂÃÄÅĀĄ", "A");
            Add("çćč", "c"); Add("ÇĆČ", "C");
            Add("èéêëēęě", "e"); Add("ÈÉÊËĒĘĚ", "E");
            Add("ìíîïīı", "i"); Add("ÌÍÎÏĪİ", "I");
            Add("ñńň", "n"); Add("ÑŃŇ", "N");
            Add("òóôõöøō", "o"); Add("ÒÓÔÕÖØŌ", "O");
            Add("ùúûüū", "u"); Add("ÙÚÛÜŪ", "U");
            Add("ýÿ", "y"); Add("Ý", "Y");
            Add("łľ", "l"); Add("ŁĽ", "L");
            Add("śšş", "s"); Add("ŚŠŞ", "S");
            Add("źżž", "z"); Add("ŹŻŽ", "Z");
            Add("ğ", "g"); Add("Ğ", "G");
            Add("ř", "r"); Add("Ř", "R");
            Add("ß", "ss"); Add("æ", "ae"); Add("Æ", "AE"); Add("œ", "oe"); Add("Œ", "OE");
            return map;
        }
    }
}
