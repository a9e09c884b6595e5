using System.Management.Automation;
using System.Text.Json;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests;

/// <summary>Test-PsaMapping and Update-PsaMapping, over a mapping file written by hand to hold every kind of problem.</summary>
[Collection(StoreCollection.Name)]
public sealed class TroubleshootingTests : StoreSessionTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public TroubleshootingTests(SandboxFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : base(fixture) => _output = output;

    private void WriteStore(params object[] mappings)
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, "mappings.json"), JsonSerializer.Serialize(new { schemaVersion = 1, revision = 1, savedAt = DateTimeOffset.UtcNow, mappings }));
    }

    private static object Row(Guid customer, string customerName, long company, string companyName, long contract, string contractName, bool sync = false) =>
        new { sophosCustomerId = customer, sophosCustomerName = customerName, autotaskCompanyId = company, autotaskCompanyName = companyName, contractId = contract, contractName, syncEnabled = sync };

    private List<PSObject> Problems() => Host.Invoke("Test-PsaMapping").ThrowOnFailure().Output.ToList();

    private static IEnumerable<string> Kinds(IEnumerable<PSObject> problems, string customer) =>
        problems.Where(p => (string)p.Properties["SophosCustomerName"].Value == customer).Select(p => (string)p.Properties["Problem"].Value);

    [Fact]
    public void Each_kind_of_problem_is_reported_with_its_severity_and_how_to_fix_it()
    {
        Guid gone = Guid.NewGuid();
        WriteStore(
            Row(gone, "Vanished GmbH", 1001, "Contoso", 100001, "Sophos MSP - Contoso"),
            Row(Tenant("Contoso Ltd"), "Contoso Ltd", 1001, "Contoso (old name)", 100003, "Contoso Firewall 2023"),
            Row(Tenant("Contoso Ltd."), "Contoso Ltd.", 1001, "Contoso", 100004, "Contoso Backup"),
            Row(Tenant("Contoso Group Ltd"), "Contoso Group Ltd", 1002, "Contoso Ltd", 100001, "Sophos MSP - Contoso"),
            Row(Tenant("Fabrikam, Inc."), "Fabrikam, Inc.", 1003, "Fabrikam, Inc.", 100007, "Fabrikam Block Hours", sync: true),
            Row(Tenant("Fabrikam Inc"), "Fabrikam Inc", 1003, "Fabrikam, Inc.", 100006, "Sophos MSP"),
            Row(Tenant("Old Customer Ltd"), "Old Customer Ltd", 1011, "Old Customer Ltd", 100016, "Sophos MSP - Old Customer"),
            Row(Tenant("Tailspin Toys Pty Ltd"), "Tailspin Toys Pty Ltd", 987654, "Deleted Company", 987654, "Deleted Contract"));

        var problems = Problems();

        Assert.Contains("CustomerGone", Kinds(problems, "Vanished GmbH"));
        Assert.Contains("CompanyRenamed", Kinds(problems, "Contoso Ltd"));
        Assert.Contains("ContractCancelled", Kinds(problems, "Contoso Ltd"));
        Assert.Contains("ContractExpired", Kinds(problems, "Contoso Ltd."));
        Assert.Contains("ContractMoved", Kinds(problems, "Contoso Group Ltd"));
        Assert.Contains("SyncOnNonRecurring", Kinds(problems, "Fabrikam, Inc."));
        Assert.Contains("DuplicateContractName", Kinds(problems, "Fabrikam Inc"));
        Assert.Contains("CompanyInactive", Kinds(problems, "Old Customer Ltd"));
        Assert.Contains("CompanyGone", Kinds(problems, "Tailspin Toys Pty Ltd"));
        Assert.Contains("ContractGone", Kinds(problems, "Tailspin Toys Pty Ltd"));
        Assert.Contains("SharedContract", Kinds(problems, "Vanished GmbH"));
        Assert.Contains("Unmapped", Kinds(problems, "Northwind Traders S.A."));

        PSObject cancelled = problems.First(p => (string)p.Properties["Problem"].Value == "ContractCancelled" && (string)p.Properties["SophosCustomerName"].Value == "Contoso Ltd");
        Assert.Equal("Error", cancelled.Properties["Severity"].Value.ToString());
        Assert.Contains("Find-AutotaskContract", (string)cancelled.Properties["HowToFix"].Value);
        Assert.Equal("Warning", problems.First(p => (string)p.Properties["Problem"].Value == "ContractExpired").Properties["Severity"].Value.ToString());
        Assert.Equal("Information", problems.First(p => (string)p.Properties["Problem"].Value == "Unmapped").Properties["Severity"].Value.ToString());
    }

    [Fact]
    public void Quiet_answers_false_when_any_mapping_has_an_error_and_true_when_none_has()
    {
        WriteStore(Row(Tenant("Contoso Ltd"), "Contoso Ltd", 1001, "Contoso", 100003, "Contoso Firewall 2023"));
        Assert.False((bool)Assert.Single(Host.Invoke("Test-PsaMapping -Quiet").ThrowOnFailure().Output).BaseObject);

        WriteStore(Row(Tenant("Contoso Ltd"), "Contoso Ltd", 1001, "Contoso", 100001, "Sophos MSP - Contoso", sync: true));
        Assert.True((bool)Assert.Single(Host.Invoke("Test-PsaMapping -Quiet").ThrowOnFailure().Output).BaseObject);
    }

    [Fact]
    public void Update_PsaMapping_refreshes_renamed_names_and_nothing_else()
    {
        WriteStore(
            Row(Tenant("Contoso Ltd"), "Contoso Limited (old)", 1001, "Contoso (old name)", 100001, "Sophos MSP (old)", sync: true),
            Row(Tenant("Fabrikam, Inc."), "Fabrikam, Inc.", 1003, "Fabrikam, Inc.", 100006, "Sophos MSP"));

        Host.Invoke("Update-PsaMapping -WhatIf").ThrowOnFailure();
        Assert.Contains(Problems(), p => (string)p.Properties["Problem"].Value == "CompanyRenamed");

        HostResult result = Host.Invoke("Update-PsaMapping -Confirm:$false").ThrowOnFailure();

        Assert.Contains(result.Information, i => i.MessageData.ToString() == "Refreshed the names in 1 mappings.");
        PSObject row = Host.Invoke("Get-PsaMapping 'Contoso Ltd'").ThrowOnFailure().Output.Single();
        Assert.Equal("Contoso", row.Properties["AutotaskCompanyName"].Value);
        Assert.Equal("Sophos MSP - Contoso", row.Properties["ContractName"].Value);
        Assert.True((bool)row.Properties["SyncEnabled"].Value);
        Assert.DoesNotContain(Problems(), p => ((string)p.Properties["Problem"].Value).EndsWith("Renamed"));
    }

    [Fact]
    public void History_by_name_still_finds_a_customers_entries_from_before_a_rename()
    {
        Host.Invoke("Set-PsaMapping -SophosCustomerId $args[0] -ContractId 100001", Tenant("Contoso Ltd")).ThrowOnFailure();
        // As if the customer had been called 'Contoso (old name)' when it was mapped, and renamed since.
        foreach (string file in new[] { "mappings.json", "mappings-audit.jsonl" }.Select(f => Path.Combine(Folder, f)))
            File.WriteAllText(file, File.ReadAllText(file).Replace("\"Contoso Ltd\"", "\"Contoso (old name)\""));
        Host.Invoke("Update-PsaMapping -Confirm:$false").ThrowOnFailure();

        var history = Host.Invoke("Get-PsaMappingHistory 'Contoso Ltd'").ThrowOnFailure().Output;

        Assert.Equal(new[] { "Added", "Changed" }, history.Select(h => h.Properties["Kind"].Value.ToString()));
    }

    [Fact]
    public void Checking_costs_a_bounded_number_of_requests_whatever_the_number_of_mappings()
    {
        var rows = Server.Tenants.Take(200).Select(t =>
        {
            long? company = Server.IntendedCompanyId(t.Id);
            var contract = Server.Contracts.FirstOrDefault(c => c.CompanyId == company) ?? Server.Contracts[0];
            return Row(t.Id, t.Name, contract.CompanyId, "x", contract.Id, contract.ContractName);
        }).ToArray();
        WriteStore(rows);
        Host.Invoke("Get-SophosCustomer").ThrowOnFailure(); // the customer list is cached per session
        long before = Server.Counters.TotalRequests;

        Host.Invoke("Test-PsaMapping").ThrowOnFailure();

        _output.WriteLine($"Test-PsaMapping, 200 mappings: {Server.Counters.TotalRequests - before} requests");
        Assert.True(Server.Counters.TotalRequests - before <= 6, $"{Server.Counters.TotalRequests - before} requests to check 200 mappings");
    }
}
