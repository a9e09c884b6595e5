using System.Management.Automation;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests;

/// <summary>Set/Get/Remove-PsaMapping and their rules. They use the store, so they run in the store collection.</summary>
[Collection(StoreCollection.Name)]
public sealed class MappingTests : StoreSessionTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public MappingTests(SandboxFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : base(fixture) => _output = output;

    private HostResult Set(string parameters, params object?[] args) => Host.Invoke("Set-PsaMapping " + parameters, args);

    private List<PSObject> Mappings() => Host.Invoke("Get-PsaMapping").ThrowOnFailure().Output.ToList();

    private static string Warnings(HostResult result) => string.Join("\n", result.Warnings.Select(w => w.Message));

    [Fact]
    public void One_row_by_names_is_saved_and_confirmed_as_on_the_Sophos_page()
    {
        HostResult result = Set("-SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso' -Contract 'Sophos MSP - Contoso' -SyncEnabled $true").ThrowOnFailure();

        Assert.Contains(result.Information, i => i.MessageData.ToString() == "Saved 1 mapping (1 new, 0 changed; 0 already as given).");
        PSObject row = Assert.Single(Mappings());
        Assert.Equal(Tenant("Contoso Ltd"), row.Properties["SophosCustomerId"].Value);
        Assert.Equal(1001L, row.Properties["AutotaskCompanyId"].Value);
        Assert.Equal(100001L, row.Properties["ContractId"].Value);
        Assert.Equal("Sophos MSP - Contoso", row.Properties["ContractName"].Value);
        Assert.True((bool)row.Properties["SyncEnabled"].Value);
        Assert.True(File.Exists(Path.Combine(Folder, "mappings.json")));
    }

    [Fact]
    public void The_composed_pipeline_maps_each_customer_to_its_best_company_and_a_contract()
    {
        HostResult result = Host.Invoke(
            "Get-SophosCustomer -Name 'Fabrikam*' | Find-AutotaskCompany -First 1 | Find-AutotaskContract | Where-Object SupportsUsageSync | Set-PsaMapping -SyncEnabled $true").ThrowOnFailure();

        var rows = Mappings();
        Assert.Equal(Server.Tenants.Count(t => t.Name.StartsWith("Fabrikam")), rows.Count);
        PSObject inc = rows.Single(r => (string)r.Properties["SophosCustomerName"].Value == "Fabrikam, Inc.");
        Assert.Equal(100006L, inc.Properties["ContractId"].Value);
        Assert.All(rows, r => Assert.True((bool)r.Properties["SyncEnabled"].Value));
    }

    [Fact]
    public void A_customer_that_is_not_in_Sophos_Central_is_refused_and_the_other_rows_are_still_saved()
    {
        Guid unknown = Guid.NewGuid();
        HostResult result = Host.Invoke(
            "@([pscustomobject]@{ SophosCustomerId = $args[0]; ContractId = 100001 }, [pscustomobject]@{ SophosCustomerId = $args[1]; ContractId = 100001 }) | Set-PsaMapping",
            unknown.ToString(), Tenant("Contoso Ltd").ToString());

        ErrorRecord error = result.Error;
        Assert.Equal("SophosCustomerNotFound,PsaMapping.Commands.SetPsaMappingCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(unknown.ToString(), ((PSObject)error.TargetObject).Properties["SophosCustomerId"].Value);
        Assert.Single(Mappings());
    }

    [Fact]
    public void An_inactive_company_is_refused()
    {
        HostResult result = Set("-SophosCustomer 'Old Customer Ltd' -AutotaskCompanyId 1011 -ContractId 100016");

        Assert.Equal("AutotaskCompanyInactive,PsaMapping.Commands.SetPsaMappingCommand", result.Error.FullyQualifiedErrorId);
        Assert.Empty(Mappings());
    }

    [Fact]
    public void A_company_that_does_not_exist_is_refused()
    {
        HostResult result = Set("-SophosCustomer 'Contoso Ltd' -AutotaskCompanyId 999999 -ContractId 100001");

        Assert.Equal("AutotaskCompanyNotFound,PsaMapping.Commands.SetPsaMappingCommand", result.Error.FullyQualifiedErrorId);
    }

    [Fact]
    public void A_contract_of_another_company_is_refused_with_its_real_company()
    {
        HostResult result = Set("-SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso Ltd' -ContractId 100001");

        Assert.Equal("ContractNotOfCompany,PsaMapping.Commands.SetPsaMappingCommand", result.Error.FullyQualifiedErrorId);
        Assert.Contains("'Contoso' (id 1001)", result.Error.Exception.Message);
    }

    [Fact]
    public void A_cancelled_contract_is_refused()
    {
        HostResult result = Set("-SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso' -Contract 'Contoso Firewall 2023'");

        Assert.Equal("ContractCancelled,PsaMapping.Commands.SetPsaMappingCommand", result.Error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, result.Error.CategoryInfo.Category);
        Assert.Empty(Mappings());
    }

    [Fact]
    public void An_expired_contract_is_accepted_with_a_warning()
    {
        HostResult result = Set("-SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso' -Contract 'Contoso Backup'").ThrowOnFailure();

        Assert.Contains("ended on", Warnings(result));
        Assert.Single(Mappings());
    }

    [Fact]
    public void A_contract_name_used_by_another_contract_is_accepted_with_a_warning()
    {
        HostResult result = Set("-SophosCustomer 'Fabrikam, Inc.' -AutotaskCompanyId 1003 -Contract 'Sophos MSP'").ThrowOnFailure();

        Assert.Contains("The contract name 'Sophos MSP' is used by", Warnings(result));
        Assert.Equal(100006L, Assert.Single(Mappings()).Properties["ContractId"].Value);
    }

    [Fact]
    public void Sync_on_a_contract_that_is_not_Recurring_Service_gets_a_warning()
    {
        HostResult result = Set("-SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso' -Contract 'Contoso Managed Services' -SyncEnabled $true").ThrowOnFailure();

        Assert.Contains("Recurring Service", Warnings(result));
        Assert.DoesNotContain("Recurring Service", Warnings(Set("-SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso' -Contract 'Contoso Managed Services' -SyncEnabled $false").ThrowOnFailure()));
    }

    [Fact]
    public void Two_customers_on_one_contract_are_allowed_with_a_warning()
    {
        Set("-SophosCustomer 'Contoso Ltd' -ContractId 100001").ThrowOnFailure();
        HostResult second = Set("-SophosCustomer 'Contoso Ltd.' -ContractId 100001").ThrowOnFailure();

        Assert.Contains("(id 100001) is mapped to 2 customers, including 'Contoso Ltd.'", Warnings(second));
        Assert.Equal(2, Mappings().Count);
    }

    [Fact]
    public void One_customer_has_one_mapping_changed_or_unchanged()
    {
        Set("-SophosCustomer 'Contoso Ltd' -ContractId 100001").ThrowOnFailure();
        HostResult changed = Set("-SophosCustomer 'Contoso Ltd' -ContractId 100004").ThrowOnFailure();
        HostResult unchanged = Set("-SophosCustomer 'Contoso Ltd' -ContractId 100004").ThrowOnFailure();

        Assert.Contains(changed.Information, i => i.MessageData.ToString()!.StartsWith("Saved 1 mapping (0 new, 1 changed; 0 already as given).", StringComparison.Ordinal));
        Assert.Contains(unchanged.Information, i => i.MessageData.ToString() == "Nothing to save: the mapping is saved as given.");
        Assert.Equal(100004L, Assert.Single(Mappings()).Properties["ContractId"].Value);
    }

    [Fact]
    public void An_ambiguous_contract_name_is_an_error_listing_the_candidates_with_their_ids()
    {
        HostResult result = Set("-SophosCustomer 'Contoso Ltd' -Contract 'Sophos MSP'");

        Assert.Equal("ContractAmbiguous,PsaMapping.Commands.SetPsaMappingCommand", result.Error.FullyQualifiedErrorId);
        Assert.Contains("id 100005", result.Error.Exception.Message);
        Assert.Contains("id 100006", result.Error.Exception.Message);
    }

    [Fact]
    public void SyncEnabled_accepts_the_strings_a_CSV_holds()
    {
        HostResult result = Host.Invoke(
            "@(" +
            "[pscustomobject]@{ SophosCustomerName = 'Contoso Ltd'; ContractId = '100001'; SyncEnabled = 'True' }," +
            "[pscustomobject]@{ SophosCustomerName = 'Fabrikam, Inc.'; ContractId = '100006'; SyncEnabled = 'no' }," +
            "[pscustomobject]@{ SophosCustomerName = 'Fabrikam Residences'; ContractId = '100008'; SyncEnabled = '1' }," +
            "[pscustomobject]@{ SophosCustomerName = 'Adventure Works LLC'; ContractId = '100014'; SyncEnabled = 'maybe' }" +
            ") | Set-PsaMapping");

        Assert.Contains("is not a yes or no", Assert.Single(result.Errors).Exception.Message);
        var sync = Mappings().ToDictionary(r => (string)r.Properties["SophosCustomerName"].Value, r => (bool)r.Properties["SyncEnabled"].Value);
        Assert.Equal(new Dictionary<string, bool> { ["Contoso Ltd"] = true, ["Fabrikam, Inc."] = false, ["Fabrikam Residences"] = true }, sync);
    }

    [Fact]
    public void CSV_rows_with_missing_or_invalid_columns_are_reported_one_by_one_and_the_good_rows_are_saved()
    {
        HostResult result = Host.Invoke(
            "@(" +
            "[pscustomobject]@{ SophosCustomerId = 'not-a-guid'; ContractId = '100001' }," +          // invalid id
            "[pscustomobject]@{ SophosCustomerName = 'Contoso Ltd'; ContractId = 'abc' }," +           // invalid number
            "[pscustomobject]@{ SophosCustomerName = ''; ContractId = '100006' }," +                   // no customer
            "[pscustomobject]@{ SophosCustomerName = 'Fabrikam, Inc.'; AutotaskCompanyId = '1003' }," + // no contract
            "[pscustomobject]@{ SophosCustomerName = 'Fabrikam Residences'; ContractId = '100008' }," + // good
            "[pscustomobject]@{ Unrelated = 'x' }" +                                                    // nothing usable: a blank row
            ") | Set-PsaMapping");

        var ids = result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToList();
        Assert.Equal(new[] { "MappingColumnInvalid", "MappingColumnInvalid", "MappingCustomerMissing", "MappingContractMissing" }, ids);
        Assert.Contains("'not-a-guid' is not a customer id", result.Errors[0].Exception.Message);
        Assert.Contains("'abc' is not a contract id", result.Errors[1].Exception.Message);
        Assert.Equal("Contoso Ltd", ((PSObject)result.Errors[1].TargetObject).Properties["SophosCustomerName"].Value);
        Assert.Equal("Fabrikam Residences", Assert.Single(Mappings()).Properties["SophosCustomerName"].Value);
    }

    [Fact]
    public void WhatIf_shows_each_change_and_writes_nothing()
    {
        HostResult result = Set("-SophosCustomer 'Contoso Ltd' -ContractId 100001 -WhatIf").ThrowOnFailure();

        Assert.Empty(Mappings());
        Assert.False(File.Exists(Path.Combine(Folder, "mappings.json")));
        Assert.DoesNotContain(result.Information, i => i.MessageData.ToString()!.StartsWith("Saved"));
    }

    [Fact]
    public void WhatIf_over_unchanged_rows_claims_nothing()
    {
        Set("-SophosCustomer 'Contoso Ltd' -ContractId 100001").ThrowOnFailure();
        string before = File.ReadAllText(Path.Combine(Folder, "mappings.json"));

        HostResult result = Set("-SophosCustomer 'Contoso Ltd' -ContractId 100001 -WhatIf").ThrowOnFailure();

        Assert.Empty(result.Information);
        Assert.Equal(before, File.ReadAllText(Path.Combine(Folder, "mappings.json")));
    }

    [Fact]
    public void PassThru_outputs_the_saved_mappings()
    {
        HostResult result = Set("-SophosCustomer 'Contoso Ltd' -ContractId 100001 -PassThru").ThrowOnFailure();

        Assert.Equal(100001L, Assert.Single(result.Output).Properties["ContractId"].Value);
    }

    [Fact]
    public void Get_PsaMapping_reads_the_store_without_any_request_and_filters()
    {
        Set("-SophosCustomer 'Contoso Ltd' -ContractId 100001 -SyncEnabled $true").ThrowOnFailure();
        Set("-SophosCustomer 'Fabrikam, Inc.' -ContractId 100006").ThrowOnFailure();
        long before = Server.Counters.TotalRequests;

        using var offline = new ModuleHost(); // not connected at all
        Assert.Equal(2, offline.Invoke("Get-PsaMapping").ThrowOnFailure().Output.Count);
        Assert.Equal("Contoso Ltd", Assert.Single(offline.Invoke("Get-PsaMapping -SyncEnabled $true").ThrowOnFailure().Output).Properties["SophosCustomerName"].Value);
        Assert.Equal("Fabrikam, Inc.", Assert.Single(offline.Invoke("Get-PsaMapping 'fab*'").ThrowOnFailure().Output).Properties["SophosCustomerName"].Value);
        Assert.Equal(before, Server.Counters.TotalRequests);
    }

    [Fact]
    public void IncludeUnmapped_shows_the_whole_page_with_blank_rows()
    {
        Set("-SophosCustomer 'Contoso Ltd' -ContractId 100001").ThrowOnFailure();

        var rows = Host.Invoke("Get-PsaMapping -IncludeUnmapped").ThrowOnFailure().Output;

        Assert.Equal(Server.Tenants.Count, rows.Count);
        Assert.Single(rows, r => (bool)r.Properties["IsMapped"].Value);
        PSObject blank = rows.First(r => !(bool)r.Properties["IsMapped"].Value);
        Assert.Null(blank.Properties["AutotaskCompanyId"].Value);
        Assert.Null(blank.Properties["ContractName"].Value);
    }

    [Fact]
    public void Remove_PsaMapping_by_name_by_pipeline_and_with_WhatIf()
    {
        Set("-SophosCustomer 'Contoso Ltd' -ContractId 100001").ThrowOnFailure();
        Set("-SophosCustomer 'Fabrikam, Inc.' -ContractId 100006").ThrowOnFailure();
        Set("-SophosCustomer 'Fabrikam Residences' -ContractId 100008").ThrowOnFailure();

        Host.Invoke("Remove-PsaMapping 'Contoso Ltd' -WhatIf").ThrowOnFailure();
        Assert.Equal(3, Mappings().Count);

        HostResult byName = Host.Invoke("Remove-PsaMapping 'Contoso Ltd' -Confirm:$false").ThrowOnFailure();
        Assert.Contains(byName.Information, i => i.MessageData.ToString() == "Removed 1 mappings.");
        Host.Invoke("Get-PsaMapping 'Fabrikam R*' | Remove-PsaMapping -Confirm:$false").ThrowOnFailure();

        Assert.Equal("Fabrikam, Inc.", Assert.Single(Mappings()).Properties["SophosCustomerName"].Value);
        Assert.Equal("MappingNotFound,PsaMapping.Commands.RemovePsaMappingCommand",
            Host.Invoke("Remove-PsaMapping 'Old Customer' -Confirm:$false").Error.FullyQualifiedErrorId);
    }

    [Fact]
    public void Every_saved_change_is_in_the_history_with_who_before_and_after()
    {
        Set("-SophosCustomer 'Contoso Ltd' -ContractId 100001").ThrowOnFailure();
        Set("-SophosCustomer 'Contoso Ltd' -ContractId 100004").ThrowOnFailure();
        Host.Invoke("Remove-PsaMapping 'Contoso Ltd' -Confirm:$false").ThrowOnFailure();

        var history = Host.Invoke("Get-PsaMappingHistory 'Contoso Ltd'").ThrowOnFailure().Output;

        Assert.Equal(new[] { "Added", "Changed", "Removed" }, history.Select(h => h.Properties["Kind"].Value.ToString()));
        PSObject changed = history[1];
        Assert.Equal(100001L, PSObject.AsPSObject(changed.Properties["Before"].Value).Properties["ContractId"].Value);
        Assert.Equal(100004L, PSObject.AsPSObject(changed.Properties["After"].Value).Properties["ContractId"].Value);
        Assert.False(string.IsNullOrEmpty((string)changed.Properties["Who"].Value));
        Assert.Single(Host.Invoke("Get-PsaMappingHistory -Last 1").ThrowOnFailure().Output);
    }

    [Fact]
    public void Export_then_import_reproduces_the_store_exactly()
    {
        Set("-SophosCustomer 'Contoso Ltd' -ContractId 100001 -SyncEnabled $true").ThrowOnFailure();
        Set("-SophosCustomer 'Fabrikam, Inc.' -ContractId 100006").ThrowOnFailure();
        Set("-SophosCustomer 'Müller Maschinenbau GmbH' -AutotaskCompanyId 1005 -Contract 'Sophos MSP - Mueller Maschinenbau'").ThrowOnFailure();
        var exported = Mappings();

        // What Export-Csv then Import-Csv gives back: every property as text (empty for null).
        var csvRows = exported.Select(row =>
        {
            var copy = new PSObject();
            foreach (var property in row.Properties)
                copy.Properties.Add(new PSNoteProperty(property.Name, property.Value is IFormattable f ? f.ToString(null, System.Globalization.CultureInfo.InvariantCulture) : property.Value?.ToString() ?? ""));
            return copy;
        }).ToArray();
        using (TestEnvironment.FreshStore(out _))
        {
            Host.Invoke("$args | Set-PsaMapping", csvRows).ThrowOnFailure();
            var imported = Mappings();

            string[] fields = { "SophosCustomerId", "SophosCustomerName", "AutotaskCompanyId", "AutotaskCompanyName", "ContractId", "ContractName", "SyncEnabled" };
            Assert.Equal(exported.Select(r => string.Join("|", fields.Select(f => r.Properties[f].Value))),
                         imported.Select(r => string.Join("|", fields.Select(f => r.Properties[f].Value))));
        }
    }

    [Fact]
    public void A_thousand_rows_cost_a_bounded_number_of_requests()
    {
        // This fixture has 250 customers; repeat them to make 1,000 rows (the last of each wins).
        var rows = Enumerable.Range(0, 1000).Select(i => Server.Tenants[i % Server.Tenants.Count]).Select(t =>
        {
            long? company = Server.IntendedCompanyId(t.Id);
            var contract = Server.Contracts.FirstOrDefault(c => c.CompanyId == company && c.Status == AutotaskCodes.ContractStatus.Active);
            var row = new PSObject();
            row.Properties.Add(new PSNoteProperty("SophosCustomerId", t.Id));
            row.Properties.Add(new PSNoteProperty("ContractId", contract?.Id ?? 100001));
            return row;
        }).ToArray();
        long before = Server.Counters.TotalRequests;

        HostResult result = Host.Invoke("$args | Set-PsaMapping -WarningAction SilentlyContinue", rows);

        long requests = Server.Counters.TotalRequests - before;
        _output.WriteLine($"Set-PsaMapping, 1,000 rows: {requests} requests ({string.Join(", ", Server.Counters.RequestsByEndpoint.Select(p => p.Key + " " + p.Value))} in total on this sandbox)");
        Assert.True(requests <= 25, $"{requests} requests for 1,000 rows");
        Assert.Equal(Server.Tenants.Count, Mappings().Count);
        Assert.Empty(result.Errors.Where(e => !e.FullyQualifiedErrorId.StartsWith("AutotaskCompanyInactive") && !e.FullyQualifiedErrorId.StartsWith("ContractCancelled")));
    }

    [Fact]
    public void A_store_file_it_cannot_read_is_reported_and_never_overwritten()
    {
        string file = Path.Combine(Folder, "mappings.json");
        Directory.CreateDirectory(Folder);
        File.WriteAllText(file, "{ this is not json");

        HostResult get = Host.Invoke("Get-PsaMapping");
        HostResult set = Set("-SophosCustomer 'Contoso Ltd' -ContractId 100001");

        Assert.Equal("MappingFileUnreadable,PsaMapping.Commands.GetPsaMappingCommand", get.Error.FullyQualifiedErrorId);
        Assert.Equal("MappingFileUnreadable,PsaMapping.Commands.SetPsaMappingCommand", set.Error.FullyQualifiedErrorId);
        Assert.Equal("{ this is not json", File.ReadAllText(file));
    }
}
