using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Azurite;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>
    /// Issue 14's request targets held through the cmdlets, on a saved table store against Azurite: what each user
    /// command costs as the module counts it at the Azure SDK's pipeline and reports it with -Verbose. The store
    /// benchmark prints the same figures (StoreCommandCosts runs both).
    /// </summary>
    [Collection(StoreCollection.Name)] // saves credentials and the store choice
    public sealed class StoreRequestTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        [Fact]
        public async Task Get_reads_2000_mappings_in_3_table_requests_Set_saves_1000_onto_2000_in_15_and_the_sync_lock_costs_2()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = StoreCommandCosts.Customers, CompanyCount = 1500 });
            await using var azurite = await AzuriteServer.StartAsync();
            using var store = TestEnvironment.FreshStore(out _);

            StoreCommandCosts costs = StoreCommandCosts.Measure(server, azurite, "t" + Guid.NewGuid().ToString("N"));
            foreach (var (command, requests, lockRequests) in costs.Rows)
                output.WriteLine($"{command}: {requests} table requests ({lockRequests} for the sync lock)");

            Assert.InRange(costs.GetOf2000, 1, StoreCommandCosts.GetTarget);
            Assert.InRange(costs.SetOnto2000, 1, StoreCommandCosts.SetTarget);
            Assert.InRange(costs.SetOnto1000, 1, StoreCommandCosts.SetTarget);
            Assert.Equal(StoreCommandCosts.SyncLockTarget, costs.SyncLock); // take it, give it back
            Assert.True(costs.Sync > costs.SyncLock, "the sync also read the mappings");
        }

        [Fact]
        public async Task Get_PsaMappingHistory_reads_the_history_once_however_many_customers_are_piped_in()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 40, CompanyCount = 80 });
            await using var azurite = await AzuriteServer.StartAsync();
            using var store = TestEnvironment.FreshStore(out _);
            using var host = new ModuleHost();
            Sessions.ConnectSophos(host, server).ThrowOnFailure();
            Sessions.ConnectAutotask(host, server).ThrowOnFailure();
            host.Invoke("Connect-PsaMappingStore -ConnectionString $args[0] -TableName $args[1]",
                new System.Net.NetworkCredential("", azurite.ConnectionString).SecurePassword, "t" + Guid.NewGuid().ToString("N")).ThrowOnFailure();
            host.Invoke("@(Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High')[0..2] | " +
                        "Set-PsaMapping -WarningAction SilentlyContinue -InformationAction SilentlyContinue").ThrowOnFailure();

            HostResult history = host.Invoke("$mapped = @(Get-PsaMapping); $mapped | Get-PsaMappingHistory -Verbose").ThrowOnFailure();

            Assert.Equal(3, history.Output.Count); // one entry for each of the three customers
            Assert.Equal(3, history.Output.Select(o => o.Properties["SophosCustomerId"].Value).Distinct().Count());
            // One query of the history rows for the whole pipeline (the session's store read the schema when it connected).
            Assert.Contains(history.Verbose, v => v.Message == "Table store requests made by this command: 1.");
        }
    }
}
