using System.Diagnostics;
using System.Management.Automation;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>
    /// Two real processes on one store folder: this one runs a mapping command, and another process (the
    /// StoreWorker) saves a change in the middle of it, after the command read the store and before it saves. The
    /// moment is exact, not timed: the other process runs while the command writes its first -Verbose record
    /// ("Performing the operation ..." from ShouldProcess), which PowerShell delivers on the command's own thread.
    /// </summary>
    [Collection(StoreCollection.Name)]
    public sealed class StoreRaceTests : IClassFixture<SandboxFixture>
    {
        private readonly SandboxServer _server;

        public StoreRaceTests(SandboxFixture fixture) => _server = fixture.Server;

        [Fact]
        public void Set_without_SyncEnabled_keeps_the_sync_switch_another_process_turned_on_meanwhile()
        {
            using var store = TestEnvironment.FreshStore(out string folder);
            using ModuleHost host = Connected();
            (SandboxTenant tenant, SandboxContract first, SandboxContract second) = CustomerWithTwoContracts();
            host.Invoke("Set-PsaMapping -SophosCustomerId $args[0] -ContractId $args[1] -SyncEnabled $false", tenant.Id, first.Id).ThrowOnFailure();

            var moved = InvokeWithOtherProcessMidway(host, "Set-PsaMapping -SophosCustomerId $args[0] -ContractId $args[1] -Verbose",
                new object[] { tenant.Id, second.Id }, "sync", folder, tenant.Id.ToString(), "on");

            Assert.Empty(moved);
            PSObject saved = Assert.Single(host.Invoke("Get-PsaMapping").ThrowOnFailure().Output);
            Assert.Equal(second.Id, (long)saved.Properties["ContractId"].Value);
            Assert.True((bool)saved.Properties["SyncEnabled"].Value, "the other process's sync-on was lost");
        }

        [Fact]
        public void Update_does_not_bring_back_a_mapping_another_process_removed_meanwhile()
        {
            using var store = TestEnvironment.FreshStore(out string folder);
            using ModuleHost host = Connected();
            (SandboxTenant tenant, SandboxContract first, _) = CustomerWithTwoContracts();
            host.Invoke("Set-PsaMapping -SophosCustomerId $args[0] -ContractId $args[1]", tenant.Id, first.Id).ThrowOnFailure();
            // The customer was renamed since it was mapped, so Update-PsaMapping has a name to refresh.
            string file = Path.Combine(folder, "mappings.json");
            File.WriteAllText(file, File.ReadAllText(file).Replace(System.Text.Json.JsonSerializer.Serialize(tenant.Name), "\"An old name\""));

            var updated = InvokeWithOtherProcessMidway(host, "Update-PsaMapping -Verbose", Array.Empty<object>(), "remove", folder, tenant.Id.ToString());

            Assert.Empty(updated);
            Assert.Empty(host.Invoke("Get-PsaMapping").ThrowOnFailure().Output);
            PSObject last = host.Invoke("Get-PsaMappingHistory -Last 1").ThrowOnFailure().Output.Single();
            Assert.Equal("Removed", last.Properties["Kind"].Value.ToString());
        }

        private ModuleHost Connected()
        {
            var host = new ModuleHost();
            Sessions.ConnectSophos(host, _server).ThrowOnFailure();
            Sessions.ConnectAutotask(host, _server).ThrowOnFailure();
            return host;
        }

        /// <summary>A customer whose company is active and has two active contracts.</summary>
        private (SandboxTenant, SandboxContract, SandboxContract) CustomerWithTwoContracts()
        {
            foreach (SandboxTenant tenant in _server.Tenants)
            {
                long? company = _server.IntendedCompanyId(tenant.Id);
                if (company == null || !_server.Companies.Single(c => c.Id == company).IsActive) continue;
                var contracts = _server.Contracts.Where(c => c.CompanyId == company && c.Status == 1).ToList();
                if (contracts.Count >= 2 && _server.Tenants.Count(t => t.Name == tenant.Name) == 1) return (tenant, contracts[0], contracts[1]);
            }
            throw new InvalidOperationException("The sandbox has no customer with two active contracts.");
        }

        /// <summary>
        /// Runs <paramref name="script"/>, and the StoreWorker with <paramref name="worker"/> while the script writes its
        /// first verbose record; returns the script's errors.
        /// </summary>
        private static List<string> InvokeWithOtherProcessMidway(ModuleHost host, string script, object[] arguments, params string[] worker)
        {
            using var shell = System.Management.Automation.PowerShell.Create();
            shell.Runspace = host.Runspace;
            shell.AddScript(script);
            foreach (object argument in arguments) shell.AddArgument(argument);
            int ran = 0;
            string? workerFailure = null;
            shell.Streams.Verbose.DataAdded += (_, _) =>
            {
                if (Interlocked.Exchange(ref ran, 1) == 0) workerFailure = RunWorker(worker);
            };
            var errors = new List<string>();
            try
            {
                shell.Invoke();
            }
            catch (RuntimeException ex)
            {
                errors.Add(ex.ErrorRecord.FullyQualifiedErrorId + ": " + ex.Message);
            }
            errors.AddRange(shell.Streams.Error.Select(e => e.FullyQualifiedErrorId + ": " + e));
            Assert.True(ran == 1, "the command wrote no verbose record before saving, so the other process never ran");
            Assert.True(workerFailure == null, workerFailure);
            return errors;
        }

        private static string? RunWorker(string[] arguments)
        {
            string worker = Path.Combine(ModuleHost.RepoRoot, "tests", "PsaMapping.StoreWorker", "bin",
                Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar))!), "net10.0", "PsaMapping.StoreWorker.dll");
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(worker);
            foreach (string argument in arguments) start.ArgumentList.Add(argument);
            using Process process = Process.Start(start)!;
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"the other process failed ({process.ExitCode}): {errors}";
        }
    }
}
