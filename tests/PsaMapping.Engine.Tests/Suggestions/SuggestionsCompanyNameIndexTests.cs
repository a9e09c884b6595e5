using PsaMapping.Engine.Suggestions;

namespace PsaMapping.Engine.Tests
{
    public sealed class SuggestionsCompanyNameIndexTests
    {
        private static readonly IndexedCompany[] Companies =
        {
            new(1, "Contoso"),
            new(2, "Contoso Ltd"),
            new(3, "Contoso Group Ltd"),
            new(4, "Fabrikam, Inc."),
            new(5, "Fabrikam Residences"),
            new(6, "Mueller Maschinenbau GmbH"),
            new(7, "Maschinenbau Müller GmbH"),
            new(8, "Northwind Traders SA"),
            new(9, "Tailspin Toys"),
            new(10, "Wide World Importers BV"),
            new(11, "Adventure Works"),
            new(12, "Societe Generale d'Electricite"),
            new(13, "Old Customer Ltd", isActive: false),
            new(14, "Kestrel Consulting Group", isCustomer: false),
            new(15, "Smith Engineering Services"),
            new(16, "Hall & Jones Ltd"),
            new(17, "Young's Roofing"),
        };

        private static readonly CompanyNameIndex Index = new(Companies);

        private static CompanyMatch Top(string name) => Index.Best(name, 1).Single();

        [Fact]
        public void The_exact_name_is_first_with_score_one()
        {
            CompanyMatch best = Top("Tailspin Toys");
            Assert.Equal(9, best.CompanyId);
            Assert.Equal("Tailspin Toys", best.CompanyName);
            Assert.Equal(1.0, best.Score);
            Assert.Equal("same name", best.Reason);
        }

        [Fact]
        public void A_name_with_and_without_legal_suffix_is_a_close_call_not_High()
        {
            // The sandbox's trap: "Contoso Ltd" (2) is another business; the tenant "Contoso Ltd" is company "Contoso" (1).
            IReadOnlyList<CompanyMatch> matches = Index.Best("Contoso Ltd");
            Assert.Equal(new long[] { 2, 1 }, matches.Select(m => m.CompanyId));
            Assert.Equal("same name without legal suffix", matches[1].Reason);
            Assert.Equal(SuggestionConfidence.Medium, ConfidencePolicy.Classify(matches[0], matches[1]));
        }

        [Fact]
        public void Transliteration_matches_and_beats_the_same_words_in_another_order()
        {
            IReadOnlyList<CompanyMatch> matches = Index.Best("Müller Maschinenbau GmbH");
            Assert.Equal(6, matches[0].CompanyId);
            Assert.Equal(1.0, matches[0].Score);
            Assert.Equal("transliteration (ü=ue)", matches[0].Reason);
            Assert.Equal(7, matches[1].CompanyId);
            Assert.Equal("same words, other order", matches[1].Reason);
            Assert.Equal(SuggestionConfidence.High, ConfidencePolicy.Classify(matches[0], matches[1]));
        }

        [Fact]
        public void The_same_words_in_another_order_are_High_when_nothing_competes()
        {
            CompanyMatch best = Top("Jones & Hall Ltd");
            Assert.Equal(16, best.CompanyId);
            Assert.Equal("same words, other order", best.Reason);
            Assert.Equal(SuggestionConfidence.High, ConfidencePolicy.Classify(best, null));
        }

