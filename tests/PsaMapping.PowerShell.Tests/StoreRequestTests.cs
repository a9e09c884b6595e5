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
    }
}
