using System.Globalization;
using PsaMapping.Engine.Suggestions;
using PsaMapping.Sandbox;
using Xunit.Abstractions;

namespace PsaMapping.Engine.Tests
{
    /// <summary>
    /// Suggestion quality on sandbox data, whose ground truth says which company each tenant really is
    /// (<see cref="SandboxServer.IntendedCompanyId"/>). Precision: of the High suggestions, the share that are the
    /// intended company (a High for a tenant without a company, or with an inactive one, is wrong). Recall: of the
    /// tenants whose intended company exists and is active, the share that get it as High.
    /// Every company is indexed, inactive ones included (see <see cref="CompanyNameIndex"/> on why), and the
    /// suggestions come from <see cref="BatchConfidence.SuggestAll"/>, as a cmdlet suggesting for all customers would.
    /// </summary>
    /// <remarks>
    /// The targets are precision ≥ 0.99 and recall ≥ 0.90 (recall here over the tenants whose company exists
    /// and is active). The sandbox makes look-alikes on purpose only (a generated name never reuses a taken core), so
    /// the targets are asserted at both sizes; the printed "shared core" line shows how many tenants share a core name
    /// with another company on purpose.
    /// </remarks>
    public sealed class SuggestionsQualityTests
    {
        private const double TargetPrecision = 0.99, TargetRecall = 0.90;

        private readonly ITestOutputHelper _output;

        public SuggestionsQualityTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public async Task High_suggestions_meet_the_targets_on_sandbox_data()
        {
            var total = new Quality();
            for (int seed = 1; seed <= 6; seed++)
            {
                Quality quality = await MeasureAsync(200, 1_000, seed);
                _output.WriteLine(quality.Describe($"200 x 1,000 seed {seed}"));
                total = total.Add(quality);
            }
            _output.WriteLine(total.Describe("200 x 1,000 seeds 1-6"));

            Assert.True(total.Precision >= TargetPrecision, $"precision {total.Precision:0.0000} < {TargetPrecision}");
            Assert.True(total.Recall >= TargetRecall, $"recall {total.Recall:0.0000} < {TargetRecall}");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public async Task High_suggestions_meet_the_targets_at_2000_customers_by_10000_companies(int seed)
        {
            Quality quality = await MeasureAsync(2_000, 10_000, seed);
            _output.WriteLine(quality.Describe($"2,000 x 10,000 seed {seed}"));

            Assert.True(quality.Precision >= TargetPrecision, $"precision {quality.Precision:0.0000} < {TargetPrecision}");
            Assert.True(quality.Recall >= TargetRecall, $"recall {quality.Recall:0.0000} < {TargetRecall}");
        }

        [Fact]
        public async Task Matching_2000_customers_against_10000_companies_suggests_for_each_some_with_High_confidence()
        {
            // How long this takes is the benchmark's to measure (its "match ms" column).
            await using SandboxServer server = await StartAsync(2_000, 10_000, seed: 3);
            var names = server.Tenants.Select(t => t.Name).ToList();

            var index = new CompanyNameIndex(Indexed(server));
            IReadOnlyList<CompanySuggestion> all = BatchConfidence.SuggestAll(index, names);

            Assert.Equal(names.Count, all.Count);
            Assert.Contains(all, s => s.Confidence == SuggestionConfidence.High);
        }

        private static Task<SandboxServer> StartAsync(int tenants, int companies, int seed) =>
            SandboxServer.StartAsync(new SandboxOptions { TenantCount = tenants, CompanyCount = companies, Seed = seed, ContractsPerCompany = 0 });

        private static IndexedCompany[] Indexed(SandboxServer server) => server.Companies
            .Select(c => new IndexedCompany(c.Id, c.CompanyName, c.IsActive, c.CompanyType == AutotaskCodes.CompanyType.Customer))
            .ToArray();

        private static async Task<Quality> MeasureAsync(int tenants, int companies, int seed)
        {
            await using SandboxServer server = await StartAsync(tenants, companies, seed);
            var index = new CompanyNameIndex(Indexed(server));
            var byId = server.Companies.ToDictionary(c => c.Id);
            IReadOnlyList<CompanySuggestion> suggestions = BatchConfidence.SuggestAll(index, server.Tenants.Select(t => t.Name).ToList());

            // How crowded the names are: tenants whose core name is shared by more than one company.
            var companiesPerCore = server.Companies.GroupBy(c => CompanyNameKey.Core(c.CompanyName)).ToDictionary(g => g.Key, g => g.Count());

            var quality = new Quality();
            for (int i = 0; i < server.Tenants.Count; i++)
            {
                SandboxTenant tenant = server.Tenants[i];
                CompanySuggestion suggestion = suggestions[i];
                long? intended = server.IntendedCompanyId(tenant.Id);
                bool eligible = intended is long id && byId[id].IsActive;
                bool high = suggestion.Confidence == SuggestionConfidence.High;
                bool right = suggestion.Best?.CompanyId == intended;
                bool highAlone = ConfidencePolicy.Classify(suggestion.Best, suggestion.RunnerUp) == SuggestionConfidence.High;
                bool sharedCore = companiesPerCore.GetValueOrDefault(CompanyNameKey.Core(tenant.Name)) > 1;
                quality = quality.Add(new Quality(1, eligible ? 1 : 0, high ? 1 : 0, high && right ? 1 : 0,
                    highAlone ? 1 : 0, highAlone && right ? 1 : 0, sharedCore ? 1 : 0));
            }
            return quality;
        }

        /// <param name="HighAlone">High by <see cref="ConfidencePolicy.Classify(CompanyMatch, CompanyMatch)"/> alone (no other-customer check).</param>
        private readonly record struct Quality(int Tenants, int Eligible, int High, int HighRight, int HighAlone, int HighAloneRight, int SharedCore)
        {
            public double Precision => High == 0 ? 1 : (double)HighRight / High;
            public double Recall => Eligible == 0 ? 1 : (double)HighRight / Eligible;

            public Quality Add(Quality other) => new(Tenants + other.Tenants, Eligible + other.Eligible, High + other.High,
                HighRight + other.HighRight, HighAlone + other.HighAlone, HighAloneRight + other.HighAloneRight, SharedCore + other.SharedCore);

            public string Describe(string label) => string.Format(CultureInfo.InvariantCulture,
                "{0}: precision {1:0.0000} recall {2:0.0000} (High {3} of {4} tenants, {5} wrong; {6} with an active company) | " +
                "without the other-customer check: precision {7:0.0000} recall {8:0.0000} | shared core {9:0.0%} of tenants",
                label, Precision, Recall, High, Tenants, High - HighRight, Eligible,
                HighAlone == 0 ? 1 : (double)HighAloneRight / HighAlone, Eligible == 0 ? 1 : (double)HighAloneRight / Eligible,
                (double)SharedCore / Tenants);
        }
    }
}
