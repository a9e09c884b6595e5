using System.Management.Automation;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests;

public sealed class ConnectSophosCentralTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _server;

    public ConnectSophosCentralTests(SandboxFixture fixture) => _server = fixture.Server;

    [Fact]
    public void A_rejected_secret_is_an_authentication_error_that_never_shows_the_secret()
    {
        using var host = new ModuleHost();
        const string wrongSecret = "canary-wrong-secret-5f2c";
        HostResult result = host.Invoke("Connect-SophosCentral -Credential $args[0] -AuthUri $args[1] -ApiUri $args[2] -Verbose",
            ModuleHost.Credential(_server.Options.SophosClientId, wrongSecret), _server.SophosAuthUri, _server.SophosApiUri);

        ErrorRecord error = result.Error;
        Assert.Equal("SophosAuthenticationFailed,PsaMapping.Commands.ConnectSophosCentralCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.Contains("secret was rejected", error.Exception.Message);
        Assert.DoesNotContain(wrongSecret, error.ToString() + error.Exception + error.TargetObject + string.Join("", result.Verbose.Select(v => v.Message)));
    }

    [Fact]
    public void An_unknown_client_id_is_named_in_the_error()
    {
        using var host = new ModuleHost();
        HostResult result = Sessions.ConnectSophos(host, _server, clientId: "no-such-client");

        Assert.Equal("SophosAuthenticationFailed,PsaMapping.Commands.ConnectSophosCentralCommand", result.Error.FullyQualifiedErrorId);
        Assert.Contains("'no-such-client' is not known", result.Error.Exception.Message);
    }

    [Fact]
    public void Tenant_credentials_are_refused_with_what_to_create_instead()
    {
        using var host = new ModuleHost();
        HostResult result = Sessions.ConnectSophos(host, _server, _server.Options.SophosTenantClientSecret, _server.Options.SophosTenantClientId);

        Assert.Equal("SophosNotPartnerCredential,PsaMapping.Commands.ConnectSophosCentralCommand", result.Error.FullyQualifiedErrorId);
        Assert.Contains("tenant credentials", result.Error.Exception.Message);
        Assert.Contains("Sophos Central Partner", result.Error.Exception.Message);
    }

    [Fact]
    public void A_failed_connect_keeps_the_earlier_connection()
    {
        using ModuleHost host = Sessions.ConnectedToSophos(_server);
        Assert.False(Sessions.ConnectSophos(host, _server, secret: "wrong").Succeeded);

        HostResult result = host.Invoke("Get-SophosCustomer -Name 'Contoso Ltd'").ThrowOnFailure();
        Assert.Single(result.Output);
    }

    [Theory]
    [InlineData("-AuthUri http://id.sophos.example/")]
    [InlineData("-ApiUri http://api.central.sophos.example/")]
    public void Plain_http_is_refused_except_to_loopback(string parameter)
    {
        using var host = new ModuleHost();
        HostResult result = host.Invoke("Connect-SophosCentral -Credential $args[0] " + parameter,
            ModuleHost.Credential("id", "secret"));

        Assert.Equal("InsecureUri,PsaMapping.Commands.ConnectSophosCentralCommand", result.Error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, result.Error.CategoryInfo.Category);
    }
}
