using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace PsaMapping.Engine.Matching
{
    /// <summary>Builds <see cref="AutocompleteRanker.ServerSearchTerms"/>; see its remarks for the reasoning.</summary>
    internal static class SearchTermBuilder
    {
        private static readonly string[] Ampersand = { "&" };
        private static readonly string[] Plus = { "+" };

        internal const int MaxTerms = 12;

        public static IReadOnlyList<string> Build(string? query)
        {
            IReadOnlyList<string> variants = NameNormalizer.Variants(query);
            if (variants[0].Length == 0) return Array.Empty<string>();

            var terms = new TermSet();
            var words = new List<string>();
            foreach (string variant in variants)
                foreach (string word in NameNormalizer.Tokens(variant))
                    if (word.Length >= 2 && !words.Contains(word)) words.Add(word);

            // Each word brings its typo-proof pieces, or, when they no longer fit, at least itself.
            foreach (string word in words) terms.AddGroup(Pieces(word), word);

            // The words as typed (accents, ß, ø kept): the stored name may compare accent-sensitively.
            foreach (string raw in RawWords(query!))
                if (raw.Length >= 2) terms.AddGroup(new[] { raw }, raw);

            // One-letter words cannot be searched alone ("b and" for "Woodgrove Bank" misspelled as "band"):
            // then search the whole query run together, and its pieces.
            string compact = PreparedName.From(variants[0]).Compact;
            bool hasShortWords = NameNormalizer.Tokens(variants[0]).Any(word => word.Length < 2);
            if (hasShortWords) terms.AddGroup(Pieces(compact), compact);
            if (terms.Count == 0)
            {
                // A single letter: search it, and the query as typed ("s.a." finds "Acme S.A.").
                terms.AddGroup(new[] { compact }, compact);
            }
            if (hasShortWords)
            {
                // Only plain punctuation: the term goes into a server filter as it is.
                string typed = query!.Trim().ToLowerInvariant();
                if (typed.Length >= 2 && typed.All(ch => IsWordChar(ch) || ch == ' ' || ch == '.' || ch == '-' || ch == '/'))
                    terms.AddGroup(new[] { typed }, typed);
            }

            // "B&Q", or "a" typed to find "Muller & Sons": all there is to search is (part of) the "and" that an
            // '&' or '+' becomes, and the stored name may have the symbol instead of the word.
            bool onlyAnd = (words.Count == 1 && words[0] == "and") || "and".IndexOf(compact, StringComparison.Ordinal) >= 0;
            if (onlyAnd)
            {
                terms.AddGroup(Ampersand, "&");
                terms.AddGroup(Plus, "+");
            }
            return terms.ToArray();
        }

        /// <summary>
        /// Pieces of a word such that at least one is still whole after the edits a misspelling may have:
        /// 4 letters: two halves; 5 to 7: two pieces with one letter between them (an edit, even a swap of
        /// two neighbours, can touch only one of them); 8 and more: three pieces with a letter between each
        /// (two edits leave one untouched). Shorter words are searched whole.
        /// </summary>
        internal static IReadOnlyList<string> Pieces(string word)
        {
            int length = word.Length;
            if (length < RankingQuery.MinLettersForTypos) return new[] { word };
            if (length == 4) return new[] { word.Substring(0, 2), word.Substring(2, 2) };
            if (length < RankingQuery.MinLettersForTwoTypos)
            {
                int first = (length - 1) / 2;
                return new[] { word.Substring(0, first), word.Substring(first + 1) };
            }

            int usable = length - 2, size = usable / 3, extra = usable % 3;
            int size1 = size + (extra > 0 ? 1 : 0), size2 = size + (extra > 1 ? 1 : 0);
            return new[]
            {
                word.Substring(0, size1),
                word.Substring(size1 + 1, size2),
                word.Substring(size1 + size2 + 2),
            };
        }

        /// <summary>The query lowercased and split on anything but letters, digits and their marks, accents kept.</summary>
        private static IEnumerable<string> RawWords(string query)
        {
            string text = query.ToLowerInvariant().Normalize(NormalizationForm.FormC);
            var word = new StringBuilder();
            for (int i = 0; i <= text.Length; i++)
            {
                if (i < text.Length && IsWordChar(text, i))
                {
                    word.Append(text[i]);
                    continue;
                }
                if (word.Length > 0) yield return word.ToString();
                word.Clear();
            }
        }

        private static bool IsWordChar(string text, int index) => IsWordChar(text[index]);

        private static bool IsWordChar(char ch)
        {
            if (char.IsSurrogate(ch)) return true; // keep pairs together; rare enough not to classify
            if (char.IsLetterOrDigit(ch)) return true;
            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(ch);
            return category == UnicodeCategory.NonSpacingMark || category == UnicodeCategory.SpacingCombiningMark;
        }

        /// <summary>
        /// Terms OR-ed together: a term containing another adds nothing (any name with "mueller" has "ler"),
        /// so such terms are dropped; at most <see cref="MaxTerms"/>.
        /// </summary>
        private sealed class TermSet
        {
            private readonly List<string> _terms = new List<string>();

            public int Count => _terms.Count;

            public void AddGroup(IReadOnlyList<string> pieces, string whole)
            {
                var trial = new List<string>(_terms);
                foreach (string piece in pieces) Add(trial, piece);
                if (trial.Count <= MaxTerms)
                {
                    _terms.Clear();
                    _terms.AddRange(trial);
                    return;
                }
                // No room for every piece: the whole word is less forgiving but better than nothing.
                trial = new List<string>(_terms);
                Add(trial, whole);
                if (trial.Count <= MaxTerms)
                {
                    _terms.Clear();
                    _terms.AddRange(trial);
                }
            }

            public string[] ToArray() => _terms.ToArray();

            private static void Add(List<string> terms, string term)
            {
                foreach (string existing in terms)
                    if (term.IndexOf(existing, StringComparison.Ordinal) >= 0) return; // already covered
                terms.RemoveAll(existing => existing.IndexOf(term, StringComparison.Ordinal) >= 0);
                terms.Add(term);
            }
        }
    }
}
