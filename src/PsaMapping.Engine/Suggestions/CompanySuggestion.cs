namespace PsaMapping.Engine.Suggestions
{
    /// <summary>The suggestion for one customer from <see cref="BatchConfidence.SuggestAll"/>.</summary>
    public sealed record CompanySuggestion
    {
        public CompanySuggestion(string customerName, CompanyMatch? best, CompanyMatch? runnerUp, SuggestionConfidence confidence,
            string? competingCustomer, CompanyMatch? inactiveTwin = null)
        {
            InactiveTwin = inactiveTwin;
            CustomerName = customerName ?? "";
            Best = best;
            RunnerUp = runnerUp;
            Confidence = confidence;
            CompetingCustomer = competingCustomer;
        }

        /// <summary>The customer name as given.</summary>
        public string CustomerName { get; }

        /// <summary>The closest company, or null when none shares anything with the name.</summary>
        public CompanyMatch? Best { get; }

        /// <summary>The next closest company, or null.</summary>
        public CompanyMatch? RunnerUp { get; }

        public SuggestionConfidence Confidence { get; }

        /// <summary>
        /// Another customer (of the same batch) that is about as close to <see cref="Best"/>: the reason High was
        /// withheld, or null.
        /// </summary>
        public string? CompetingCustomer { get; }

        /// <summary>
        /// An inactive company ranked above <see cref="RunnerUp"/> that was passed over (an old copy under the same
        /// or a close name), or null: named in the reason, so a person sees it was not forgotten.
        /// </summary>
        public CompanyMatch? InactiveTwin { get; }
    }
}
