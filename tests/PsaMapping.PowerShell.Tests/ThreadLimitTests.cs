using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests;

public sealed class ThreadLimitTests
{
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
