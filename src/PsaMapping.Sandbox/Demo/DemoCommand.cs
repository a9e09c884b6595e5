using System.Management.Automation;

namespace PsaMapping.Sandbox.Demo
{
    /// <summary>
    /// `dotnet run --project src/PsaMapping.Sandbox -- demo`: starts the sandbox, hosts PowerShell, imports the
    /// freshly built module and runs examples/quickstart.ps1 against the sandbox, printing what it outputs as
    /// the module's own table views would show it.
    /// </summary>
    public static class DemoCommand
    {
        public static async Task<int> RunAsync(string[] args)
        {
            int tenants = 25;
            for (int i = 0; i < args.Length - 1; i++)
                if (args[i] == "--tenants") tenants = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);

            if (!File.Exists(ModuleHost.ModuleManifest))
            {
                Console.Error.WriteLine($"The module is not built yet ({ModuleHost.ModuleManifest} is missing). Run: dotnet build PsaMapping.sln");
                return 2;
            }

            // The demo saves mappings: keep them in a folder of its own, never in the user's real store.
            string home = Path.Combine(Path.GetTempPath(), "psamapping-demo-" + Environment.ProcessId);
            Environment.SetEnvironmentVariable("PSAMAPPING_HOME", home);
            try
            {
                return await RunDemoAsync(tenants, home);
            }
            finally
            {
                if (Directory.Exists(home)) Directory.Delete(home, recursive: true);
            }
        }

        private static async Task<int> RunDemoAsync(int tenants, string home)
        {
            await using SandboxServer server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = tenants });
            Console.WriteLine($"Sandbox listening on {server.BaseUri} with {server.Tenants.Count} Sophos Central customers " +
                              $"and {server.Companies.Count} Autotask companies.");

            string script = Path.Combine(ModuleHost.RepoRoot, "examples", "quickstart.ps1");
            Console.WriteLine($"Running {Path.GetRelativePath(ModuleHost.RepoRoot, script)} with the module from {Path.GetRelativePath(ModuleHost.RepoRoot, ModuleHost.ModuleManifest)}");
            Console.WriteLine($"Mappings are saved in {home} (removed afterwards).");
            Console.WriteLine();

            using var host = new ModuleHost();
            HostResult result = host.Invoke("param($script, $parameters) & $script @parameters", script, QuickstartParameters(server));

            var views = FormatViews.Load(Path.Combine(Path.GetDirectoryName(ModuleHost.ModuleManifest)!, "PsaMapping.Format.ps1xml"));
            Console.Write(TableRenderer.Render(result.Output, views, host.Runspace));

            foreach (WarningRecord warning in result.Warnings) Console.WriteLine("WARNING: " + warning.Message);
            foreach (ErrorRecord error in result.AllErrors) Console.Error.WriteLine($"ERROR ({error.FullyQualifiedErrorId}): {error.Exception.Message}");
            return result.Succeeded ? 0 : 1;
        }

        /// <summary>The quick start's parameters, pointing at the sandbox.</summary>
        public static System.Collections.Hashtable QuickstartParameters(SandboxServer server) => new()
        {
            ["SophosCredential"] = ModuleHost.Credential(server.Options.SophosClientId, server.Options.SophosClientSecret),
            ["SophosAuthUri"] = server.SophosAuthUri,
            ["SophosApiUri"] = server.SophosApiUri,
            ["AutotaskCredential"] = ModuleHost.Credential(server.Options.AutotaskUserName, server.Options.AutotaskSecret),
            ["AutotaskIntegrationCode"] = server.Options.AutotaskIntegrationCode,
            ["AutotaskZoneUri"] = server.AutotaskZoneUri,
        };
    }
}
