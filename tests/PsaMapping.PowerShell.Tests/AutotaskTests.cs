using System.Management.Automation;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests;

public sealed class AutotaskTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _server;

    public AutotaskTests(SandboxFixture fixture) => _server = fixture.Server;

    private long CompanyRequests => _server.Counters.Requests(SandboxEndpoints.AutotaskEntity("Companies"));
    private long ContractRequests => _server.Counters.Requests(SandboxEndpoints.AutotaskEntity("Contracts"));

    private static IEnumerable<string> Names(HostResult result, string property) =>
        result.Output.Select(o => (string)o.Properties[property].Value);

    [Fact]
    public void Connect_Autotask_finds_the_zone_and_outputs_the_connection_without_secrets()
    {
        using var host = new ModuleHost();
        long zones = _server.Counters.Requests(SandboxEndpoints.AutotaskZone);
        HostResult result = Sessions.ConnectAutotask(host, _server, extra: "-Verbose").ThrowOnFailure();

        PSObject connection = Assert.Single(result.Output);
        Assert.Equal(_server.Options.AutotaskUserName, connection.Properties["UserName"].Value);
        Assert.Equal(_server.AutotaskApiUri, connection.Properties["ApiUri"].Value);
        Assert.Equal(zones + 1, _server.Counters.Requests(SandboxEndpoints.AutotaskZone));
        string everything = string.Join("|", connection.Properties.Select(p => p.Value)) + string.Join("|", result.Verbose.Select(v => v.Message));
        Assert.DoesNotContain(_server.Options.AutotaskSecret, everything);
        Assert.DoesNotContain(_server.Options.AutotaskIntegrationCode, everything);
    }

    [Fact]
    public void ApiUri_skips_the_zone_lookup()
    {
        using var host = new ModuleHost();
        long zones = _server.Counters.Requests(SandboxEndpoints.AutotaskZone);
        host.Invoke("Connect-Autotask -Credential $args[0] -IntegrationCode $args[1] -ApiUri $args[2]",
            ModuleHost.Credential(_server.Options.AutotaskUserName, _server.Options.AutotaskSecret),
            _server.Options.AutotaskIntegrationCode, _server.AutotaskApiUri).ThrowOnFailure();

        Assert.Equal(zones, _server.Counters.Requests(SandboxEndpoints.AutotaskZone));
        Assert.True(host.Invoke("Find-AutotaskCompany 'Contoso' -First 1").Succeeded);
    }

    [Theory]
    [InlineData("secret", "AutotaskSecretRejected", "secret")]
    [InlineData("user", "AutotaskUnknownUser", "does not know the API user")]
    [InlineData("code", "AutotaskIntegrationCodeRejected", "integration code")]
    public void A_rejected_credential_says_which_part_is_wrong_and_shows_no_secret(string wrong, string errorId, string message)
    {
        using var host = new ModuleHost();
        const string canarySecret = "canary-at-secret-3b9d", canaryCode = "CANARYCODE77";
        HostResult result = Sessions.ConnectAutotask(host, _server,
            secret: wrong == "secret" ? canarySecret : null,
            userName: wrong == "user" ? "nobody@example.test" : null,
            integrationCode: wrong == "code" ? canaryCode : null);

        ErrorRecord error = result.Error;
        Assert.Equal(errorId + ",PsaMapping.Commands.ConnectAutotaskCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.Contains(message, error.Exception.Message);
        string text = error + "|" + error.Exception + "|" + error.TargetObject;
        Assert.DoesNotContain(canarySecret, text);
        Assert.DoesNotContain(canaryCode, text);
        Assert.DoesNotContain(_server.Options.AutotaskSecret, text);
        Assert.DoesNotContain(_server.Options.AutotaskIntegrationCode, text);
    }

    [Fact]
    public void Find_AutotaskCompany_ranks_as_you_type_with_one_request()
    {
        using ModuleHost host = Sessions.ConnectedToAutotask(_server);
        long before = CompanyRequests;
        HostResult result = host.Invoke("Find-AutotaskCompany 'conto' -Verbose").ThrowOnFailure();

        Assert.Equal(before + 1, CompanyRequests);
        var names = Names(result, "AutotaskCompanyName").ToList();
        Assert.Equal("Contoso", names[0]);
        Assert.Equal("Contoso Ltd", names[1]);
        var scores = result.Output.Select(o => (double)o.Properties["MatchScore"].Value).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.Equal("StartsWith", result.Output[0].Properties["MatchKind"].Value);
        Assert.Equal("Customer", result.Output[0].Properties["CompanyType"].Value);
        Assert.Contains(result.Verbose, v => v.Message == "Autotask requests made by this command: 1.");
    }

    [Fact]
    public void Find_AutotaskCompany_ignores_accents_and_transliterations()
    {
        using ModuleHost host = Sessions.ConnectedToAutotask(_server);
        HostResult result = host.Invoke("Find-AutotaskCompany 'Müller Maschinenbau' -First 1").ThrowOnFailure();

        Assert.Equal("Mueller Maschinenbau GmbH", Assert.Single(Names(result, "AutotaskCompanyName")));
    }

    [Fact]
    public void Inactive_companies_are_left_out_unless_asked_for()
    {
        using ModuleHost host = Sessions.ConnectedToAutotask(_server);

        Assert.DoesNotContain("Old Customer Ltd", Names(host.Invoke("Find-AutotaskCompany 'Old Customer'").ThrowOnFailure(), "AutotaskCompanyName"));
        HostResult inactive = host.Invoke("Find-AutotaskCompany 'Old Customer' -IncludeInactive").ThrowOnFailure();
        PSObject old = Assert.Single(inactive.Output, o => (string)o.Properties["AutotaskCompanyName"].Value == "Old Customer Ltd");
        Assert.False((bool)old.Properties["IsActive"].Value);
    }

    [Fact]
    public void Find_AutotaskContract_lists_the_companys_contracts_without_cancelled_ones_and_marks_expired_ones()
    {
        using ModuleHost host = Sessions.ConnectedToAutotask(_server);
        HostResult result = host.Invoke("Find-AutotaskContract -Company 'contoso'").ThrowOnFailure();

        var names = Names(result, "ContractName").ToList();
        Assert.Contains("Sophos MSP - Contoso", names);
        Assert.Contains("Contoso Backup", names);
        Assert.DoesNotContain("Contoso Firewall 2023", names);
        PSObject recurring = result.Output.Single(o => (string)o.Properties["ContractName"].Value == "Sophos MSP - Contoso");
        Assert.Equal("Recurring Service", recurring.Properties["ContractType"].Value);
        Assert.Equal("Active", recurring.Properties["Status"].Value);
        Assert.True((bool)recurring.Properties["SupportsUsageSync"].Value);
        Assert.False((bool)recurring.Properties["IsExpired"].Value);
        Assert.Equal("Contoso", recurring.Properties["AutotaskCompanyName"].Value);
        PSObject expired = result.Output.Single(o => (string)o.Properties["ContractName"].Value == "Contoso Backup");
        Assert.True((bool)expired.Properties["IsExpired"].Value);
        PSObject fixedPrice = result.Output.Single(o => (string)o.Properties["ContractName"].Value == "Contoso Managed Services");
        Assert.False((bool)fixedPrice.Properties["SupportsUsageSync"].Value);
    }

    [Fact]
    public void IncludeCancelled_lists_inactive_contracts_too()
    {
        using ModuleHost host = Sessions.ConnectedToAutotask(_server);
        HostResult result = host.Invoke("Find-AutotaskContract -Company 'Contoso' -IncludeCancelled").ThrowOnFailure();

        PSObject cancelled = result.Output.Single(o => (string)o.Properties["ContractName"].Value == "Contoso Firewall 2023");
        Assert.Equal("Inactive", cancelled.Properties["Status"].Value);
        Assert.False((bool)cancelled.Properties["IsActive"].Value);
    }

    [Fact]
    public void An_unknown_company_name_is_an_error_that_suggests_similar_names()
    {
        using ModuleHost host = Sessions.ConnectedToAutotask(_server);
        HostResult result = host.Invoke("Find-AutotaskContract -Company 'Contosso'");

        Assert.Equal("AutotaskCompanyNotFound,PsaMapping.Commands.FindAutotaskContractCommand", result.Error.FullyQualifiedErrorId);
        Assert.Contains("Similar names: 'Contoso' (id 1001)", result.Error.Exception.Message);
    }

    [Fact]
    public void A_blank_integration_code_is_refused_before_anything_is_sent()
    {
        using var host = new ModuleHost();
        long before = _server.Counters.TotalRequests;
        HostResult result = Sessions.ConnectAutotask(host, _server, integrationCode: "  ");

        Assert.Equal("AutotaskCredentialIncomplete,PsaMapping.Commands.ConnectAutotaskCommand", result.Error.FullyQualifiedErrorId);
        Assert.Equal(before, _server.Counters.TotalRequests);
    }

    [Fact]
    public void Contract_names_filter_by_part_or_by_wildcard()
    {
        using ModuleHost host = Sessions.ConnectedToAutotask(_server);

        Assert.Equal(new[] { "Sophos MSP - Contoso" }, Names(host.Invoke("Find-AutotaskContract 'msp' -Company 'Contoso'").ThrowOnFailure(), "ContractName"));
        Assert.Equal(new[] { "Contoso Backup" }, Names(host.Invoke("Find-AutotaskContract 'contoso b*' -Company 'Contoso'").ThrowOnFailure(), "ContractName"));
    }

    [Fact]
    public void Sophos_customers_flow_through_companies_into_contracts()
    {
        using ModuleHost host = Sessions.ConnectedToAutotask(_server);
        Sessions.ConnectSophos(host, _server).ThrowOnFailure();
        HostResult result = host.Invoke("Get-SophosCustomer -Name 'Contoso Ltd' | Find-AutotaskCompany -First 1 | Find-AutotaskContract").ThrowOnFailure();

        Guid contosoLtd = _server.Tenants.Single(t => t.Name == "Contoso Ltd").Id;
        Assert.NotEmpty(result.Output);
        Assert.All(result.Output, contract =>
        {
            Assert.Equal(contosoLtd, contract.Properties["SophosCustomerId"].Value);
            Assert.Equal("Contoso Ltd", contract.Properties["SophosCustomerName"].Value);
            Assert.NotNull(contract.Properties["AutotaskCompanyName"].Value);
        });
    }

    [Fact]
    public void Many_piped_companies_cost_a_batch_of_contract_queries_not_one_each()
    {
        using ModuleHost host = Sessions.ConnectedToAutotask(_server);
        var customerIds = _server.Companies.Where(c => c.IsActive).Take(120).Select(c => c.Id).ToArray();
        long before = ContractRequests;
        HostResult result = host.Invoke("$args | ForEach-Object { [pscustomobject]@{ AutotaskCompanyId = $_ } } | Find-AutotaskContract",
            customerIds.Cast<object>().ToArray()).ThrowOnFailure();

        var expected = _server.Contracts.Where(c => customerIds.Contains(c.CompanyId) && c.Status == AutotaskCodes.ContractStatus.Active).Select(c => c.Id).OrderBy(i => i);
        Assert.Equal(expected, result.Output.Select(o => (long)o.Properties["ContractId"].Value).OrderBy(i => i));
        Assert.True(ContractRequests - before <= 2, $"{ContractRequests - before} contract requests for 120 companies");
    }

    [Fact]
    public void Company_names_complete_on_tab()
    {
        using ModuleHost host = Sessions.ConnectedToAutotask(_server);
        HostResult result = host.Invoke(
            "$line = 'Find-AutotaskContract -Company conto'; [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches").ThrowOnFailure();

        var completions = result.Output.Select(o => (string)o.Properties["CompletionText"].Value).ToList();
        Assert.Equal("'Contoso'", completions[0]);
        Assert.Contains("'Contoso Ltd'", completions);
    }
}