        [Theory]
        [InlineData("Northwind Traders S.A.", 8, "same name, legal suffix written differently (s.a. / sa)")]
        [InlineData("Société Générale d'Électricité SARL", 12, "same name without legal suffix")]
        [InlineData("Wide World Importers B.V.", 10, "same name, legal suffix written differently (b.v. / bv)")]
        [InlineData("FABRIKAM INC.", 4, "same name, legal suffix written differently (inc. / , inc.)")]
        [InlineData("Fabrikan, Inc.", 4, "1 typo")]
        [InlineData("Advneture Works", 11, "1 typo")]
        [InlineData("Smith Eng. Svcs", 15, "abbreviation spelled out")]
        [InlineData("Wide World Importers GmbH", 10, "same name, other legal form (gmbh ≠ bv)")]
        public void Variants_of_a_name_find_their_company_with_a_short_reason(string name, long id, string reason)
        {
            CompanyMatch best = Top(name);
            Assert.Equal(id, best.CompanyId);
            Assert.Equal(reason, best.Reason);
            Assert.InRange(best.Score, 0.85, 1.0);
        }

        [Fact]
        public void Scores_lie_in_zero_to_one_best_first_at_most_count()
        {
            foreach (string name in new[] { "Contoso", "Contoso Group", "Fabrikam", "Group", "Kestrel", "Maschinenbau" })
            {
                IReadOnlyList<CompanyMatch> matches = Index.Best(name, 3);
                Assert.InRange(matches.Count, 1, 3);
                Assert.All(matches, m => Assert.InRange(m.Score, double.Epsilon, 1.0));
                Assert.Equal(matches.OrderByDescending(m => m.Score).Select(m => m.CompanyId), matches.Select(m => m.CompanyId));
                Assert.Equal(matches.Count, matches.Select(m => m.CompanyId).Distinct().Count());
            }
        }

        [Fact]
        public void Some_of_the_words_is_a_weak_suggestion()
        {
            CompanyMatch best = Top("Contoso Group");
            Assert.Equal(3, best.CompanyId); // "Contoso Group Ltd": the same words without the suffix
            CompanyMatch partial = Index.Best("Fabrikam Residences Holdings", 1).Single();
            Assert.Equal(5, partial.CompanyId);
            Assert.Equal("2 of 3 words", partial.Reason);
            Assert.True(ConfidencePolicy.Classify(partial, null) < SuggestionConfidence.High);
        }

        [Fact]
        public void A_possessive_s_is_not_taken_for_a_typo()
        {
            CompanyMatch best = Top("Young Roofing");
            Assert.Equal(17, best.CompanyId);
            Assert.StartsWith("possessive", best.Reason);
            Assert.Equal(SuggestionConfidence.Medium, ConfidencePolicy.Classify(best, null));
        }

        [Fact]
        public void A_different_first_letter_is_another_word_not_a_typo()
        {
            IReadOnlyList<CompanyMatch> matches = Index.Best("Bestrel Consulting Group", 1);
            Assert.True(matches.Count == 0 || matches[0].Reason != "1 typo");
        }

        [Fact]
        public void Inactive_and_non_customer_companies_are_suggested_with_a_note_but_never_High()
        {
            CompanyMatch old = Top("Old Customer Ltd");
            Assert.Equal(13, old.CompanyId);
            Assert.False(old.IsActive);
            Assert.Equal("same name, inactive", old.Reason);
            Assert.Equal(1.0 - CompanyNameIndex.InactivePenalty, old.Score, 6);
            Assert.Equal(SuggestionConfidence.Medium, ConfidencePolicy.Classify(old, null));

            CompanyMatch vendor = Top("Kestrel Consulting Group");
            Assert.False(vendor.IsCustomer);
            Assert.Equal("same name, not a customer", vendor.Reason);
            Assert.Equal(SuggestionConfidence.High, ConfidencePolicy.Classify(vendor, null));
        }

        [Fact]
        public void Of_two_equally_close_companies_the_active_customer_comes_first()
        {
            var index = new CompanyNameIndex(new[]
            {
                new IndexedCompany(1, "Beacon Ltd", isActive: false),
                new IndexedCompany(2, "Beacon Ltd", isCustomer: false),
                new IndexedCompany(3, "Beacon Ltd"),
            });
            IReadOnlyList<CompanyMatch> matches = index.Best("Beacon Ltd", 3);
            Assert.Equal(new long[] { 3, 2, 1 }, matches.Select(m => m.CompanyId));
            Assert.Equal(SuggestionConfidence.Medium, ConfidencePolicy.Classify(matches[0], matches[1]));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("  ...  ")]
        [InlineData("Zyxwvut Qqq")]
        public void Names_without_anything_in_common_get_no_matches(string? name) =>
            Assert.Empty(Index.Best(name!, 2));

