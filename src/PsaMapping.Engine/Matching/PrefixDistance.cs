using System;

namespace PsaMapping.Engine.Matching
{
    /// <summary>
    /// Bounded optimal string alignment distance (Damerau-Levenshtein in which no substring is edited
    /// twice) between a fixed pattern and the closest <em>prefix</em> of a text from some position.
    /// </summary>
    /// <remarks>
    /// Written here rather than taken from a library (F23.StringSimilarity has an OSA) because an
    /// autocomplete needs what those APIs lack: "how far is the query from the start of this word",
    /// whatever the word's length, answered in one pass (the last row of the table holds the distance to
    /// every prefix at once), with an early exit once the bound is out of reach, and without allocating
    /// a table per comparison, across tens of thousands of names per keystroke.
    /// One instance per query; not thread-safe (it reuses its rows).
    /// </remarks>
    internal sealed class PrefixDistance
    {
        private readonly string _pattern;
        private readonly int _max;
        // Rows i-2, i-1 and i of the table: a transposition looks two rows back.
        private int[] _twoBack, _previous, _current;

        public PrefixDistance(string pattern, int maxDistance)
        {
            _pattern = pattern;
            _max = maxDistance;
            int width = pattern.Length + maxDistance + 1;
            _twoBack = new int[width];
            _previous = new int[width];
            _current = new int[width];
        }

        /// <summary>
        /// The smallest distance between the pattern and <c>text.Substring(start, j)</c> over every length j,
        /// or <c>maxDistance + 1</c> when that is more than <c>maxDistance</c>.
        /// </summary>
        public int Distance(string text, int start)
        {
            int n = _pattern.Length;
            // A prefix longer than n + max, or shorter than n - max, is more than max edits away.
            int m = Math.Min(n + _max, text.Length - start);
            if (m < n - _max) return _max + 1;

            int[] twoBack = _twoBack, previous = _previous, current = _current;
            for (int j = 0; j <= m; j++) previous[j] = j; // row 0: empty pattern against a j-long prefix
            int previousMin = 0;

            for (int i = 1; i <= n; i++)
            {
                char p = _pattern[i - 1];
                current[0] = i;
                int rowMin = i;
                for (int j = 1; j <= m; j++)
                {
                    char t = text[start + j - 1];
                    int value = previous[j - 1] + (p == t ? 0 : 1);       // match or substitution
                    if (previous[j] + 1 < value) value = previous[j] + 1;  // pattern char dropped
                    if (current[j - 1] + 1 < value) value = current[j - 1] + 1; // text char dropped
                    if (i > 1 && j > 1 && p == text[start + j - 2] && _pattern[i - 2] == t && twoBack[j - 2] + 1 < value)
                        value = twoBack[j - 2] + 1;                        // adjacent characters swapped
                    current[j] = value;
                    if (value < rowMin) rowMin = value;
                }
                // Once two consecutive rows are both over the bound, every later row is too.
                if (rowMin > _max && previousMin > _max) return _max + 1;
                previousMin = rowMin;

                int[] recycled = twoBack;
                twoBack = previous;
                previous = current;
                current = recycled;
            }

            int best = _max + 1;
            for (int j = Math.Max(0, n - _max); j <= m; j++)
                if (previous[j] < best) best = previous[j];
            return best;
        }
    }
}
