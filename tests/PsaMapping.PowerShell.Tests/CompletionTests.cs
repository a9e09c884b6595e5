using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>What a Tab costs in requests, counted by the sandbox (the completions themselves are in the Pester suite).</summary>
    public sealed class CompletionTests : IClassFixture<SandboxFixture>
    {
        private readonly SandboxServer _server;

        public CompletionTests(SandboxFixture fixture) => _server = fixture.Server;

        private long CompanyRequests => _server.Counters.Requests(SandboxEndpoints.AutotaskEntity("Companies"));

        [Fact]
        public void Once_every_company_is_read_a_tab_costs_no_request()
        {
            using ModuleHost host = Sessions.ConnectedToAutotask(_server);
            // More piped names than the request budget searches one by one: every company is read once.
            host.Invoke("1..12 | ForEach-Object { [pscustomobject]@{ Name = \"conto$_\" } } | Find-AutotaskCompany").ThrowOnFailure();
            long before = CompanyRequests;

            HostResult result = host.Invoke(
                "$line = 'Find-AutotaskContract -Company conto'; [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches").ThrowOnFailure();

            Assert.Equal("'Contoso'", (string)result.Output[0].Properties["CompletionText"].Value);
            Assert.Equal(before, CompanyRequests);
        }
    }
}
