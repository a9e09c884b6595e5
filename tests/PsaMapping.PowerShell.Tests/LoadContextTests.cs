using System.Reflection;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>
    /// What only a host can show: the assemblies the process has loaded, and the load context the module's own
    /// libraries live in. The module's layout, manifest and exports are checked by tests/Pester/Module.Tests.ps1.
    /// </summary>
    public sealed class LoadContextTests
    {
        private static readonly string ModuleFolder = Path.GetDirectoryName(ModuleHost.ModuleManifest)!;

        /// <summary>
        /// The test process has an older Polly.Core (8.0.0, referenced by this project) and the
        /// Newtonsoft.Json that PowerShell ships loaded before the module is imported; the module must still
        /// work, with its own versions.
        /// </summary>
        [Fact]
        public async Task The_module_works_when_the_session_loaded_an_older_Polly_and_another_Newtonsoft_first()
        {
            Assembly olderPolly = typeof(Polly.ResiliencePipeline).Assembly;
            Assembly hostNewtonsoft = typeof(Newtonsoft.Json.JsonConvert).Assembly;
            Assert.Equal(new Version(8, 0, 0, 0), olderPolly.GetName().Version);
            _ = new Polly.ResiliencePipelineBuilder().Build(); // really in use, not just referenced

            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 150 });
            using ModuleHost host = Sessions.ConnectedToSophos(server);
            HostResult result = host.Invoke("Get-SophosCustomer").ThrowOnFailure();
            Assert.Equal(150, result.Output.Count);

            // Polly keeps the assembly version 8.0.0.0 across 8.x, so versions are told apart by file version.
            static Version FileVersion(Assembly a) => Version.Parse(System.Diagnostics.FileVersionInfo.GetVersionInfo(a.Location).FileVersion!);
            var engine = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "PsaMapping.Engine");
            var moduleContext = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(engine)!;
            Assert.NotEqual(System.Runtime.Loader.AssemblyLoadContext.Default, moduleContext);
            Assembly modulePolly = moduleContext.Assemblies.Single(a => a.GetName().Name == "Polly.Core");
            Assert.True(FileVersion(modulePolly) > FileVersion(olderPolly), $"module Polly {FileVersion(modulePolly)} is newer than the host's {FileVersion(olderPolly)}");
            Assert.StartsWith(Path.Combine(ModuleFolder, "dependencies"), modulePolly.Location);
            Assembly moduleNewtonsoft = moduleContext.Assemblies.Single(a => a.GetName().Name == "Newtonsoft.Json");
            Assert.NotSame(hostNewtonsoft, moduleNewtonsoft);
        }

        /// <summary>
        /// The Az modules load their own Azure.Core into the session; the test process has an older one (1.44.1,
        /// referenced by this project) loaded before the module is imported. The module's table store must still
        /// work against Azurite, with the Azure.Core and Azure.Data.Tables of its dependencies folder.
        /// </summary>
        [Fact]
        public async Task The_table_store_works_when_the_session_loaded_an_older_Azure_Core_first()
        {
            Assembly hostCore = typeof(Azure.Core.HttpPipelinePosition).Assembly;
            Assert.Equal(new Version(1, 44, 1, 0), hostCore.GetName().Version);
            _ = new Azure.ETag("in use, not just referenced").ToString();

            await using var azurite = await PsaMapping.Sandbox.Azurite.AzuriteServer.StartAsync();
            using var host = new ModuleHost();
            HostResult result = host.Invoke(
                "$null = Connect-PsaMappingStore -ConnectionString $args[0] -TableName Isolation; @(Get-PsaMapping).Count",
                new System.Net.NetworkCredential("", azurite.ConnectionString).SecurePassword).ThrowOnFailure();
            Assert.Equal(0, (int)result.Output.Single().BaseObject);

            var engine = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "PsaMapping.Engine");
            var moduleContext = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(engine)!;
            Assembly moduleCore = moduleContext.Assemblies.Single(a => a.GetName().Name == "Azure.Core");
            Assert.NotSame(hostCore, moduleCore);
            Assert.True(moduleCore.GetName().Version > hostCore.GetName().Version, $"module Azure.Core {moduleCore.GetName().Version}, host {hostCore.GetName().Version}");
            Assert.StartsWith(Path.Combine(ModuleFolder, "dependencies"), moduleCore.Location);
            Assert.StartsWith(Path.Combine(ModuleFolder, "dependencies"), moduleContext.Assemblies.Single(a => a.GetName().Name == "Azure.Data.Tables").Location);
        }
    }
}
