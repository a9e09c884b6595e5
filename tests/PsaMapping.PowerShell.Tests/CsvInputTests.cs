using System.Management.Automation;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests;

/// <summary>Rows from a spreadsheet never silently do something other than what they say.</summary>
[Collection(StoreCollection.Name)]
public sealed class CsvInputTests : StoreSessionTests
{
    public CsvInputTests(SandboxFixture fixture) : base(fixture)
    {
    }

    private List<PSObject> Mappings() => Host.Invoke("Get-PsaMapping").ThrowOnFailure().Output.ToList();

    [Theory]
    [InlineData("100001.6")]
    [InlineData("0x186A1")]
    [InlineData("1e5")]
    [InlineData("100001 ")]
    public void Only_whole_decimal_numbers_are_contract_ids(string cell)
    {
        HostResult result = Host.Invoke("[pscustomobject]@{ SophosCustomerName = 'Contoso Ltd'; ContractId = $args[0] } | Set-PsaMapping", cell);

        if (cell.Trim() == "100001")
        {
            result.ThrowOnFailure();
            Assert.Equal(100001L, Assert.Single(Mappings()).Properties["ContractId"].Value);
            return;
        }

        Assert.Equal("MappingColumnInvalid,PsaMapping.Commands.SetPsaMappingCommand", result.Error.FullyQualifiedErrorId);
        Assert.Contains("whole decimal number", result.Error.Exception.Message);
        Assert.Empty(Mappings());
    }

    [Fact]
    public void A_contract_id_typed_as_a_fraction_on_the_command_line_is_refused()
    {
        HostResult result = Host.Invoke("Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001.6");

        Assert.Contains("100001.6", result.Error.Exception.Message);
        Assert.Empty(Mappings());
    }

    [Fact]
    public void A_misspelled_column_gets_one_warning_naming_it()
    {
        HostResult result = Host.Invoke(
            "@([pscustomobject]@{ SophosCustomerName = 'Contoso Ltd'; ContractId = '100001'; SyncEnable = 'True' }," +
            "  [pscustomobject]@{ SophosCustomerName = 'Fabrikam Residences'; ContractId = '100008'; SyncEnable = 'True' }) | Set-PsaMapping").ThrowOnFailure();

        WarningRecord warning = Assert.Single(result.Warnings);
        Assert.Contains("'SyncEnable'", warning.Message);
        Assert.Contains("SyncEnabled", warning.Message);
    }

    [Fact]
    public void Rows_exported_by_PsaMapping_itself_are_not_suspected_of_unknown_columns()
    {
        Host.Invoke("Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001").ThrowOnFailure();

        // What Export-Csv and Import-Csv make of the rows (the hosted runspace has no Utility module): every property, as text.
        HostResult result = Host.Invoke(
            "Get-PsaMapping -IncludeUnmapped | ForEach-Object { $row = [ordered]@{}; foreach ($p in $_.PSObject.Properties) { $row[$p.Name] = \"$($p.Value)\" }; [pscustomobject]$row } | Set-PsaMapping").ThrowOnFailure();

        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Two_rows_for_one_customer_say_so_whichever_is_valid()
    {
        HostResult result = Host.Invoke(
            "@([pscustomobject]@{ SophosCustomerName = 'Contoso Ltd'; ContractId = '100001' }," +
            "  [pscustomobject]@{ SophosCustomerName = 'Contoso Ltd'; ContractId = '999999' }) | Set-PsaMapping");

        Assert.Equal("ContractNotFound,PsaMapping.Commands.SetPsaMappingCommand", result.Error.FullyQualifiedErrorId);
        Assert.Contains(result.Warnings, w => w.Message.Contains("'Contoso Ltd' is given in 2 rows"));
        Assert.Equal(100001L, Assert.Single(Mappings()).Properties["ContractId"].Value);
    }

    [Fact]
    public void A_blanked_row_of_a_mapped_customer_says_to_run_Remove_PsaMapping()
    {
        Host.Invoke("Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001").ThrowOnFailure();

        HostResult result = Host.Invoke("[pscustomobject]@{ SophosCustomerName = 'Contoso Ltd'; AutotaskCompanyName = ''; ContractName = ''; ContractId = '' } | Set-PsaMapping").ThrowOnFailure();

        WarningRecord warning = Assert.Single(result.Warnings);
        Assert.Contains("Remove-PsaMapping -SophosCustomerId " + Tenant("Contoso Ltd"), warning.Message);
        Assert.Single(Mappings());
    }
}
