using System.Management.Automation;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>Each test runs its own sandbox, because each injects its own faults.</summary>
    public sealed class ResilienceTests
    {
        [Fact]
        public async Task With_30_percent_of_responses_failing_the_list_is_still_exactly_complete()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 1000, Seed = 7 });
            server.Faults.Fraction429 = 0.15;
            server.Faults.RetryAfterSeconds = 0;
            server.Faults.Fraction5xx = 0.10;
            server.Faults.FractionDropped = 0.05;

            using var host = new ModuleHost();
            Sessions.ConnectSophos(host, server).ThrowOnFailure();
            HostResult result = host.Invoke("Get-SophosCustomer").ThrowOnFailure();

            Assert.Equal(server.Tenants.Select(t => t.Id), result.Output.Select(o => (Guid)o.Properties["SophosCustomerId"].Value));
            Assert.True(server.Counters.Faults("429") + server.Counters.Faults("5xx") + server.Counters.Faults("dropped") > 0, "faults were injected");
        }

        [Fact]
        public async Task A_tab_on_a_service_that_does_not_answer_completes_nothing_instead_of_waiting_for_retries()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { CompanyCount = 50 });
            using ModuleHost host = Sessions.ConnectedToAutotask(server);
            server.Faults.LatencyMs = 120_000; // an answer after two minutes is no answer for a Tab
            long before = server.Counters.Requests(SandboxEndpoints.AutotaskEntity("Companies"));

            HostResult result = host.Invoke(
                "$line = 'Find-AutotaskContract -Company conto'; [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches");

            server.Faults.LatencyMs = 0;
            Assert.True(result.Succeeded);
            Assert.Empty(result.Output);
            // Given up within the completion's own short deadline: no attempt timed out and was retried.
            Assert.Equal(before + 1, server.Counters.Requests(SandboxEndpoints.AutotaskEntity("Companies")));
        }

        [Fact]
        public async Task A_token_the_server_no_longer_accepts_is_renewed_without_the_user_noticing()
        {
            // The sandbox's clock runs ahead past the token's hour while the module's does not: the module still
            // holds the token as valid, and only the server's 401 tells it otherwise. (Renewal before expiry, by the
            // client's own clock, is shown with fake time in SophosCentralClientTests.)
            var sandboxTime = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 120, TimeProvider = sandboxTime });

            using var host = new ModuleHost();
            Sessions.ConnectSophos(host, server).ThrowOnFailure();
            long tokensBefore = server.Counters.Requests(SandboxEndpoints.SophosToken);
            sandboxTime.Advance(TimeSpan.FromHours(2));

            HostResult result = host.Invoke("Get-SophosCustomer -Refresh").ThrowOnFailure();

            Assert.Equal(120, result.Output.Count);
            Assert.True(server.Counters.Requests(SandboxEndpoints.SophosToken) > tokensBefore);
        }

        [Fact]
        public async Task A_server_that_never_recovers_ends_in_a_clear_unavailable_error()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 10 });
            using var host = new ModuleHost();
            Sessions.ConnectSophos(host, server).ThrowOnFailure();
            server.Faults.AlwaysFailStatus = 429; // with Retry-After: 0, so the retries cost no waiting
            server.Faults.RetryAfterSeconds = 0;

            HostResult result = host.Invoke("Get-SophosCustomer -Refresh");

            ErrorRecord error = result.Error;
            Assert.Equal("SophosUnavailable,PsaMapping.Commands.GetSophosCustomerCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
            Assert.Contains("429", error.Exception.Message);
            Assert.Equal(13, server.Counters.Requests(SandboxEndpoints.SophosTenants)); // 1 attempt + 12 retries
        }

        [Fact]
        public async Task Ctrl_C_stops_a_fetch_that_is_waiting_on_the_server()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 10 });
            using var host = new ModuleHost();
            Sessions.ConnectSophos(host, server).ThrowOnFailure();
            server.Faults.LatencyMs = 60_000;

            using System.Management.Automation.PowerShell shell = host.Begin("Get-SophosCustomer -Refresh", out IAsyncResult pending);
            while (server.Counters.Requests(SandboxEndpoints.SophosTenants) == 0) await Task.Delay(20);

            Task stop = Task.Factory.FromAsync(shell.BeginStop(null, null), shell.EndStop);
            Assert.True(stop.Wait(TimeSpan.FromSeconds(15)), "the command stopped instead of waiting for the 60 s response");
            Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        }
    }

    /// <summary>Ctrl+C reaches the suggestion command's reads of all three lists.</summary>
    public sealed class SuggestionStopTests
    {
        [Fact]
        public async Task Ctrl_C_stops_Get_PsaMappingSuggestion_while_its_lists_are_being_read()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 10 });
            using var host = new ModuleHost();
            Sessions.ConnectSophos(host, server).ThrowOnFailure();
            Sessions.ConnectAutotask(host, server).ThrowOnFailure();
            server.Faults.LatencyMs = 60_000;

            using System.Management.Automation.PowerShell shell = host.Begin("Get-PsaMappingSuggestion", out IAsyncResult pending);
            while (server.Counters.Requests(SandboxEndpoints.SophosTenants) == 0) await Task.Delay(20);

            Task stop = Task.Factory.FromAsync(shell.BeginStop(null, null), shell.EndStop);
            Assert.True(stop.Wait(TimeSpan.FromSeconds(15)), "the command stopped instead of waiting for the 60 s responses");
            Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        }
    }
}
