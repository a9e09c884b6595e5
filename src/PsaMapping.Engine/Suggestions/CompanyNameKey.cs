using System;
using System.Collections.Generic;
using System.Text;
using PsaMapping.Engine.Matching;

namespace PsaMapping.Engine.Suggestions
{
    /// <summary>
    /// The form of a company name that suggestions compare: what is left of the name once case, accents,
    /// punctuation, "&amp;"/"and", initials, common abbreviations and the legal suffix no longer matter.
    /// "Müller Maschinenbau GmbH", "MUELLER MASCHINENBAU" and "Mueller Maschinenbau G.m.b.H." all have the
    /// core "mueller maschinenbau" (in their German spelling) and the legal form "gmbh" or none.
    /// </summary>
    /// <remarks>
    /// The steps, in order (each one is the same for the customer name and for the company name):
    /// <list type="number">
    /// <item><see cref="NameNormalizer"/>: lowercase, accents removed, ß→ss, "&amp;"/"+"→"and", apostrophes
    /// dropped, other punctuation → space. For names with umlauts, also the German spelling (ü→ue), so
    /// "Müller" meets both "Muller" and "Mueller".</item>
    /// <item>Runs of two or more one-letter words are joined: "s a" → "sa", "b v" → "bv", "l l c" → "llc",
    /// "J. K. Smith" → "jk smith". That is what makes "S.A." = "SA" and "B.V." = "BV".</item>
    /// <item>A leading "the" is dropped.</item>
    /// <item>Legal suffixes are removed from the end, repeatedly ("Co., Ltd." → two), as long as one word
    /// remains. Each is mapped to a canonical form ("limited" → "ltd", "incorporated" → "inc", "aktiebolag"
    /// → "ab"); those, in order, are the <see cref="LegalForm"/>. "&amp; Co" counts as a suffix, so
    /// "A &amp; B Co" = "A and B". The table is <see cref="LegalForms"/>.</item>
    /// <item>Common business abbreviations are spelled out ("eng" → "engineering", "intl" → "international",
    /// "svcs" → "services", "bros" → "brothers"), so "Smith Eng. Svcs" = "Smith Engineering Services".</item>
    /// </list>
    /// </remarks>
    public static class CompanyNameKey
    {
        /// <summary>
        /// The core of the name (legal suffix removed) in its plain spelling, words separated by one space.
        /// "Contoso Ltd." → "contoso"; "Müller Maschinenbau GmbH" → "muller maschinenbau"; "A &amp; B Co" → "a and b".
        /// </summary>
        public static string Core(string? name) => string.Join(" ", Parse(name).Plain.Tokens);

        /// <summary>The core in every spelling the index compares: the plain one, then the German one when it differs.</summary>
        public static IReadOnlyList<string> CoreVariants(string? name)
        {
            ParsedName parsed = Parse(name);
            string plain = string.Join(" ", parsed.Plain.Tokens);
            return parsed.German == null ? new[] { plain } : new[] { plain, string.Join(" ", parsed.German.Tokens) };
        }

        /// <summary>The words of <see cref="Core"/>.</summary>
        public static IReadOnlyList<string> Tokens(string? name) => Parse(name).Plain.Tokens;

        /// <summary>
        /// The canonical legal form, or "" when the name has none: "Contoso Limited" → "ltd", "Acme S.A." → "sa",
        /// "Tailspin Toys Pty. Ltd." → "pty ltd", "Nippon Co., Ltd." → "co ltd".
        /// </summary>
        public static string LegalForm(string? name) => Parse(name).LegalForm;

        /// <summary>
        /// Whether the two names have the same core in some spelling (legal suffix, case, accents, punctuation,
        /// transliteration, spacing and the listed abbreviations ignored). Word order and typos still count.
        /// </summary>
        public static bool SameCore(string? a, string? b)
        {
            ParsedName x = Parse(a), y = Parse(b);
            if (x.Plain.Compact.Length == 0 || y.Plain.Compact.Length == 0) return false;
            foreach (NameForm f in x.Forms)
                foreach (NameForm g in y.Forms)
                    if (f.Compact == g.Compact) return true;
            return false;
        }

