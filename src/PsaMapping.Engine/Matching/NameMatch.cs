using System;
using System.Globalization;

namespace PsaMapping.Engine.Matching
{
    /// <summary>
    /// The result of comparing a query with a name. <see cref="Score"/> is in [0, 1] and every
    /// <see cref="MatchKind"/> has its own band, so a better kind always has the higher score.
    /// </summary>
    public readonly record struct NameMatch
    {
        /// <summary>No match, score 0.</summary>
        public static readonly NameMatch None;

        public NameMatch(MatchKind kind, double score)
        {
            if (double.IsNaN(score) || score < 0 || score > 1)
                throw new ArgumentOutOfRangeException(nameof(score), score, "A match score lies between 0 and 1.");
            Kind = kind;
            Score = score;
        }

        public MatchKind Kind { get; }
        public double Score { get; }
        public bool IsMatch => Kind != MatchKind.None;

        public override string ToString() => Kind + " " + Score.ToString("0.000", CultureInfo.InvariantCulture);
    }
}
