using PsaMapping.Engine.Suggestions;

namespace PsaMapping.Engine.Tests
{
    /// <summary>What only a whole batch of customers decides: a company claimed by two customers is High for neither.</summary>
    public sealed class SuggestionsBatchConfidenceTests
    {
        [Fact]
        public void Withholds_High_when_two_customers_claim_one_company()
        {
            var index = new CompanyNameIndex(new[] { new IndexedCompany(1, "Fabrikam, Inc."), new IndexedCompany(2, "Tailspin Toys") });
            IReadOnlyList<CompanySuggestion> all = BatchConfidence.SuggestAll(index, new[] { "Fabrikam Inc", "Fabrikam Inc.", "Tailspin Toys", "Unknown Name" });

            Assert.Equal(new[] { "Fabrikam Inc", "Fabrikam Inc.", "Tailspin Toys", "Unknown Name" }, all.Select(s => s.CustomerName));
            Assert.All(all.Take(2), s => Assert.Equal(1, s.Best!.CompanyId));
            Assert.Equal(SuggestionConfidence.Medium, all[0].Confidence);
            Assert.Equal("Fabrikam Inc.", all[0].CompetingCustomer);
            Assert.Equal(SuggestionConfidence.Medium, all[1].Confidence);
            Assert.Equal(SuggestionConfidence.High, all[2].Confidence);
            Assert.Null(all[2].CompetingCustomer);
            Assert.Null(all[3].Best);
            Assert.Equal(SuggestionConfidence.None, all[3].Confidence);
        }

        [Fact]
        public void Keeps_High_for_the_customer_that_is_clearly_closer()
        {
            var index = new CompanyNameIndex(new[] { new IndexedCompany(1, "Fabrikam, Inc.") });
            IReadOnlyList<CompanySuggestion> all = BatchConfidence.SuggestAll(index, new[] { "Fabrikam, Inc.", "Fabrikam Inc" });
            Assert.Equal(SuggestionConfidence.High, all[0].Confidence);       // typed exactly: 1.00
            Assert.Equal(SuggestionConfidence.Medium, all[1].Confidence);     // suffix typed differently: 0.96
            Assert.Equal("Fabrikam, Inc.", all[1].CompetingCustomer);
        }
    }

    /// <summary>Inactive copies of a company under the same name, as Autotask databases keep them after a merge.</summary>
    public sealed class SuggestionsInactiveTwinTests
    {
        [Fact]
        public void An_inactive_same_name_twin_does_not_keep_the_active_company_from_High()
        {
            var index = new CompanyNameIndex(new[]
            {
                new IndexedCompany(1, "Contoso Pharmacy Ltd", isActive: false),
                new IndexedCompany(2, "Contoso Pharmacy Ltd"),
                new IndexedCompany(3, "Contoso Pharmacy Ltd", isActive: false),
            });

            CompanySuggestion suggestion = Assert.Single(BatchConfidence.SuggestAll(index, new[] { "Contoso Pharmacy Ltd" }));

            Assert.Equal(2, suggestion.Best!.CompanyId);
            Assert.Equal(SuggestionConfidence.High, suggestion.Confidence);
            Assert.Null(suggestion.RunnerUp);
            Assert.False(suggestion.InactiveTwin!.IsActive);
        }

        [Fact]
        public void An_active_look_alike_behind_an_inactive_twin_still_withholds_High()
        {
            var index = new CompanyNameIndex(new[]
            {
                new IndexedCompany(1, "Contoso Pharmacy Ltd"),
                new IndexedCompany(2, "Contoso Pharmacy Ltd", isActive: false),
                new IndexedCompany(3, "Contoso Pharmacy"),
            });

            CompanySuggestion suggestion = Assert.Single(BatchConfidence.SuggestAll(index, new[] { "Contoso Pharmacy Ltd" }));

            Assert.Equal(SuggestionConfidence.Medium, suggestion.Confidence);
            Assert.Equal(3, suggestion.RunnerUp!.CompanyId);
        }
    }
}