        /// <summary>Everything the index keeps about one name.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimized)]
        internal static ParsedName Parse(string? name)
        {
            string original = name ?? "";
            IReadOnlyList<string> variants = NameNormalizer.Variants(original);
            string normalized = variants[0];
            NameForm plain = BuildForm(normalized, out string legal, out string legalWritten);
            NameForm? german = null;
            if (variants.Count > 1)
            {
                NameForm candidate = BuildForm(variants[1], out _, out _);
                if (candidate.Compact != plain.Compact) german = candidate;
            }
            return new ParsedName(original, normalized, plain, german, legal, legalWritten, RawSuffix(original, legalWritten));
        }

        /// <summary>
        /// The legal suffix exactly as typed, with the punctuation before it, lowercased: ", inc." for
        /// "Fabrikam, Inc.", " inc" for "Fabrikam Inc". "" when there is none; the normalized suffix when the
        /// raw words cannot be lined up with it (a suffix glued to the name, "Contoso,Ltd").
        /// </summary>
        private static string RawSuffix(string original, string legalWritten)
        {
            if (legalWritten.Length == 0) return "";
            string[] words = original.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            for (int k = 1; k < words.Length && k <= 6; k++)
            {
                string tail = string.Join(" ", words, words.Length - k, k);
                if (string.Join(" ", JoinInitials(NameNormalizer.Tokens(NameNormalizer.Normalize(tail)))) != legalWritten) continue;
                string before = words[words.Length - k - 1];
                int end = before.Length;
                while (end > 0 && !char.IsLetterOrDigit(before[end - 1])) end--;
                return (before.Substring(end) + " " + tail).ToLowerInvariant();
            }
            return legalWritten;
        }

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimized)]
        private static NameForm BuildForm(string normalized, out string legalForm, out string legalWritten)
        {
            string[] words = NameNormalizer.Tokens(normalized);
            var tokens = JoinInitials(words);
            if (tokens.Count > 1 && tokens[0] == "the") tokens.RemoveAt(0);

            // Legal suffixes, from the end, while a word of the name itself remains.
            var forms = new List<string>(2);
            var written = new List<string>(2);
            while (tokens.Count > 1)
            {
                if (!LegalForms.TryMatchEnd(tokens, out int length, out string canonical)) break;
                forms.Insert(0, canonical);
                written.Insert(0, string.Join(" ", tokens.GetRange(tokens.Count - length, length)));
                tokens.RemoveRange(tokens.Count - length, length);
            }
            legalForm = string.Join(" ", forms);
            legalWritten = string.Join(" ", written);

            string unexpanded = string.Concat(tokens);
            bool expanded = false;
            for (int i = 0; i < tokens.Count; i++)
            {
                if (Abbreviations.TryGetValue(tokens[i], out string? full))
                {
                    tokens[i] = full;
                    expanded = true;
                }
            }
            return new NameForm(tokens.ToArray(), expanded ? unexpanded : null);
        }

        /// <summary>"s a" → "sa", "j k smith" → "jk smith"; a lone one-letter word ("o neill") stays.</summary>
        private static List<string> JoinInitials(string[] words)
        {
            var tokens = new List<string>(words.Length);
            int i = 0;
            while (i < words.Length)
            {
                if (words[i].Length == 1)
                {
                    int end = i;
                    while (end < words.Length && words[end].Length == 1) end++;
                    if (end - i >= 2)
                    {
                        var sb = new StringBuilder(end - i);
                        for (int k = i; k < end; k++) sb.Append(words[k]);
                        tokens.Add(sb.ToString());
                        i = end;
                        continue;
                    }
                }
                tokens.Add(words[i]);
                i++;
            }
            return tokens;
        }

        /// <summary>
        /// Abbreviations seen in business names, spelled out. Only whole words, only in the core (after the
        /// legal suffix is gone), and only ones that are rarely a word of their own.
        /// </summary>
        private static readonly Dictionary<string, string> Abbreviations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["intl"] = "international", ["natl"] = "national",
            ["svcs"] = "services", ["svc"] = "service", ["srvcs"] = "services",
            ["sol"] = "solutions", ["solns"] = "solutions",
            ["bros"] = "brothers", ["assoc"] = "associates", ["assocs"] = "associates",
            ["eng"] = "engineering", ["engg"] = "engineering", ["engrg"] = "engineering",
            ["mgmt"] = "management", ["mfg"] = "manufacturing", ["constr"] = "construction",
            ["log"] = "logistics", ["acc"] = "accountancy", ["st"] = "saint",
            ["grp"] = "group", ["hldgs"] = "holdings", ["dept"] = "department", ["ctr"] = "center",
            ["mktg"] = "marketing", ["dist"] = "distribution", ["elec"] = "electrical", ["inds"] = "industries",
        };
    }

    /// <summary>A name as parsed by <see cref="CompanyNameKey"/>: its core in one or two spellings and its legal form.</summary>
    internal sealed class ParsedName
    {
        public ParsedName(string original, string normalized, NameForm plain, NameForm? german, string legalForm, string legalWritten,
            string legalRaw)
        {
            LegalRaw = legalRaw;
            Original = original;
            Normalized = normalized;
            Plain = plain;
            German = german;
            LegalForm = legalForm;
            LegalWritten = legalWritten;
            Forms = german == null ? new[] { plain } : new[] { plain, german };
        }

        public string Original { get; }
        /// <summary><see cref="NameNormalizer.Normalize"/> of the whole name, suffix included.</summary>
        public string Normalized { get; }
        public NameForm Plain { get; }
        /// <summary>The German spelling (ü→ue) when it gives another core; otherwise null.</summary>
        public NameForm? German { get; }
        public NameForm[] Forms { get; }
        /// <summary>Canonical legal form, "" when none ("ltd", "pty ltd").</summary>
        public string LegalForm { get; }
        /// <summary>The legal suffix as written, normalized ("limited", "pty ltd").</summary>
        public string LegalWritten { get; }
        /// <summary>The legal suffix as typed, with the punctuation before it, lowercased (", inc.").</summary>
        public string LegalRaw { get; }
        public bool IsEmpty => Plain.Compact.Length == 0;
    }

    /// <summary>One spelling of a name's core.</summary>
    internal sealed class NameForm
    {
        public NameForm(string[] tokens, string? unexpandedCompact)
        {
            Tokens = tokens;
            Compact = string.Concat(tokens);
            UnexpandedCompact = unexpandedCompact ?? Compact;
            var sorted = (string[])tokens.Clone();
            Array.Sort(sorted, StringComparer.Ordinal);
            SortedKey = string.Join(" ", sorted);
            if (tokens.Length >= 3)
            {
                var acronym = new StringBuilder(tokens.Length);
                foreach (string token in tokens)
                    if (token != "and") acronym.Append(token[0]);
                Acronym = acronym.Length >= 3 ? acronym.ToString() : null;
            }
        }

        /// <summary>The core's words (legal suffix removed, abbreviations spelled out).</summary>
        public string[] Tokens { get; }
        /// <summary>The words run together: "o neill" and "oneill" meet here.</summary>
        public string Compact { get; }
        /// <summary><see cref="Compact"/> before abbreviations were spelled out.</summary>
        public string UnexpandedCompact { get; }
        /// <summary>The words sorted, for "same words, other order".</summary>
        public string SortedKey { get; }
        /// <summary>First letters of 3+ words ("wide world importers" → "wwi"), else null.</summary>
        public string? Acronym { get; }
        /// <summary>Index-assigned token ids, parallel to <see cref="Tokens"/> (-1: not in the index).</summary>
        public int[]? TokenIds { get; set; }
    }
}
