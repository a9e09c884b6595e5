using System;
using System.Collections.Generic;
using System.Text;

namespace PsaMapping.Engine.Matching
{
    /// <summary>
    /// A normalized name in the two shapes the ranker compares: with spaces ("gallagher and o neill")
    /// and without ("gallagherandoneill"), plus where each word starts in the latter. Comparing the
    /// compact form lets "o neill", "oneill" and "O'Neill" or "Micro Soft" and "Microsoft" meet.
    /// </summary>
    internal sealed class PreparedName
    {
        private static readonly int[] NoWords = Array.Empty<int>();
        private static readonly int[] OneWord = { 0 };

        private PreparedName(string spaced, string compact, int[] wordStarts)
        {
            Spaced = spaced;
            Compact = compact;
            WordStarts = wordStarts;
        }

        public string Spaced { get; }
        public string Compact { get; }
        /// <summary>Indexes into <see cref="Compact"/> where a word begins, ascending; 0 first when not empty.</summary>
        public int[] WordStarts { get; }

        public static PreparedName From(string normalized)
        {
            if (normalized.Length == 0) return new PreparedName("", "", NoWords);
            if (normalized.IndexOf(' ') < 0) return new PreparedName(normalized, normalized, OneWord);

            var compact = new StringBuilder(normalized.Length);
            var starts = new List<int>(4) { 0 };
            foreach (char ch in normalized)
            {
                if (ch == ' ') starts.Add(compact.Length);
                else compact.Append(ch);
            }
            return new PreparedName(normalized, compact.ToString(), starts.ToArray());
        }

        public bool IsWordStart(int compactIndex)
        {
            foreach (int start in WordStarts)
            {
                if (start == compactIndex) return true;
                if (start > compactIndex) return false;
            }
            return false;
        }
    }
}
