using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Suggestions;
using PsaMapping.Sandbox;
using Xunit.Abstractions;

namespace PsaMapping.Engine.Tests.Suggestions
{
    /// <summary>
    /// Suggestions for every customer at the benchmark's middle size (2,000 customers, 10,000 companies, about
    /// 13,500 active contracts), counted by the sandbox: within 10 % of the minimum the page sizes allow (a
    /// count and a partly filled page per id range are the price of reading ranges side by side), and never
    /// over Autotask's 3 requests in flight per endpoint.
    /// </summary>
    public sealed class SuggestionsRequestEconomyTests(ITestOutputHelper output)
    {
        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public async Task Suggestions_for_2000_customers_cost_within_10_percent_of_the_minimum(int seed)
        {
            await using SandboxServer server = await SandboxServer.StartAsync(new SandboxOptions
            {
                TenantCount = 2_000, CompanyCount = 10_000, ContractsPerCompany = 3, Seed = seed,
            });
            server.Faults.LatencyMs = 5; // enough for the ranges to be read side by side
            using var sophos = new SophosCentralClient(new ClientCredential(server.Options.SophosClientId,
                SophosCentralClientTests.Secure(server.Options.SophosClientSecret)), server.SophosAuthUri, server.SophosApiUri);
            using var autotask = new AutotaskClient(new AutotaskCredential(server.Options.AutotaskUserName,
                SophosCentralClientTests.Secure(server.Options.AutotaskSecret), SophosCentralClientTests.Secure(server.Options.AutotaskIntegrationCode)),
                server.AutotaskZoneUri);
            await Task.WhenAll(sophos.ConnectAsync(CancellationToken.None), autotask.ConnectAsync(CancellationToken.None));

            SuggestionRun run = await MappingSuggester.SuggestAsync(sophos, new AutotaskDirectory(autotask), MappingSnapshot.Empty,
                new SuggestionOptions(), NullObserver.Instance, CancellationToken.None);

            int activeContracts = server.Contracts.Count(c => c.Status == AutotaskCodes.ContractStatus.Active);
            long minimum = 2 + (server.Tenants.Count + 99) / 100 + 1 + 2 + (server.Companies.Count + 499) / 500 + (activeContracts + 499) / 500;
            long requests = server.Counters.TotalRequests;
            output.WriteLine($"requests {requests}, minimum {minimum}, ratio {(double)requests / minimum:0.000}: " +
                             string.Join(", ", server.Counters.RequestsByEndpoint.Select(p => $"{p.Key} {p.Value}")));

            Assert.Equal(server.Tenants.Count, run.Suggestions.Count);
            Assert.Equal(activeContracts, run.Contracts);
            Assert.InRange((double)requests / minimum, 1.0, 1.10);
            Assert.InRange(server.Counters.MaxConcurrency(SandboxEndpoints.AutotaskEntity("Companies")), 2, 3);
            Assert.InRange(server.Counters.MaxConcurrency(SandboxEndpoints.AutotaskEntity("Contracts")), 2, 3);
            Assert.Equal(0, server.Counters.TotalThreadLimitViolations);
        }
    }
}
