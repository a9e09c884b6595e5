using System.Management.Automation;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests;

public sealed class SophosCustomerTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _server;

    public SophosCustomerTests(SandboxFixture fixture) => _server = fixture.Server;

    [Fact]
    public void Connect_outputs_the_partner_connection_without_any_secret()
    {
        using var host = new ModuleHost();
        HostResult result = Sessions.ConnectSophos(host, _server).ThrowOnFailure();

        PSObject connection = Assert.Single(result.Output);
        Assert.Equal(_server.Options.PartnerId, (Guid)connection.Properties["PartnerId"].Value);
        Assert.True((DateTimeOffset)connection.Properties["TokenExpiresAt"].Value > DateTimeOffset.UtcNow.AddMinutes(30));
        string everything = string.Join("|", connection.Properties.Select(p => p.Name + "=" + p.Value));
        Assert.DoesNotContain(_server.Options.SophosClientSecret, everything);
    }

    [Fact]
    public void Get_SophosCustomer_lists_every_customer_of_the_partner_in_order()
    {
        using ModuleHost host = Sessions.ConnectedToSophos(_server);
        HostResult result = host.Invoke("Get-SophosCustomer").ThrowOnFailure();

        Assert.Equal(_server.Tenants.Select(t => t.Id), result.Output.Select(o => (Guid)o.Properties["SophosCustomerId"].Value));
        PSObject first = result.Output[0];
        SandboxTenant tenant = _server.Tenants[0];
        Assert.Equal(tenant.Name, first.Properties["SophosCustomerName"].Value);
        Assert.Equal(tenant.ShowAs, first.Properties["ShowAs"].Value);
        Assert.Equal(tenant.DataRegion, first.Properties["DataRegion"].Value);
        Assert.Equal(tenant.DataGeography, first.Properties["DataGeography"].Value);
        Assert.Equal(tenant.BillingType, first.Properties["BillingType"].Value);
        Assert.Equal(tenant.ApiHost, first.Properties["ApiHost"].Value);
    }

    [Fact]
    public void Customers_not_activated_yet_come_through_with_an_empty_api_host()
    {
        using ModuleHost host = Sessions.ConnectedToSophos(_server);
        HostResult result = host.Invoke("Get-SophosCustomer | Where-Object { -not $_.ApiHost }").ThrowOnFailure();

        Assert.Equal(_server.Tenants.Count(t => t.ApiHost == null), result.Output.Count);
        Assert.NotEmpty(result.Output);
    }

    [Fact]
    public void Name_takes_wildcards_and_ignores_case()
    {
        using ModuleHost host = Sessions.ConnectedToSophos(_server);
        HostResult result = host.Invoke("Get-SophosCustomer -Name 'fabrikam*'").ThrowOnFailure();

        var expected = _server.Tenants.Where(t => t.Name.StartsWith("fabrikam", StringComparison.OrdinalIgnoreCase)).Select(t => t.Name);
        Assert.Equal(expected, result.Output.Select(o => (string)o.Properties["SophosCustomerName"].Value));
        Assert.Contains("Fabrikam, Inc.", expected);
    }

    [Fact]
    public void Several_names_return_each_match_once()
    {
        using ModuleHost host = Sessions.ConnectedToSophos(_server);
        HostResult result = host.Invoke("Get-SophosCustomer 'Contoso Ltd', 'contoso*'").ThrowOnFailure();

        Assert.Single(result.Output, o => (string)o.Properties["SophosCustomerName"].Value == "Contoso Ltd");
    }

    [Fact]
    public void An_exact_name_that_matches_nothing_is_a_not_found_error_and_the_others_still_come()
    {
        using ModuleHost host = Sessions.ConnectedToSophos(_server);
        HostResult result = host.Invoke("Get-SophosCustomer 'No Such Customer', 'Contoso Ltd', 'Nothing*'");

        Assert.Single(result.Output);
        ErrorRecord error = Assert.Single(result.Errors);
        Assert.Equal("SophosCustomerNotFound,PsaMapping.Commands.GetSophosCustomerCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("No Such Customer", error.TargetObject);
    }

    [Fact]
    public void Id_finds_customers_and_reports_unknown_ids_one_by_one()
    {
        using ModuleHost host = Sessions.ConnectedToSophos(_server);
        Guid unknown = Guid.NewGuid();
        HostResult result = host.Invoke("Get-SophosCustomer -Id $args[0], $args[1], $args[2]",
            _server.Tenants[3].Id, unknown, _server.Tenants[7].Id);

        Assert.Equal(new[] { _server.Tenants[3].Id, _server.Tenants[7].Id }, result.Output.Select(o => (Guid)o.Properties["SophosCustomerId"].Value));
        ErrorRecord error = Assert.Single(result.Errors);
        Assert.Equal("SophosCustomerNotFound,PsaMapping.Commands.GetSophosCustomerCommand", error.FullyQualifiedErrorId);
        Assert.Equal(unknown, error.TargetObject);
    }

    [Fact]
    public void Ids_bind_from_the_pipeline_by_property_name()
    {
        using ModuleHost host = Sessions.ConnectedToSophos(_server);
        HostResult result = host.Invoke(
            "$args | ForEach-Object { [pscustomobject]@{ SophosCustomerId = $_ } } | Get-SophosCustomer",
            _server.Tenants[1].Id.ToString(), _server.Tenants[2].Id.ToString()).ThrowOnFailure();

        Assert.Equal(new[] { _server.Tenants[1].Name, _server.Tenants[2].Name }, result.Output.Select(o => (string)o.Properties["SophosCustomerName"].Value));
    }

    [Fact]
    public void The_list_is_cached_for_the_session_and_Refresh_fetches_it_again()
    {
        using ModuleHost host = Sessions.ConnectedToSophos(_server);
        host.Invoke("Get-SophosCustomer").ThrowOnFailure();
        long before = _server.Counters.Requests(SandboxEndpoints.SophosTenants);

        HostResult cached = host.Invoke("Get-SophosCustomer -Name 'Contoso*'").ThrowOnFailure();
        Assert.NotEmpty(cached.Output);
        long afterCached = _server.Counters.Requests(SandboxEndpoints.SophosTenants);

        host.Invoke("Get-SophosCustomer -Refresh").ThrowOnFailure();
        long afterRefresh = _server.Counters.Requests(SandboxEndpoints.SophosTenants);

        Assert.Equal(before, afterCached);
        Assert.True(afterRefresh - afterCached >= 3, "250 customers are three pages of 100");
    }

    [Fact]
    public void A_multi_page_fetch_reports_progress_and_completes_it()
    {
        using ModuleHost host = Sessions.ConnectedToSophos(_server);
        HostResult result = host.Invoke("Get-SophosCustomer -Refresh").ThrowOnFailure();

        Assert.Contains(result.Progress, p => p.RecordType == ProgressRecordType.Processing && p.StatusDescription.Contains("of 3"));
        Assert.Equal(ProgressRecordType.Completed, result.Progress[^1].RecordType);
    }

    [Fact]
    public void Verbose_says_how_many_customers_were_fetched()
    {
        using ModuleHost host = Sessions.ConnectedToSophos(_server);
        HostResult result = host.Invoke("Get-SophosCustomer -Refresh -Verbose").ThrowOnFailure();

        Assert.Contains(result.Verbose, v => v.Message.Contains($"Fetched {_server.Tenants.Count} Sophos Central customers"));
    }

    [Fact]
    public void Customer_names_complete_on_tab()
    {
        using ModuleHost host = Sessions.ConnectedToSophos(_server);
        HostResult result = host.Invoke(
            "$line = 'Get-SophosCustomer -Name Contoso'; [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches").ThrowOnFailure();

        var completions = result.Output.Select(o => (string)o.Properties["CompletionText"].Value).ToList();
        Assert.Contains("'Contoso Ltd'", completions);
    }
}
