using System.Management.Automation;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests;

/// <summary>Get-PsaMappingSuggestion, alone and piped into Set-PsaMapping (which saves: the store collection).</summary>
[Collection(StoreCollection.Name)]
public sealed class SuggestionTests : StoreSessionTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public SuggestionTests(SandboxFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : base(fixture) => _output = output;

    private List<PSObject> Suggestions(string parameters = "") => Host.Invoke("Get-PsaMappingSuggestion " + parameters).ThrowOnFailure().Output.ToList();

    private static string Confidence(PSObject suggestion) => suggestion.Properties["Confidence"].Value.ToString()!;

    [Fact]
    public void Every_unmapped_customer_gets_a_suggestion_with_score_confidence_runner_up_and_reason()
    {
        var suggestions = Suggestions();

        Assert.Equal(Server.Tenants.Select(t => t.Id).OrderBy(i => i), suggestions.Select(s => (Guid)s.Properties["SophosCustomerId"].Value).OrderBy(i => i));
        Assert.All(suggestions, s =>
        {
            double score = (double)s.Properties["Score"].Value;
            Assert.InRange(score, 0.0, 1.0);
            Assert.False(string.IsNullOrWhiteSpace((string)s.Properties["Reason"].Value));
        });
        PSObject northwind = suggestions.Single(s => (string)s.Properties["SophosCustomerName"].Value == "Northwind Traders S.A.");
        Assert.Equal(1006L, northwind.Properties["AutotaskCompanyId"].Value);
        Assert.Equal("High", Confidence(northwind));
        Assert.NotNull(northwind.Properties["ContractId"].Value);
        Assert.Contains(suggestions, s => s.Properties["RunnerUpCompanyName"].Value != null);
    }

    [Fact]
    public void High_confidence_suggestions_pipe_into_Set_PsaMapping_and_are_right()
    {
        HostResult result = Host.Invoke("Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High' | Set-PsaMapping -WarningAction SilentlyContinue").ThrowOnFailure();

        var mapped = Host.Invoke("Get-PsaMapping").ThrowOnFailure().Output;
        Assert.True(mapped.Count > Server.Tenants.Count / 2, $"{mapped.Count} of {Server.Tenants.Count} mapped with High confidence");
        int wrong = mapped.Count(m => Server.IntendedCompanyId((Guid)m.Properties["SophosCustomerId"].Value) != (long)m.Properties["AutotaskCompanyId"].Value);
        _output.WriteLine($"{mapped.Count} High suggestions saved, {wrong} not the intended company");
        Assert.True(wrong <= mapped.Count / 100, $"{wrong} of {mapped.Count} High suggestions are wrong");
    }

    [Fact]
    public void High_suggestions_switch_sync_on_exactly_where_the_contract_is_an_active_Recurring_Service_contract()
    {
        HostResult result = Host.Invoke("Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High' | Set-PsaMapping").ThrowOnFailure();

        Assert.DoesNotContain(result.Warnings, w => w.Message.Contains("Recurring Service"));
        var mapped = Host.Invoke("Get-PsaMapping").ThrowOnFailure().Output;
        var contracts = Server.Contracts.ToDictionary(c => c.Id);
        Assert.Contains(mapped, m => (bool)m.Properties["SyncEnabled"].Value);
        Assert.All(mapped, m =>
        {
            var contract = contracts[(long)m.Properties["ContractId"].Value];
            bool canTakeUsage = contract.ContractType == PsaMapping.Sandbox.AutotaskCodes.ContractType.RecurringService
                                && contract.Status == PsaMapping.Sandbox.AutotaskCodes.ContractStatus.Active;
            Assert.Equal(canTakeUsage, (bool)m.Properties["SyncEnabled"].Value);
        });
    }

    [Fact]
    public void Two_companies_within_the_margin_are_never_picked_with_high_confidence()
    {
        // 'Contoso Ltd' the customer is the company 'Contoso'; 'Contoso Ltd' the company is a look-alike.
        PSObject contoso = Suggestions().Single(s => (string)s.Properties["SophosCustomerName"].Value == "Contoso Ltd");

        Assert.NotEqual("High", Confidence(contoso));
        Assert.Contains(new[] { contoso.Properties["AutotaskCompanyName"].Value, contoso.Properties["RunnerUpCompanyName"].Value }, n => (string?)n == "Contoso");
    }

    [Fact]
    public void Suggesting_reports_progress_and_completes_it()
    {
        HostResult result = Host.Invoke("Get-PsaMappingSuggestion").ThrowOnFailure();

        Assert.Contains(result.Progress, p => p.Activity == "Suggesting mappings" && p.StatusDescription == "Matching names");
        Assert.Equal(ProgressRecordType.Completed, result.Progress[^1].RecordType);
    }

    [Fact]
    public void Mapped_customers_are_left_out_unless_asked_for()
    {
        Host.Invoke("Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001").ThrowOnFailure();

        Assert.DoesNotContain(Suggestions(), s => (string)s.Properties["SophosCustomerName"].Value == "Contoso Ltd");
        PSObject included = Suggestions("-IncludeMapped").Single(s => (string)s.Properties["SophosCustomerName"].Value == "Contoso Ltd");
        Assert.True((bool)included.Properties["IsMapped"].Value);
    }

    [Fact]
    public void Customers_can_be_chosen_by_id_or_from_the_pipeline_and_filtered_by_score()
    {
        var fabrikam = Host.Invoke("Get-SophosCustomer -Name 'Fabrikam*' | Get-PsaMappingSuggestion").ThrowOnFailure().Output;
        Assert.Equal(Server.Tenants.Count(t => t.Name.StartsWith("Fabrikam")), fabrikam.Count);

        var strong = Suggestions("-MinimumScore 0.9");
        Assert.All(strong, s => Assert.True((double)s.Properties["Score"].Value >= 0.9));
        Assert.True(strong.Count < Server.Tenants.Count);
    }

    [Fact]
    public void Suggestions_cost_the_minimum_the_page_sizes_allow_and_never_pass_the_thread_limit()
    {
        using var fresh = new ModuleHost(); // nothing fetched yet in this session
        Server.Counters.Reset();
        Sessions.ConnectSophos(fresh, Server).ThrowOnFailure();
        Sessions.ConnectAutotask(fresh, Server).ThrowOnFailure();
        fresh.Invoke("Get-PsaMappingSuggestion").ThrowOnFailure();

        int tenantPages = (Server.Tenants.Count + 99) / 100;
        int companyPages = (Server.Companies.Count + 499) / 500;
        int activeContracts = Server.Contracts.Count(c => c.Status == AutotaskCodes.ContractStatus.Active);
        int contractPages = (activeContracts + 499) / 500;
        long minimum = 2 + tenantPages + 1 + 2 + companyPages + contractPages;
        // Each Autotask list costs a count beside its first page, and every page is full but the last; a list
        // of exactly a whole number of pages needs one more, empty page to show its end.
        long expected = 2 + tenantPages + 1 + 2 + (1 + Server.Companies.Count / 500 + 1) + (1 + activeContracts / 500 + 1);
        _output.WriteLine($"requests {Server.Counters.TotalRequests}, minimum {minimum}: " + string.Join(", ", Server.Counters.RequestsByEndpoint.Select(p => $"{p.Key} {p.Value}")));

        Assert.Equal(1, Server.Counters.Requests(SandboxEndpoints.SophosToken));
        Assert.Equal(1, Server.Counters.Requests(SandboxEndpoints.SophosWhoAmI));
        Assert.Equal(tenantPages, Server.Counters.Requests(SandboxEndpoints.SophosTenants));
        Assert.Equal(1, Server.Counters.Requests(SandboxEndpoints.AutotaskZone));
        // One more is allowed: a page whose ids are spread unlike the one before it can come back partly filled.
        Assert.InRange(Server.Counters.TotalRequests, expected, expected + 1);
        Assert.Equal(0, Server.Counters.TotalThreadLimitViolations);
    }
}
