using System.Management.Automation;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>
    /// The main commands against a sandbox that throttles and fails (30 % 429 with Retry-After, 10 % 5xx, 5 %
    /// dropped connections, jittered latency, a token that expires mid-run) give exactly what they give against
    /// the same data without faults, and never pass Autotask's thread limit. They save mappings: store collection.
    /// </summary>
    [Collection(StoreCollection.Name)]
    public sealed class FaultSuiteTests
    {
        private readonly Xunit.Abstractions.ITestOutputHelper _output;

        public FaultSuiteTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

        private static SandboxOptions Data() => new() { TenantCount = 150, CompanyCount = 300, Seed = 11 };

        [Fact]
        public async Task Main_commands_under_faults_give_exactly_the_fault_free_results()
        {
            await using var clean = await SandboxServer.StartAsync(Data());
            await using var faulty = await SandboxServer.StartAsync(Data());
            FaultOptions faults = faulty.Faults;
            faults.Fraction429 = 0.30;
            faults.RetryAfterSeconds = 1;
            faults.Fraction5xx = 0.10;
            faults.FractionDropped = 0.05;
            faults.LatencyMs = 5;
            faults.LatencyJitterMs = 25;
            faults.TokenLifetimeSeconds = 4;

            var started = DateTime.UtcNow;
            List<string> expected = RunMainCommands(clean);
            List<string> actual = RunMainCommands(faulty);
            _output.WriteLine($"{actual.Count} results; faulty run: {faulty.Counters.TotalRequests} requests, {faulty.Counters.Faults("429")} × 429, " +
                              $"{faulty.Counters.Faults("5xx")} × 5xx, {faulty.Counters.Faults("dropped")} dropped, " +
                              $"{faulty.Counters.Requests(SandboxEndpoints.SophosToken)} tokens; both runs {(DateTime.UtcNow - started).TotalSeconds:0.0} s");

            Assert.Equal(expected, actual);
            // About 40 requests: 429s always happen; 5xx and drops usually do, but not in every run, so only
            // their total is required (each kind alone is exercised by the engine's resilience tests).
            Assert.True(faulty.Counters.Faults("429") > 0, "requests were throttled");
            Assert.True(faulty.Counters.Faults("429") + faulty.Counters.Faults("5xx") + faulty.Counters.Faults("dropped") >= 5, "faults were injected");
            Assert.True(faulty.Counters.Requests(SandboxEndpoints.SophosToken) > 1, "the token expired and was renewed mid-run");
            Assert.Equal(0, faulty.Counters.TotalThreadLimitViolations);
        }

        /// <summary>The commands' results as text, without what differs by nature between two runs (when, who).</summary>
        private static List<string> RunMainCommands(SandboxServer server)
        {
            using var store = TestEnvironment.FreshStore(out _);
            using ModuleHost host = Sessions.ConnectedToSophos(server);
            Sessions.ConnectAutotask(host, server).ThrowOnFailure();

            var results = new List<string>();
            foreach (string command in new[]
                     {
                         "Get-SophosCustomer",
                         "Find-AutotaskCompany 'conto'",
                         "Find-AutotaskContract -Company 'Contoso'",
                         "Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High' | Set-PsaMapping -SyncEnabled $true -PassThru -WarningAction SilentlyContinue",
                         "Test-PsaMapping",
                     })
            {
                HostResult result = host.Invoke(command).ThrowOnFailure();
                results.Add("## " + command);
                results.AddRange(result.Output.Select(Describe));
            }

            return results;
        }

        private static string Describe(PSObject item) =>
            string.Join("|", item.Properties.Where(p => p.Name is not ("UpdatedAt" or "UpdatedBy")).Select(p => p.Name + "=" + p.Value));
    }
}
