using PsaMapping.Engine.Suggestions;

namespace PsaMapping.Engine.Tests
{
    public sealed class SuggestionsConfidencePolicyTests
    {
        private static CompanyMatch Match(double score, bool isActive = true, long id = 1) =>
            new(id, "Company " + id, score, "test", isActive);

        [Fact]
        public void A_high_score_alone_is_High() =>
            Assert.Equal(SuggestionConfidence.High, ConfidencePolicy.Classify(Match(0.95), null));

        [Fact]
        public void A_clear_lead_over_the_runner_up_is_High() =>
            Assert.Equal(SuggestionConfidence.High, ConfidencePolicy.Classify(Match(1.00), Match(0.97, id: 2)));

        [Theory]
        [InlineData(1.00, 0.99)]   // "Contoso Ltd" and "Contoso"
        [InlineData(1.00, 1.00)]   // two companies with one name
        [InlineData(0.96, 0.95)]
        [InlineData(0.95, 0.97)]   // a runner-up above the best counts as its equal
        public void Two_candidates_within_the_margin_are_never_High(double best, double runnerUp) =>
            Assert.Equal(SuggestionConfidence.Medium, ConfidencePolicy.Classify(Match(best), Match(runnerUp, id: 2)));

        [Fact]
        public void Another_customer_within_the_margin_for_the_same_company_prevents_High()
        {
            Assert.Equal(SuggestionConfidence.Medium, ConfidencePolicy.Classify(Match(1.00), null, otherCustomerScore: 0.99));
            Assert.Equal(SuggestionConfidence.High, ConfidencePolicy.Classify(Match(1.00), null, otherCustomerScore: 0.96));
        }

        [Fact]
        public void An_inactive_company_is_at_most_Medium() =>
            Assert.Equal(SuggestionConfidence.Medium, ConfidencePolicy.Classify(Match(1.00, isActive: false), null));

        [Theory]
        [InlineData(0.899, SuggestionConfidence.Medium)]
        [InlineData(0.75, SuggestionConfidence.Medium)]
        [InlineData(0.749, SuggestionConfidence.Low)]
        [InlineData(0.50, SuggestionConfidence.Low)]
        [InlineData(0.499, SuggestionConfidence.None)]
        public void Lower_scores_fall_into_bands(double score, SuggestionConfidence expected) =>
            Assert.Equal(expected, ConfidencePolicy.Classify(Match(score), null));

        [Fact]
        public void No_match_is_None() => Assert.Equal(SuggestionConfidence.None, ConfidencePolicy.Classify(null, null));

        [Fact]
        public void The_margin_sits_between_a_dropped_suffix_and_a_suffix_typed_differently()
        {
            // What makes "Contoso Ltd" beside "Contoso" Medium, but "Contoso Ltd" beside "Contoso Ltd." High.
            Assert.True(NameSimilarity.LegalMissingCost < ConfidencePolicy.HighMargin);
            Assert.True(NameSimilarity.LegalWrittenDifferentlyCost > ConfidencePolicy.HighMargin);
            Assert.True(CompanyNameIndex.InactivePenalty < ConfidencePolicy.HighMargin);
            Assert.True(CompanyNameIndex.NotCustomerPenalty < ConfidencePolicy.HighMargin);
            // A swapped name can be High alone, but never beside the name in the customer's own order.
            Assert.True(NameSimilarity.SameScore - NameSimilarity.WordOrderScore > ConfidencePolicy.HighMargin);
            Assert.True(NameSimilarity.SameScore - NameSimilarity.LegalConflictCost < ConfidencePolicy.HighScore);
        }
    }
}
