using System.Management.Automation;
using System.Text.Json;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests;

/// <summary>
/// Customer names with wildcard characters: a name that exists is taken as it is written (as tab completion
/// inserts it), a pattern PowerShell cannot read is a clear error, and a remove that removes nothing says so.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class NameWildcardTests : StoreSessionTests
{
    private static readonly Guid AcmeEu = Guid.NewGuid(), AcmeE = Guid.NewGuid();

    public NameWildcardTests(SandboxFixture fixture) : base(fixture)
    {
    }

    private void WriteStore(params (Guid Id, string Name)[] customers)
    {
        Directory.CreateDirectory(Folder);
        var mappings = customers.Select(c => new
        {
            sophosCustomerId = c.Id, sophosCustomerName = c.Name, autotaskCompanyId = 1001L, autotaskCompanyName = "Contoso",
            contractId = 100001L, contractName = "Sophos MSP - Contoso", syncEnabled = false,
        });
        File.WriteAllText(Path.Combine(Folder, "mappings.json"), JsonSerializer.Serialize(new { schemaVersion = 1, revision = 1, savedAt = DateTimeOffset.UtcNow, mappings }));
    }

    private List<string> Names() => Host.Invoke("Get-PsaMapping").ThrowOnFailure().Output.Select(r => (string)r.Properties["SophosCustomerName"].Value).ToList();

    [Fact]
    public void An_exact_name_with_brackets_is_matched_as_written_not_as_a_pattern()
    {
        WriteStore((AcmeEu, "Acme [EU]"), (AcmeE, "Acme E"));

        PSObject found = Assert.Single(Host.Invoke("Get-PsaMapping 'Acme [EU]'").ThrowOnFailure().Output);
        Assert.Equal("Acme [EU]", found.Properties["SophosCustomerName"].Value);

        Host.Invoke("Remove-PsaMapping 'Acme [EU]'").ThrowOnFailure();

        Assert.Equal(new[] { "Acme E" }, Names());
        Assert.Single(Host.Invoke("Get-PsaMappingHistory 'Acme [EU]'").ThrowOnFailure().Output);
    }

    [Fact]
    public void A_remove_that_matches_nothing_is_an_error_even_for_a_pattern()
    {
        WriteStore((AcmeEu, "Acme [EU]"));

        HostResult plain = Host.Invoke("Remove-PsaMapping 'Acme EU'");
        HostResult pattern = Host.Invoke("Remove-PsaMapping 'Zzz*'");

        Assert.Equal("MappingNotFound,PsaMapping.Commands.RemovePsaMappingCommand", plain.Error.FullyQualifiedErrorId);
        Assert.Equal("MappingNotFound,PsaMapping.Commands.RemovePsaMappingCommand", pattern.Error.FullyQualifiedErrorId);
        Assert.Equal(new[] { "Acme [EU]" }, Names());
    }

    [Theory]
    [InlineData("Get-PsaMapping 'Acme [EU'", "GetPsaMappingCommand")]
    [InlineData("Remove-PsaMapping 'Acme [EU'", "RemovePsaMappingCommand")]
    [InlineData("Get-PsaMappingHistory 'Acme [EU'", "GetPsaMappingHistoryCommand")]
    [InlineData("Get-SophosCustomer 'Acme [EU'", "GetSophosCustomerCommand")]
    public void An_unbalanced_bracket_is_a_clear_error(string command, string cmdlet)
    {
        WriteStore((AcmeEu, "Acme [EU]"));
        Host.Invoke("Remove-PsaMapping 'Acme [EU]'").ThrowOnFailure(); // one history entry to search

        ErrorRecord error = Host.Invoke(command).Error;

        Assert.Equal($"NamePatternInvalid,PsaMapping.Commands.{cmdlet}", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("'Acme `[EU'", error.Exception.Message);
    }
}
