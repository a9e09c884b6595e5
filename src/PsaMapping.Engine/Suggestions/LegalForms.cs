using System;
using System.Collections.Generic;

namespace PsaMapping.Engine.Suggestions
{
    /// <summary>
    /// Legal suffixes (company forms) and their canonical spelling, as they look after
    /// <see cref="CompanyNameKey"/>'s first steps (normalized, one-letter runs joined: "S.A." is "sa",
    /// "Sp. z o.o." is "sp zoo", "A/S" is "as").
    /// </summary>
    /// <remarks>
    /// Canonical forms make spellings of one form equal ("Ltd" = "Ltd." = "Limited" = "Ltée" → "ltd";
    /// "Inc" = "Incorporated" → "inc"; "AB" = "Aktiebolag"), while different forms stay different
    /// ("GmbH" ≠ "AG", "Ltd" ≠ "Inc"), which is evidence of a different business.
    /// </remarks>
    internal static class LegalForms
    {
        private static readonly Dictionary<string, string> Single = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // English-speaking countries
            ["ltd"] = "ltd", ["limited"] = "ltd", ["ltee"] = "ltd", ["teoranta"] = "ltd",
            ["inc"] = "inc", ["incorporated"] = "inc",
            ["corp"] = "corp", ["corporation"] = "corp",
            ["co"] = "co", ["company"] = "co",
            ["llc"] = "llc", ["pllc"] = "pllc", ["llp"] = "llp", ["lp"] = "lp", ["lllp"] = "lllp", ["plc"] = "plc",
            ["pty"] = "pty", ["pvt"] = "pvt", ["private"] = "pvt", ["pte"] = "pte", ["dac"] = "dac", ["uc"] = "uc",
            ["bhd"] = "bhd", ["sdn"] = "sdn",
            // German-speaking countries
            ["gmbh"] = "gmbh", ["mbh"] = "gmbh", ["ag"] = "ag", ["kg"] = "kg", ["kgaa"] = "kgaa", ["og"] = "og",
            ["ohg"] = "ohg", ["ug"] = "ug", ["eu"] = "eu", ["ek"] = "ek", ["ekfm"] = "ek", ["gbr"] = "gbr", ["se"] = "se",
            // French, Spanish, Portuguese, Italian
            ["sa"] = "sa", ["sas"] = "sas", ["sasu"] = "sasu", ["sarl"] = "sarl", ["eurl"] = "eurl", ["snc"] = "snc",
            ["sca"] = "sca", ["sl"] = "sl", ["slu"] = "slu", ["sau"] = "sau", ["srl"] = "srl", ["spa"] = "spa",
            ["sapa"] = "sapa", ["ltda"] = "ltda", ["lda"] = "lda", ["me"] = "me", ["eireli"] = "eireli",
            // Benelux, Nordics
            ["bv"] = "bv", ["nv"] = "nv", ["vof"] = "vof", ["cv"] = "cv", ["bvba"] = "bvba", ["sprl"] = "sprl",
            ["ab"] = "ab", ["aktiebolag"] = "ab", ["hb"] = "hb", ["oy"] = "oy", ["osakeyhtio"] = "oy", ["osakeyhtioe"] = "oy",
            ["oyj"] = "oyj", ["ky"] = "ky", ["as"] = "as", ["asa"] = "asa", ["aps"] = "aps",
            // Central and eastern Europe, Turkey, Japan
            ["spzoo"] = "spzoo", ["spk"] = "spk", ["spj"] = "spj", ["sro"] = "sro", ["kft"] = "kft", ["zrt"] = "zrt",
            ["doo"] = "doo", ["sti"] = "sti", ["kk"] = "kk",
        };

        private static readonly Dictionary<string, string> Pairs = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["sp zoo"] = "spzoo", ["sp k"] = "spk", ["sp j"] = "spj",
            ["ltd sti"] = "ltdsti", ["limited sirketi"] = "ltdsti", ["anonim sirketi"] = "as",
            ["unlimited company"] = "uc", ["ug haftungsbeschrankt"] = "ug", ["ug haftungsbeschraenkt"] = "ug", ["and co"] = "co", ["kabushiki kaisha"] = "kk",
        };

        /// <summary>The legal suffix at the end of <paramref name="tokens"/>, longest first.</summary>
        public static bool TryMatchEnd(List<string> tokens, out int length, out string canonical)
        {
            int n = tokens.Count;
            // "Sp. z o.o." typed "Sp z oo": the initials do not join.
            if (n >= 4 && tokens[n - 3] == "sp" && tokens[n - 2] == "z" && tokens[n - 1] == "oo")
            {
                length = 3;
                canonical = "spzoo";
                return true;
            }
            if (n >= 3 && Pairs.TryGetValue(tokens[n - 2] + " " + tokens[n - 1], out string? pair))
            {
                length = 2;
                canonical = pair;
                return true;
            }
            if (Single.TryGetValue(tokens[n - 1], out string? single))
            {
                length = 1;
                canonical = single;
                return true;
            }
            length = 0;
            canonical = "";
            return false;
        }

        /// <summary>How two canonical legal forms relate ("" is none).</summary>
        public static LegalAgreement Compare(string a, string b)
        {
            if (a == b) return LegalAgreement.Same;
            if (a.Length == 0 || b.Length == 0) return LegalAgreement.Missing;
            // "pty ltd" and "ltd", "co ltd" and "ltd": one is the other with a part left out.
            string[] x = a.Split(' '), y = b.Split(' ');
            return IsSubset(x, y) || IsSubset(y, x) ? LegalAgreement.Partial : LegalAgreement.Conflict;
        }

        private static bool IsSubset(string[] small, string[] large)
        {
            if (small.Length > large.Length) return false;
            foreach (string s in small)
                if (Array.IndexOf(large, s) < 0) return false;
            return true;
        }
    }

    internal enum LegalAgreement
    {
        /// <summary>Same canonical form, or neither name has one.</summary>
        Same,
        /// <summary>Same canonical form typed differently ("Ltd" / "Ltd." / "Limited", ", Inc." / " Inc.").</summary>
        WrittenDifferently,
        /// <summary>One name has a legal suffix, the other none.</summary>
        Missing,
        /// <summary>One form is part of the other ("Pty Ltd" and "Ltd").</summary>
        Partial,
        /// <summary>Different forms ("GmbH" and "AG").</summary>
        Conflict,
    }
}
