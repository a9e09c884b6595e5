using System.Management.Automation;
using System.Reflection;
using System.Xml.Linq;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests;

public sealed class ModuleTests
{
    private static readonly string ModuleFolder = Path.GetDirectoryName(ModuleHost.ModuleManifest)!;

    [Fact]
    public void The_manifest_passes_Test_ModuleManifest_and_declares_both_editions()
    {
        using var host = new ModuleHost(importModule: false);
        HostResult result = host.Invoke("Test-ModuleManifest -Path $args[0]", ModuleHost.ModuleManifest).ThrowOnFailure();

        PSObject manifest = Assert.Single(result.Output);
        Assert.Equal(new Version(5, 1), manifest.Properties["PowerShellVersion"].Value);
        Assert.Equal(new[] { "Desktop", "Core" }, ((IEnumerable<string>)manifest.Properties["CompatiblePSEditions"].Value).ToArray());
        string text = File.ReadAllText(ModuleHost.ModuleManifest);
        foreach (string key in new[] { "Tags", "ProjectUri", "LicenseUri", "ReleaseNotes", "FormatsToProcess" })
            Assert.Contains(key, text);
    }

    [Fact]
    public void The_module_exports_exactly_the_cmdlets_the_manifest_lists_and_no_wildcards()
    {
        using var host = new ModuleHost();
        HostResult listed = host.Invoke("(Test-ModuleManifest -Path $args[0]).ExportedCmdlets.Keys", ModuleHost.ModuleManifest).ThrowOnFailure();
        HostResult exported = host.Invoke("Get-Command -Module PsaMapping | ForEach-Object Name").ThrowOnFailure();

        var fromManifest = listed.Output.Select(o => o.ToString()).OrderBy(n => n).ToList();
        Assert.Equal(fromManifest, exported.Output.Select(o => o.ToString()).OrderBy(n => n));
        Assert.DoesNotContain(fromManifest, name => name.Contains('*'));

        // And every cmdlet class in the assembly is listed, so none is forgotten.
        HostResult classes = host.Invoke(
            "(Get-Module PsaMapping).ImplementingAssembly.GetTypes() | Where-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } | " +
            "ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; $a.VerbName + '-' + $a.NounName }").ThrowOnFailure();
        Assert.Equal(fromManifest, classes.Output.Select(o => o.ToString()).OrderBy(n => n));
    }

    [Fact]
    public void The_module_version_matches_the_assembly_version()
    {
        using var host = new ModuleHost();
        HostResult result = host.Invoke("$m = Get-Module PsaMapping; $m.Version.ToString(); $m.ImplementingAssembly.GetName().Version.ToString(3)").ThrowOnFailure();
        Assert.Equal(result.Output[0].ToString(), result.Output[1].ToString());
    }

    [Fact]
    public void The_engine_and_its_libraries_live_in_dependencies_and_load_in_their_own_context()
    {
        Assert.True(File.Exists(Path.Combine(ModuleFolder, "PsaMapping.dll")));
        Assert.False(File.Exists(Path.Combine(ModuleFolder, "Polly.Core.dll")));
        foreach (string library in new[] { "PsaMapping.Engine", "Polly.Core", "Newtonsoft.Json" })
            Assert.True(File.Exists(Path.Combine(ModuleFolder, "dependencies", library + ".dll")), library);
        Assert.False(File.Exists(Path.Combine(ModuleFolder, "dependencies", "System.Management.Automation.dll")));
    }

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

    [Fact]
    public void Every_output_type_has_a_default_view_in_the_format_file()
    {
        XDocument format = XDocument.Load(Path.Combine(ModuleFolder, "PsaMapping.Format.ps1xml"));
        var viewed = format.Descendants("TypeName").Select(e => e.Value).ToHashSet();

        using var host = new ModuleHost();
        HostResult result = host.Invoke(
            "Get-Command -Module PsaMapping | ForEach-Object { $_.OutputType } | ForEach-Object { $_.Type.FullName } | Where-Object { $_ -like 'PsaMapping.*' }").ThrowOnFailure();
        Assert.NotEmpty(result.Output);
        foreach (PSObject type in result.Output)
            Assert.Contains(type.ToString(), viewed);
    }
}