        [Fact]
        public void Count_zero_gives_nothing_and_a_negative_count_is_refused()
        {
            Assert.Empty(Index.Best("Contoso", 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => Index.Best("Contoso", -1));
        }

        [Fact]
        public void An_empty_index_answers_with_nothing()
        {
            var empty = new CompanyNameIndex(Array.Empty<IndexedCompany>());
            Assert.Equal(0, empty.Count);
            Assert.Empty(empty.Best("Contoso"));
            Assert.Equal(Companies.Length, Index.Count);
        }

        [Fact]
        public void Typos_are_found_through_the_index_among_many_companies()
        {
            // Blocking, not a scan: a misspelled word must still reach its company among 20,000.
            var random = new Random(7);
            string[] words = { "Kestrel", "Meridian", "Harbourside", "Ironbridge", "Silverline", "Northgate", "Pinnacle", "Beacon" };
            string[] trades = { "Consulting", "Logistics", "Engineering", "Accountancy", "Recruitment", "Surveyors", "Joinery", "Haulage" };
            var companies = new List<IndexedCompany>();
            for (int i = 0; i < 20_000; i++)
                companies.Add(new IndexedCompany(i, $"{words[random.Next(words.Length)]} {trades[random.Next(trades.Length)]} {Surname(random)} Ltd"));
            var index = new CompanyNameIndex(companies);

            int found = 0;
            for (int i = 0; i < 300; i++)
            {
                IndexedCompany target = companies[random.Next(companies.Count)];
                string name = target.Name;
                int at = 1 + random.Next(name.Length - 6); // swap two letters, never the first
                string misspelled = name.Substring(0, at) + name[at + 1] + name[at] + name.Substring(at + 2);
                if (index.Best(misspelled, 2).Any(m => m.CompanyName == name)) found++;
            }
            Assert.True(found >= 295, $"found {found} of 300");
        }

        [Fact]
        public void A_misspelled_common_word_still_finds_its_company()
        {
            // "logistics" is in every company's name here, so it is too common to walk; the misspelling is unknown.
            var companies = Enumerable.Range(0, 200).Select(i => new IndexedCompany(i, i == 0 ? "Logistics Ltd" : $"Logistics Firm{i:D3} Ltd")).ToArray();
            CompanyMatch best = new CompanyNameIndex(companies).Best("Logistcs Ltd", 1).Single();
            Assert.Equal(0, best.CompanyId);
            Assert.Equal("1 typo", best.Reason);
        }

        [Fact]
        public void Best_is_safe_to_call_from_many_threads()
        {
            string[] names = { "Contoso Ltd", "Müller Maschinenbau GmbH", "Fabrikan Inc", "Jones & Hall", "Smith Eng Svcs", "Old Customer", "Tailspin" };
            string Describe(IReadOnlyList<CompanyMatch> matches) => string.Join("|", matches.Select(m => m.ToString()));
            var expected = names.Select(n => Describe(Index.Best(n, 3))).ToArray();
            var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
            Parallel.For(0, 4_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            {
                string actual = Describe(Index.Best(names[i % names.Length], 3));
                if (actual != expected[i % names.Length]) failures.Add(actual);
            });
            Assert.Empty(failures);
        }

        private static string Surname(Random random)
        {
            const string letters = "abcdefghijklmnopqrstuvwxyz";
            var chars = new char[6 + random.Next(4)];
            for (int i = 0; i < chars.Length; i++) chars[i] = letters[random.Next(letters.Length)];
            chars[0] = char.ToUpperInvariant(chars[0]);
            return new string(chars);
        }
    }
}
