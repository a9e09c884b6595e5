using System.Management.Automation;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests;

/// <summary>The sandbox the issue measured the first hour on: 400 customers.</summary>
public sealed class FourHundredCustomersFixture : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 400 });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Mapping every High suggestion of a 400-customer partner in one line says each problem once, about
/// what changes only, and ends with one line that counts what was saved and what needs attention.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class QuietMappingTests : IClassFixture<FourHundredCustomersFixture>, IDisposable
{
    private const string MapHigh = "Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High' | Set-PsaMapping";
    private readonly IDisposable _store;
    private readonly ModuleHost _host;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public QuietMappingTests(FourHundredCustomersFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
        _store = TestEnvironment.FreshStore(out _);
        _host = Sessions.ConnectedToSophos(fixture.Server);
        Sessions.ConnectAutotask(_host, fixture.Server).ThrowOnFailure();
    }

    public void Dispose()
    {
        _host.Dispose();
        _store.Dispose();
    }

    private static int WarningCharacters(HostResult result) => result.Warnings.Sum(w => w.Message.Length);

    [Fact]
    public void Mapping_the_High_suggestions_of_400_customers_warns_in_at_most_10000_characters_and_the_unchanged_rerun_in_none()
    {
        HostResult first = _host.Invoke(MapHigh).ThrowOnFailure();
        int saved = _host.Invoke("(Get-PsaMapping).Count").Output.Select(o => (int)o.BaseObject).Single();
        // The same rows again: -IncludeMapped suggests for the customers just mapped, and nothing changes.
        HostResult again = _host.Invoke("Get-PsaMappingSuggestion -IncludeMapped | Where-Object Confidence -eq 'High' | Set-PsaMapping").ThrowOnFailure();

        _output.WriteLine($"first run: {saved} saved, {first.Warnings.Count} warnings, {WarningCharacters(first)} characters");
        _output.WriteLine($"unchanged rerun: {again.Warnings.Count} warnings, {WarningCharacters(again)} characters");
        foreach (WarningRecord warning in first.Warnings) _output.WriteLine("  " + warning.Message);
        foreach (InformationRecord line in first.Information.Concat(again.Information)) _output.WriteLine("  " + line.MessageData);
        Assert.True(saved > 200, $"only {saved} mapped");
        Assert.InRange(WarningCharacters(first), 0, 10_000);
        Assert.Equal(0, WarningCharacters(again));
    }

    [Fact]
    public void The_pipeline_ends_with_one_line_counting_what_was_saved_and_what_needs_attention_shown_by_default()
    {
        HostResult result = _host.Invoke(MapHigh).ThrowOnFailure();

        InformationRecord line = Assert.Single(result.Information);
        Assert.Contains("PSHOST", line.Tags); // shown like Write-Host, although $InformationPreference hides plain information
        Assert.Matches(@"^Saved \d+ mappings \(\d+ new, 0 changed; 0 already as given\)\. \d+ of them need attention \(warnings above\): Test-PsaMapping lists every problem", line.MessageData.ToString());
    }

    [Fact]
    public void The_closing_line_is_silenced_as_Write_Host_is()
    {
        HostResult result = _host.Invoke(MapHigh + " -InformationAction Ignore -WarningAction SilentlyContinue").ThrowOnFailure();

        Assert.Empty(result.Information);
        Assert.Empty(result.Warnings);
    }
}
