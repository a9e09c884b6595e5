using System.Management.Automation;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>examples/quickstart.ps1 is what the README's demo runs: it must keep working. It saves mappings, so it uses the store.</summary>
    [Collection(StoreCollection.Name)]
    public sealed class QuickstartTests
    {
        [Fact]
        public async Task The_quickstart_lists_customers_then_companies_and_contracts_without_errors()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 25 });
            using var store = TestEnvironment.FreshStore(out _);
            using var host = new ModuleHost();
            string script = Path.Combine(ModuleHost.RepoRoot, "examples", "quickstart.ps1");

            HostResult result = host.Invoke("param($script, $parameters) & $script @parameters", script, DemoCommand.QuickstartParameters(server)).ThrowOnFailure();

            var typeNames = result.Output.Select(o => o.BaseObject.GetType().Name).Distinct().ToList();
            Assert.Equal(new[] { "String", "SophosCustomer", "AutotaskCompany", "AutotaskContract", "MappingRow", "MappingSuggestion", "MappingProblem",
                "ProductMappingRow", "ProductMapping", "SyncLine", "SyncLogEntry" }, typeNames);
            Assert.Contains(result.Output, o => o.BaseObject.GetType().Name == "SyncLine" && o.Properties["Status"].Value.ToString() == "WouldAdjust");
            Assert.Contains(result.Output, o => o.BaseObject.GetType().Name == "SyncLine" && o.Properties["Status"].Value.ToString() == "Adjusted");
            Assert.Equal(25, result.Output.Count(o => o.BaseObject.GetType().Name == "SophosCustomer"));
            var page = result.Output.Where(o => o.BaseObject.GetType().Name == "MappingRow" && !(bool)o.Properties["IsMapped"].Value).ToList();
            Assert.NotEmpty(page);
            Assert.Contains(result.Output, o => o.BaseObject.GetType().Name == "MappingRow" && (string)o.Properties["SophosCustomerName"].Value == "Contoso Ltd");
            int mapped = result.Output.Count(o => o.BaseObject.GetType().Name == "MappingRow" && (bool)o.Properties["IsMapped"].Value);
            Assert.True(mapped > 10, $"the suggestions mapped most customers ({mapped} mapped rows shown)");
            Assert.DoesNotContain(result.Output, o => o.BaseObject.GetType().Name == "MappingSuggestion" && o.Properties["Confidence"].Value.ToString() == "High");
            Assert.Contains(result.Output, o => o.BaseObject.GetType().Name == "AutotaskContract" && (string)o.Properties["SophosCustomerName"].Value == "Fabrikam, Inc.");

            string table = TableRenderer.Render(result.Output, FormatViews.Load(Path.Combine(Path.GetDirectoryName(ModuleHost.ModuleManifest)!, "PsaMapping.Format.ps1xml")), host.Runspace);
            Assert.Contains("Sophos Central Customer", table);
            Assert.Contains("Autotask Customer Name", table);
            Assert.Contains("Sync with PSA", table);
            Assert.Contains("Sync Status", table);
        }
    }
}
