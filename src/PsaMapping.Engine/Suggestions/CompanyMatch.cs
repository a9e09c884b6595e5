using System;
using System.Globalization;

namespace PsaMapping.Engine.Suggestions
{
    /// <summary>One company suggested for a customer name, with how close it is and why.</summary>
    public sealed record CompanyMatch
    {
        public CompanyMatch(long companyId, string companyName, double score, string reason, bool isActive = true, bool isCustomer = true)
        {
            IsActive = isActive;
            IsCustomer = isCustomer;
            if (double.IsNaN(score) || score < 0 || score > 1)
                throw new ArgumentOutOfRangeException(nameof(score), score, "A match score lies between 0 and 1.");
            CompanyId = companyId;
            CompanyName = companyName ?? "";
            Score = score;
            Reason = reason ?? "";
        }

        public long CompanyId { get; }
        public string CompanyName { get; }

        /// <summary>Closeness in [0, 1]: 1 is the same name; the bands are described on <see cref="ConfidencePolicy"/>.</summary>
        public double Score { get; }

        /// <summary>
        /// Short, for people: "same name", "same name without legal suffix", "transliteration (ü=ue)", "1 typo",
        /// "same words, other order", "2 of 3 words", followed by ", inactive" or ", not a customer" when so.
        /// </summary>
        public string Reason { get; }

        /// <summary>As indexed (<see cref="IndexedCompany.IsActive"/>). An inactive company is never a High suggestion.</summary>
        public bool IsActive { get; }

        /// <summary>As indexed (<see cref="IndexedCompany.IsCustomer"/>).</summary>
        public bool IsCustomer { get; }

        public override string ToString() =>
            CompanyName + " (" + Score.ToString("0.000", CultureInfo.InvariantCulture) + ", " + Reason + ")";
    }
}
