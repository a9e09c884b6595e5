using System;
using System.Collections.Generic;

namespace PsaMapping.Engine.Matching
{
    /// <summary>A query normalized once, ready to be compared with many names.</summary>
    internal sealed class RankingQuery
    {
        // Score bands: a better kind of match always scores higher than any worse one.
        internal const double ExactScore = 1.0;
        internal const double StartsWithLow = 0.80, StartsWithHigh = 0.90;
        internal const double WordStartsWithLow = 0.65, WordStartsWithHigh = 0.75;
        internal const double ContainsLow = 0.50, ContainsHigh = 0.60;
        internal const double OneTypoLow = 0.375, OneTypoHigh = 0.45;
        internal const double TwoTyposLow = 0.30, TwoTyposHigh = 0.375;

        /// <summary>Queries shorter than this get no misspelling matches: "abc" is one edit from far too much.</summary>
        internal const int MinLettersForTypos = 4;
        /// <summary>From this many letters on, two edits are forgiven instead of one.</summary>
        internal const int MinLettersForTwoTypos = 8;

        private static readonly NameMatch ListAll = new NameMatch(MatchKind.StartsWith, StartsWithLow);

        private readonly Variant[] _variants;

        public RankingQuery(string? query)
        {
            IReadOnlyList<string> normalized = NameNormalizer.Variants(query);
            var variants = new List<Variant>(normalized.Count);
            foreach (string text in normalized)
                if (text.Length > 0) variants.Add(new Variant(PreparedName.From(text)));
            _variants = variants.ToArray();
        }

        public bool IsEmpty => _variants.Length == 0;

        /// <summary>How many edits a misspelling of a query with this many letters may have.</summary>
        internal static int AllowedTypos(int letters) =>
            letters >= MinLettersForTwoTypos ? 2 : letters >= MinLettersForTypos ? 1 : 0;

        public NameMatch Score(string? candidate)
        {
            if (IsEmpty) return ListAll;

            NameMatch best = NameMatch.None;
            foreach (string text in NameNormalizer.Variants(candidate))
            {
                PreparedName name = PreparedName.From(text);
                foreach (Variant variant in _variants)
                {
                    NameMatch match = variant.Compare(name);
                    if (match.Score > best.Score) best = match;
                    if (best.Kind == MatchKind.Exact) return best;
                }
            }
            return best;
        }

        /// <summary>Puts a closeness in [0, 1] into a band, strictly below its top so bands never touch.</summary>
        private static NameMatch InBand(MatchKind kind, double low, double high, double closeness) =>
            new NameMatch(kind, low + (high - low) * 0.999 * closeness);

        /// <summary>One spelling of the query (there are two for umlauts: muller and mueller).</summary>
        private sealed class Variant
        {
            private readonly PreparedName _query;
            private readonly int _maxTypos;
            private readonly PrefixDistance? _distance;

            public Variant(PreparedName query)
            {
                _query = query;
                _maxTypos = AllowedTypos(query.Compact.Length);
                if (_maxTypos > 0) _distance = new PrefixDistance(query.Spaced, _maxTypos);
            }

            public NameMatch Compare(PreparedName name)
            {
                string query = _query.Compact, compact = name.Compact;
                if (compact.Length == 0) return NameMatch.None;
                if (compact.Length == query.Length && compact == query) return new NameMatch(MatchKind.Exact, ExactScore);

                // Cheap tiers first: plain substring search in the compact form.
                if (compact.Length > query.Length)
                {
                    double closeness = (double)query.Length / compact.Length;
                    int at = compact.IndexOf(query, StringComparison.Ordinal);
                    if (at == 0) return InBand(MatchKind.StartsWith, StartsWithLow, StartsWithHigh, closeness);
                    if (at > 0)
                    {
                        for (int i = at; i >= 0; i = compact.IndexOf(query, i + 1, StringComparison.Ordinal))
                            if (name.IsWordStart(i)) return InBand(MatchKind.WordStartsWith, WordStartsWithLow, WordStartsWithHigh, closeness);
                        // Found only mid-word in the compact form. Count it when the spaced forms agree too,
                        // so "ol" does not "contain" Contoso Ltd by straddling "contos|o l|td".
                        if (name.Spaced.IndexOf(_query.Spaced, StringComparison.Ordinal) >= 0)
                            return InBand(MatchKind.Contains, ContainsLow, ContainsHigh, closeness);
                    }
                }

                return _distance == null ? NameMatch.None : Misspelling(name);
            }

            /// <summary>
            /// The query against the start of each word of the name (which covers the whole name and its prefix).
            /// Spaced forms here: a space counts as a letter, so a misspelling does not get to straddle words
            /// for free ("ailrines" is two edits from "alpines" but not from "alpine s").
            /// </summary>
            private NameMatch Misspelling(PreparedName name)
            {
                string query = _query.Spaced, spaced = name.Spaced;
                int best = _maxTypos + 1;
                for (int start = 0; ; )
                {
                    if (spaced.Length - start < query.Length - _maxTypos) break; // the rest of the name is too short
                    int distance = _distance!.Distance(spaced, start);
                    if (distance < best) best = distance;
                    if (best <= 1) break; // 0 is impossible here: that would have been a (word) starts-with

                    int space = spaced.IndexOf(' ', start);
                    if (space < 0) break;
                    start = space + 1;
                }
                if (best > _maxTypos) return NameMatch.None;

                int letters = _query.Compact.Length, nameLetters = name.Compact.Length;
                double closeness = (double)Math.Min(letters, nameLetters) / Math.Max(letters, nameLetters);
                return best <= 1
                    ? InBand(MatchKind.Misspelling, OneTypoLow, OneTypoHigh, closeness)
                    : InBand(MatchKind.Misspelling, TwoTyposLow, TwoTyposHigh, closeness);
            }
        }
    }
}
