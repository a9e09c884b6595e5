using System;
using System.Collections.Generic;

namespace PsaMapping.Engine.Matching
{
    /// <summary>
    /// Ranks company names the way a person expects an autocomplete to: exact, then starts with, then a
    /// word starts with, then contains, then close misspellings, all ignoring case, accents and punctuation.
    /// </summary>
    /// <remarks>
    /// Scores: Exact = 1.0; StartsWith [0.80, 0.90); WordStartsWith [0.65, 0.75); Contains [0.50, 0.60);
    /// Misspelling [0.375, 0.45) for one edit and [0.30, 0.375) for two; None = 0. Inside a band the score
    /// grows with query length / name length (letters only), so the name with the least extra text is first.
    /// An empty query matches every name as StartsWith with one equal score, so it simply lists.
    /// </remarks>
    public static class AutocompleteRanker
    {
        /// <summary>Compares one query with one name. For many names use <see cref="Rank{T}"/>, which prepares the query once.</summary>
        public static NameMatch Score(string? query, string? candidate) => new RankingQuery(query).Score(candidate);

        /// <summary>
        /// Scores every item by its name, drops those that do not match, and orders the rest by score
        /// (best first), then name (ordinal, ignoring case), then their original order. Takes
        /// <paramref name="first"/> items when given.
        /// </summary>
        public static IReadOnlyList<Ranked<T>> Rank<T>(string? query, IEnumerable<T> items, Func<T, string?> nameOf, int? first = null)
        {
            if (items == null) throw new ArgumentNullException(nameof(items));
            if (nameOf == null) throw new ArgumentNullException(nameof(nameOf));
            if (first < 0) throw new ArgumentOutOfRangeException(nameof(first), first, "The number of results to take cannot be negative.");

            var prepared = new RankingQuery(query);
            var hits = new List<Hit<T>>();
            int index = 0;
            foreach (T item in items)
            {
                string name = nameOf(item) ?? "";
                NameMatch match = prepared.Score(name);
                if (match.IsMatch) hits.Add(new Hit<T>(new Ranked<T>(item, name, match), index));
                index++;
            }

            hits.Sort(CompareHits);
            int count = first.HasValue ? Math.Min(first.Value, hits.Count) : hits.Count;
            var result = new Ranked<T>[count];
            for (int i = 0; i < count; i++) result[i] = hits[i].Ranked;
            return result;
        }

        /// <summary>
        /// The substrings to OR together, each as Autotask <c>companyName contains term</c>, in one server
        /// query, so that every company that could match <paramref name="query"/> comes back (the remarks
        /// say what is and is not guaranteed). Lowercase, at most
        /// 12, none containing another. Empty only when the query has no letters or digits (then list everything).
        /// </summary>
        /// <remarks>
        /// The server compares the stored (raw) name, case-insensitively but not necessarily ignoring
        /// accents or punctuation, so terms are letters-only pieces: each query word of 2+ letters (both
        /// spellings for umlauts: muller, mueller, and the word as typed: müller); and, for longer words,
        /// pieces that survive the typos the ranker forgives: halves (4 to 7 letters, one edit) or thirds
        /// with a letter between them (8+ letters, two edits). The same pieces survive one accent, apostrophe
        /// or missing space in the stored name (an ASCII "muller" still finds "Müller" through "ler").
        /// A term containing another is dropped: the shorter one already brings those rows back.
        /// Exceptions to "letters only": "&amp;" and "+" when the query is just (part of) "and" ("b&amp;q"),
        /// and, when the query has one-letter words, the query as typed if its punctuation is only . - /
        /// ("s.a." finds "Acme S.A.").
        /// Not covered: under 5 letters, a word typed without an accent, apostrophe or umlaut spelling that
        /// the stored name has ("mu" or "muel" for "Müller"); two such marks in one word of under 8 letters
        /// ("obriens" for "O'Brien's"); under 4 letters, a query that runs stored words together ("ad" for
        /// "A. Datum"); a 4-letter query whose two middle letters are swapped.
        /// </remarks>
        public static IReadOnlyList<string> ServerSearchTerms(string? query) => SearchTermBuilder.Build(query);

        private static int CompareHits<T>(Hit<T> x, Hit<T> y)
        {
            int byScore = y.Ranked.Match.Score.CompareTo(x.Ranked.Match.Score);
            if (byScore != 0) return byScore;
            int byName = StringComparer.OrdinalIgnoreCase.Compare(x.Ranked.Name, y.Ranked.Name);
            return byName != 0 ? byName : x.Index.CompareTo(y.Index);
        }

        private readonly struct Hit<T>
        {
            public Hit(Ranked<T> ranked, int index)
            {
                Ranked = ranked;
                Index = index;
            }

            public Ranked<T> Ranked { get; }
            public int Index { get; }
        }
    }
}
