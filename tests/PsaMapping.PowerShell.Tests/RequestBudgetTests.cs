using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>
    /// The request budget as the sandbox counts it, per endpoint, with the most requests it saw in flight at once:
    /// what the module's own -Verbose counts (checked by the Pester suite) cannot show.
    /// </summary>
    [Collection(StoreCollection.Name)] // suggestions read the store
    public sealed class RequestBudgetTests : IClassFixture<SandboxFixture>
    {
        private readonly Xunit.Abstractions.ITestOutputHelper _output;

        public RequestBudgetTests(SandboxFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
        {
            Server = fixture.Server;
            _output = output;
        }

        private SandboxServer Server { get; }

        [Fact]
        public void Suggestions_cost_the_minimum_the_page_sizes_allow_and_never_pass_the_thread_limit()
        {
            using var fresh = new ModuleHost(); // nothing fetched yet in this session
            Server.Counters.Reset();
            Sessions.ConnectSophos(fresh, Server).ThrowOnFailure();
            Sessions.ConnectAutotask(fresh, Server).ThrowOnFailure();
            fresh.Invoke("Get-PsaMappingSuggestion").ThrowOnFailure();

            int tenantPages = (Server.Tenants.Count + 99) / 100;
            int companyPages = (Server.Companies.Count + 499) / 500;
            int activeContracts = Server.Contracts.Count(c => c.Status == AutotaskCodes.ContractStatus.Active);
            int contractPages = (activeContracts + 499) / 500;
            long minimum = 2 + tenantPages + 1 + 2 + companyPages + contractPages;
            // Each Autotask list costs a count beside its first page, and every page is full but the last; a list
            // of exactly a whole number of pages needs one more, empty page to show its end.
            long expected = 2 + tenantPages + 1 + 2 + (1 + Server.Companies.Count / 500 + 1) + (1 + activeContracts / 500 + 1);
            _output.WriteLine($"requests {Server.Counters.TotalRequests}, minimum {minimum}: " + string.Join(", ", Server.Counters.RequestsByEndpoint.Select(p => $"{p.Key} {p.Value}")));

            Assert.Equal(1, Server.Counters.Requests(SandboxEndpoints.SophosToken));
            Assert.Equal(1, Server.Counters.Requests(SandboxEndpoints.SophosWhoAmI));
            Assert.Equal(tenantPages, Server.Counters.Requests(SandboxEndpoints.SophosTenants));
            Assert.Equal(1, Server.Counters.Requests(SandboxEndpoints.AutotaskZone));
            // One more is allowed: a page whose ids are spread unlike the one before it can come back partly filled.
            Assert.InRange(Server.Counters.TotalRequests, expected, expected + 1);
            Assert.Equal(0, Server.Counters.TotalThreadLimitViolations);
        }

        [Fact]
        public void Find_AutotaskService_reads_the_service_catalogue_once_per_session()
        {
            using ModuleHost host = Sessions.ConnectedToAutotask(Server);
            string services = SandboxEndpoints.AutotaskEntity("Services");
            long start = Server.Counters.Requests(services);
            Assert.NotEmpty(host.Invoke("Find-AutotaskService 'Intercept'").ThrowOnFailure().Output);
            long once = Server.Counters.Requests(services);
            Assert.True(once > start, "the first search read the catalogue");

            // Later searches in the same session, active or not, rank the catalogue it already has.
            HostResult again = host.Invoke("Find-AutotaskService 'Server'; Find-AutotaskService -IncludeInactive").ThrowOnFailure();
            Assert.NotEmpty(again.Output);
            Assert.Equal(once, Server.Counters.Requests(services));
        }

        [Fact]
        public async Task Parallel_sessions_never_pass_Autotasks_thread_limit()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 20, CompanyCount = 3000 });
            server.Faults.LatencyMs = 20;
            var hosts = Enumerable.Range(0, 4).Select(_ => Sessions.ConnectedToAutotask(server)).ToList();
            try
            {
                var runs = hosts.Select(host => Task.Run(() =>
                    host.Invoke("Find-AutotaskContract; Find-AutotaskCompany 'a'; Find-AutotaskCompany 'e'").ThrowOnFailure())).ToList();
                HostResult[] results = await Task.WhenAll(runs);

                int activeContracts = server.Contracts.Count(c => c.Status == AutotaskCodes.ContractStatus.Active);
                Assert.All(results, r => Assert.Equal(activeContracts, r.Output.Count(o => o.Properties["ContractId"] != null)));
                Assert.Equal(0, server.Counters.TotalThreadLimitViolations);
                Assert.True(server.Counters.MaxConcurrency(SandboxEndpoints.AutotaskEntity("Contracts")) >= 2, "the sessions did overlap");
            }
            finally
            {
                hosts.ForEach(h => h.Dispose());
            }
        }
    }
}
