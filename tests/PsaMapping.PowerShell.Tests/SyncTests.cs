using System.Management.Automation;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>
    /// Sync-PsaUsage under faults injected into the sandbox, checked against every adjustment the sandbox received, on a
    /// sandbox of its own per test (a sync changes the sandbox's contracts) and a fresh store: every usage-billed customer
    /// mapped to its Recurring Service contract with sync on, and every Sophos product but one mapped to the service
    /// that bills it. The sync as a user runs it, on both stores, is tests/Pester/Sync.Tests.ps1.
    /// </summary>
    [Collection(StoreCollection.Name)]
    public sealed class SyncTests : IAsyncLifetime
    {
        private SandboxServer _server = null!;
        private IDisposable _store = null!;
        private string _folder = "";
        private ModuleHost _host = null!;

        public async Task InitializeAsync()
        {
            _server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 150, CompanyCount = 220, Seed = 31 });
            _store = TestEnvironment.FreshStore(out _folder);
            _host = Sessions.ConnectedToSophos(_server);
            Sessions.ConnectAutotask(_host, _server).ThrowOnFailure();

            // What an administrator does once: map each customer to its contract, and each product to its service.
            var rows = _server.Billing.ContractOfTenant.Select(pair => new System.Collections.Hashtable
            {
                ["SophosCustomerId"] = pair.Key.ToString(), ["ContractId"] = pair.Value, ["SyncEnabled"] = true,
            }).ToArray();
            _host.Invoke("$args[0] | ForEach-Object { [pscustomobject]$_ } | Set-PsaMapping -Confirm:$false", (object)rows);
            var products = SandboxBilling.Products.Where(p => p.ProductCode != UnmappedProduct)
                .Select(p => new System.Collections.Hashtable { ["ProductCode"] = p.ProductCode, ["AutotaskServiceId"] = SandboxBilling.ServiceIdOf(p.ProductCode) }).ToArray();
            _host.Invoke("$args[0] | ForEach-Object { [pscustomobject]$_ } | Set-PsaProductMapping -Confirm:$false", (object)products).ThrowOnFailure();
            Assert.NotEmpty(_host.Invoke("Get-PsaMapping -SyncEnabled $true").ThrowOnFailure().Output);
        }

        public async Task DisposeAsync()
        {
            _host.Dispose();
            _store.Dispose();
            await _server.DisposeAsync();
        }

        /// <summary>Left without a product mapping, so that each run has the refusal to report.</summary>
        private const string UnmappedProduct = "CZTNA";

        private DateTime Effective => _server.Billing.ThisMonth;

        private HostResult Sync(string parameters = "") => _host.Invoke("Sync-PsaUsage -Confirm:$false " + parameters);

        private static T Prop<T>(PSObject o, string name) => (T)(o.Properties[name].Value is PSObject p ? p.BaseObject : o.Properties[name].Value)!;

        private static string Status(PSObject line) => Prop<object>(line, "Status").ToString()!;

        private static string? Reason(PSObject line) => (string?)line.Properties["Reason"].Value;

        /// <summary>Every line that holds its target must hold it in the sandbox, to the unit.</summary>
        private void AssertExactUnits(IEnumerable<PSObject> lines)
        {
            foreach (PSObject line in lines.Where(l => Status(l) is "Adjusted" or "Unchanged"))
            {
                long contractId = Prop<long>(line, "ContractId"), serviceId = Prop<long>(line, "AutotaskServiceId");
                var onContract = _server.Billing.ContractServicesOf(contractId).Where(l => l.ServiceId == serviceId).ToList();
                SandboxContractService only = Assert.Single(onContract);
                Assert.Equal(Prop<decimal>(line, "TargetUnits"), _server.Billing.UnitsOn(only.Id, Effective) ?? 0m);
            }
        }

        [Fact]
        public void Answers_lost_after_Autotask_applied_a_third_of_the_posts_still_end_with_exact_units_and_no_double_posting()
        {
            _server.Faults.FractionAdjustmentApplyThenDrop = 0.3;

            HostResult result = Sync();

            var adjusted = result.Output.Where(l => Status(l) == "Adjusted").ToList();
            Assert.NotEmpty(adjusted);
            Assert.Contains(_server.Billing.Adjustments, a => a.Outcome == SandboxAdjustmentOutcome.AppliedThenDropped);
            Assert.Equal(adjusted.Count, _server.Billing.Adjustments.Count(a => a.Outcome != SandboxAdjustmentOutcome.Refused)); // one post per line, never two
            AssertExactUnits(result.Output);
            Assert.Contains(adjusted, l => ((string)l.Properties["Message"].Value).Contains("read again to confirm"));
        }

        [Fact]
        public void The_sync_log_has_an_intent_and_an_outcome_for_every_adjustment_Autotask_received()
        {
            _server.Faults.FractionAdjustmentApplyThenDrop = 0.3;
            Sync();

            var log = _host.Invoke("Get-PsaSyncHistory").ThrowOnFailure().Output;
            var intents = log.Where(e => Prop<object>(e, "Event").ToString() == "Intent").ToList();
            var posted = log.Where(e => Prop<object>(e, "Event").ToString() == "Posted").Select(e => Prop<long?>(e, "AutotaskItemId")).ToHashSet();
            Assert.Equal(_server.Billing.Adjustments.Count, intents.Count);
            Assert.All(_server.Billing.Adjustments.Where(a => a.Outcome == SandboxAdjustmentOutcome.Applied), a => Assert.Contains(a.Id, posted));
            Assert.Equal(intents.Count, log.Count(e => Prop<object>(e, "Event").ToString() != "Intent"));
            Assert.Equal(20, _host.Invoke("Get-PsaSyncHistory -Last 20").ThrowOnFailure().Output.Count);
        }
    }
}
