namespace PsaMapping.Engine.Suggestions
{
    /// <summary>
    /// Turns the best and second-best <see cref="CompanyMatch"/> for a customer into a
    /// <see cref="SuggestionConfidence"/>. High needs both a high score and a clear lead over the runner-up.
    /// </summary>
    /// <remarks>
    /// What the scores mean (the full table is on the index's NameSimilarity): 1.00 the same name; 0.99 the same
    /// name without a legal suffix on one side ("Contoso Ltd" / "Contoso"); 0.98 an abbreviation spelled out;
    /// 0.96 the same name with the legal suffix typed differently ("Ltd." / "Limited"); about 0.95 one typo in a
    /// long name, less in short names or for two; 0.93 the same words in another order; 0.89 a possessive "s";
    /// 0.88 the same name with another legal form ("GmbH" / "AG"); up to 0.85 an acronym or some of the words.
    /// Inactive and non-Customer companies lose 0.02 and 0.01 more.
    /// <para>The thresholds were chosen on sandbox data with ground truth (tests/…/Suggestions/SuggestionsQualityTests).
    /// Where the sandbox's names are not saturated, <see cref="BatchConfidence.SuggestAll"/> with these values
    /// makes High right more than 99 times in 100 and covers more than 90% of the customers whose company exists;
    /// see that test for the numbers per size.</para>
    /// </remarks>
    public static class ConfidencePolicy
    {
        /// <summary>A best score at or above this can be High (if <see cref="HighMargin"/> holds too).</summary>
        public const double HighScore = 0.90;

        /// <summary>
        /// High needs the best score to beat the runner-up's by at least this much. It is larger than what a
        /// dropped legal suffix costs, so "Contoso Ltd" (1.00) beside "Contoso" (0.99) is never High for either:
        /// two companies with the same name are a decision for a person. It is smaller than what a legal suffix
        /// typed differently costs, so "Contoso Ltd" typed exactly as the customer's wins over "Contoso Ltd.".
        /// </summary>
        public const double HighMargin = 0.03;

        /// <summary>A best score at or above this is at least Medium.</summary>
        public const double MediumScore = 0.75;

        /// <summary>A best score at or above this is at least Low; below it, None.</summary>
        public const double LowScore = 0.50;

        /// <summary>
        /// The confidence of suggesting <paramref name="best"/>, given the next best company
        /// (<paramref name="runnerUp"/>, null when there is none). A runner-up that scores higher than the
        /// best is treated as the best's equal. An inactive company is at most Medium.
        /// </summary>
        public static SuggestionConfidence Classify(CompanyMatch? best, CompanyMatch? runnerUp) => Classify(best, runnerUp, null);

        /// <summary>
        /// As <see cref="Classify(CompanyMatch, CompanyMatch)"/>, and High also needs the same margin over the
        /// closest <em>other customer</em> to the same company (<paramref name="otherCustomerScore"/>, that
        /// customer's score for <paramref name="best"/>'s company; null when no other customer has it among its
        /// two best). A company is mapped to one customer: when "Contoso Ltd" and "Contoso Ltd." both find
        /// "Contoso", neither gets it automatically.
        /// </summary>
        public static SuggestionConfidence Classify(CompanyMatch? best, CompanyMatch? runnerUp, double? otherCustomerScore)
        {
            if (best == null || best.Score < LowScore) return SuggestionConfidence.None;
            if (best.Score >= HighScore && best.IsActive)
            {
                // Rounded, so 1.00 against 0.97 is a margin of 0.03 despite binary floating point.
                bool clear = (runnerUp == null || System.Math.Round(best.Score - runnerUp.Score, 9) >= HighMargin)
                    && (otherCustomerScore == null || System.Math.Round(best.Score - otherCustomerScore.Value, 9) >= HighMargin);
                return clear ? SuggestionConfidence.High : SuggestionConfidence.Medium;
            }
            return best.Score >= MediumScore ? SuggestionConfidence.Medium : SuggestionConfidence.Low;
        }
    }
}
