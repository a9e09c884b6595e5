using System.Management.Automation;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>
    /// Sync-PsaUsage and its companions as a user runs them, against a sandbox of its own per test (a sync changes
    /// the sandbox's contracts) and a fresh store: every usage-billed customer mapped to its Recurring Service contract
    /// with sync on, and every Sophos product mapped to the service that bills it.
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
        public void WhatIf_posts_nothing_and_shows_exactly_the_adjustments_a_real_run_then_posts()
        {
            HostResult preview = _host.Invoke("Sync-PsaUsage -WhatIf");
            Assert.Null(preview.Terminating);
            Assert.Empty(_server.Billing.Adjustments);
            var would = preview.Output.Where(l => Status(l) == "WouldAdjust").Select(Key).OrderBy(k => k).ToList();
            Assert.NotEmpty(would);
            Assert.Contains(preview.Information, i => i.MessageData.ToString()!.StartsWith("What if: sync of ", StringComparison.Ordinal));

            HostResult real = Sync();

            var posted = real.Output.Where(l => Status(l) == "Adjusted" || Reason(l) == "AutotaskAdjustmentRefused").Select(Key).OrderBy(k => k).ToList();
            Assert.Equal(would, posted);
            Assert.Equal(would.Count, _server.Billing.Adjustments.Count);
            AssertExactUnits(real.Output);

            static string Key(PSObject l) => $"{Prop<long>(l, "ContractId")}/{Prop<long>(l, "AutotaskServiceId")}:{Prop<decimal>(l, "UnitChange")}";
        }

        [Fact]
        public void A_second_run_for_the_same_month_posts_nothing()
        {
            Sync();
            int afterFirst = _server.Billing.Adjustments.Count;
            Assert.True(afterFirst > 0);

            HostResult second = Sync();

            Assert.Equal(afterFirst, _server.Billing.Adjustments.Count);
            Assert.DoesNotContain(second.Output, l => Status(l) == "Adjusted");
            AssertExactUnits(second.Output);
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
        public void Each_refusal_has_its_own_reason_and_error_and_never_stops_the_other_customers()
        {
            HostResult result = Sync();

            var reasons = result.Output.Select(Reason).Where(r => r != null).ToHashSet();
            Assert.Contains("SyncProductUnmapped", reasons);
            Assert.Contains("SyncServiceNotOnContract", reasons);
            Assert.Contains("SyncServiceAmbiguous", reasons);
            Assert.Contains("SyncPeriodPosted", reasons);
            Assert.Contains(result.Output, l => Status(l) == "Adjusted");
            Assert.Contains(result.Warnings, w => w.Message.Contains($"'{UnmappedProduct}' has no product mapping"));
            Assert.All(result.Errors, e => Assert.StartsWith(Reason((PSObject)PSObject.AsPSObject(e.TargetObject)) + ",", e.FullyQualifiedErrorId));
            Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("SyncServiceAmbiguous,", StringComparison.Ordinal));
            Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("SyncPeriodPosted,", StringComparison.Ordinal)
                                                && e.Exception.Message.Contains("approved and posted"));
        }

        [Fact]
        public void AddMissingService_lets_the_adjustment_add_the_service_to_the_contract()
        {
            HostResult result = Sync("-AddMissingService");

            Assert.DoesNotContain(result.Output, l => Reason(l) == "SyncServiceNotOnContract");
            var added = result.Output.Where(l => Status(l) == "Adjusted" && l.Properties["ContractServiceId"].Value == null).ToList();
            Assert.NotEmpty(added);
            AssertExactUnits(result.Output);
        }

        [Fact]
        public void A_month_Sophos_has_not_billed_yet_warns_and_changes_nothing()
        {
            DateTime last = Effective.AddMonths(-1);
            _server.Billing.ClearUsage(last.Year, last.Month);

            HostResult result = Sync();

            Assert.Null(result.Terminating);
            Assert.Empty(result.Output);
            Assert.Contains(result.Warnings, w => w.Message.Contains("has no usage for"));
            Assert.Empty(_server.Billing.Adjustments);
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

        [Fact]
        public void Mapping_rows_show_each_customers_sync_status_and_Test_PsaMapping_explains_the_problems()
        {
            Sync();

            var rows = _host.Invoke("Get-PsaMapping").ThrowOnFailure().Output;
            Assert.All(rows, r => Assert.NotNull(r.Properties["LastSyncAt"].Value));
            var statuses = rows.Select(r => r.Properties["LastSyncStatus"].Value?.ToString()).ToHashSet();
            Assert.Contains("Succeeded", statuses);
            Assert.Contains("Partial", statuses);

            var problems = _host.Invoke("Test-PsaMapping").Output.Select(p => (string)p.Properties["Problem"].Value).ToHashSet();
            Assert.Contains("ProductUnmapped", problems);
            Assert.Contains("ServiceNotOnContract", problems);
        }

        [Fact]
        public void Products_services_and_contract_lines_can_be_looked_up_and_mapped_from_the_pipeline()
        {
            var usage = _host.Invoke("Get-SophosUsage").ThrowOnFailure().Output;
            Assert.NotEmpty(usage);
            Assert.All(usage, u => Assert.NotNull(u.Properties["SophosCustomerId"].Value));

            _host.Invoke($"Find-AutotaskService 'ZTNA' -First 1 | Set-PsaProductMapping -ProductCode '{UnmappedProduct}'").ThrowOnFailure();
            PSObject mapped = Assert.Single(_host.Invoke($"Get-PsaProductMapping '{UnmappedProduct}'").ThrowOnFailure().Output);
            Assert.Equal(SandboxBilling.ServiceIdOf(UnmappedProduct), Prop<long>(mapped, "AutotaskServiceId"));

            var lines = _host.Invoke("@(Get-PsaMapping)[0..4] | Get-AutotaskContractService -AsOf $args[0]", Effective).ThrowOnFailure().Output;
            Assert.All(lines, l => Assert.NotNull(l.Properties["SophosCustomerId"].Value));
            foreach (PSObject line in lines)
                Assert.Equal(_server.Billing.UnitsOn(Prop<long>(line, "ContractServiceId"), Effective) ?? 0m, Prop<decimal>(line, "Units"));

            _host.Invoke($"Remove-PsaProductMapping '{UnmappedProduct}' -Confirm:$false").ThrowOnFailure();
            PSObject unmapped = Assert.Single(_host.Invoke($"Get-PsaProductMapping '{UnmappedProduct}' -IncludeUnmapped").ThrowOnFailure().Output);
            Assert.False(Prop<bool>(unmapped, "IsMapped"));
            Assert.Equal(SandboxBilling.ServiceIdOf(UnmappedProduct), Prop<long?>(unmapped, "SuggestedServiceId"));
        }
    }
}
