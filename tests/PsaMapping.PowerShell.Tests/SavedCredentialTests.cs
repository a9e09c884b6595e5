using System.Management.Automation;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests;

/// <summary>Everything that reads or writes the credentials store: one test at a time (see TestEnvironment).</summary>
[Collection(StoreCollection.Name)]
public sealed class SavedCredentialTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxServer _server;

    public SavedCredentialTests(SandboxFixture fixture) => _server = fixture.Server;

    private static string CredentialsFile(string folder) => Path.Combine(folder, "credentials.json");

    [Fact]
    public void Without_a_connection_or_saved_credential_commands_say_to_connect()
    {
        using (TestEnvironment.FreshStore(out _))
        using (var host = new ModuleHost())
        {
            HostResult sophos = host.Invoke("Get-SophosCustomer");
            HostResult autotask = host.Invoke("Find-AutotaskCompany 'x'");

            Assert.Equal("SophosNotConnected,PsaMapping.Commands.GetSophosCustomerCommand", sophos.Error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidOperation, sophos.Error.CategoryInfo.Category);
            Assert.Contains("Connect-SophosCentral", sophos.Error.Exception.Message);
            Assert.Equal("AutotaskNotConnected,PsaMapping.Commands.FindAutotaskCompanyCommand", autotask.Error.FullyQualifiedErrorId);
            Assert.Contains("Connect-Autotask", autotask.Error.Exception.Message);
        }
    }

    [Fact]
    public void Each_session_keeps_its_own_connection()
    {
        using (TestEnvironment.FreshStore(out _))
        {
            using ModuleHost connected = Sessions.ConnectedToSophos(_server);
            using var other = new ModuleHost();

            Assert.True(connected.Invoke("Get-SophosCustomer -Name 'Contoso Ltd'").Succeeded);
            Assert.Equal("SophosNotConnected,PsaMapping.Commands.GetSophosCustomerCommand", other.Invoke("Get-SophosCustomer").Error.FullyQualifiedErrorId);
        }
    }

    [Fact]
    public void Credentials_saved_in_one_session_are_used_by_a_fresh_one()
    {
        using (TestEnvironment.FreshStore(out string folder))
        {
            using (var first = new ModuleHost())
            {
                Sessions.ConnectAutotask(first, _server, extra: "-Save").ThrowOnFailure();
                HostResult saved = first.Invoke("Connect-SophosCentral -Credential $args[0] -AuthUri $args[1] -ApiUri $args[2] -Save",
                    ModuleHost.Credential(_server.Options.SophosClientId, _server.Options.SophosClientSecret), _server.SophosAuthUri, _server.SophosApiUri).ThrowOnFailure();
                Assert.Contains(saved.Information, i => i.MessageData.ToString()!.Contains("Saved the Sophos Central credential"));
            }

            using var fresh = new ModuleHost();
            HostResult companies = fresh.Invoke("Find-AutotaskCompany 'Contoso' -First 1 -Verbose").ThrowOnFailure();
            HostResult customers = fresh.Invoke("Get-SophosCustomer -Name 'Contoso Ltd' -Verbose").ThrowOnFailure();

            Assert.Equal("Contoso", Assert.Single(companies.Output).Properties["AutotaskCompanyName"].Value);
            Assert.Contains(companies.Verbose, v => v.Message.Contains("saved credential"));
            Assert.Single(customers.Output);
            Assert.Contains(customers.Verbose, v => v.Message.Contains("saved credential"));

            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CredentialsFile(folder)));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
            }
        }
    }

    [Fact]
    public void A_credentials_file_others_can_read_is_refused()
    {
        if (OperatingSystem.IsWindows()) return;
        using (TestEnvironment.FreshStore(out string folder))
        {
            using (var first = new ModuleHost())
                Sessions.ConnectAutotask(first, _server, extra: "-Save").ThrowOnFailure();
            File.SetUnixFileMode(CredentialsFile(folder), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            using var fresh = new ModuleHost();
            HostResult result = fresh.Invoke("Find-AutotaskCompany 'Contoso'");

            Assert.Equal("CredentialFileInsecure,PsaMapping.Commands.FindAutotaskCompanyCommand", result.Error.FullyQualifiedErrorId);
            Assert.Contains("chmod 600", result.Error.Exception.Message);
        }
    }

    [Fact]
    public void Save_with_WhatIf_connects_but_saves_nothing()
    {
        using (TestEnvironment.FreshStore(out string folder))
        using (var host = new ModuleHost())
        {
            Sessions.ConnectAutotask(host, _server, extra: "-Save -WhatIf").ThrowOnFailure();

            Assert.False(File.Exists(CredentialsFile(folder)));
            Assert.True(host.Invoke("Find-AutotaskCompany 'Contoso' -First 1").Succeeded);
        }
    }

    [Fact]
    public void Remove_PsaMappingCredential_forgets_one_service()
    {
        using (TestEnvironment.FreshStore(out _))
        {
            using (var first = new ModuleHost())
            {
                Sessions.ConnectAutotask(first, _server, extra: "-Save").ThrowOnFailure();
                first.Invoke("Connect-SophosCentral -Credential $args[0] -AuthUri $args[1] -ApiUri $args[2] -Save",
                    ModuleHost.Credential(_server.Options.SophosClientId, _server.Options.SophosClientSecret), _server.SophosAuthUri, _server.SophosApiUri).ThrowOnFailure();
                first.Invoke("Remove-PsaMappingCredential -Service Autotask -Confirm:$false").ThrowOnFailure();
            }

            using var fresh = new ModuleHost();
            Assert.Equal("AutotaskNotConnected,PsaMapping.Commands.FindAutotaskCompanyCommand", fresh.Invoke("Find-AutotaskCompany 'x'").Error.FullyQualifiedErrorId);
            Assert.True(fresh.Invoke("Get-SophosCustomer -Name 'Contoso Ltd'").Succeeded);
        }
    }

    [Fact]
    public async Task A_failed_Update_AutotaskCredential_leaves_the_old_credential_working()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 20, CompanyCount = 50 });
        using (TestEnvironment.FreshStore(out string folder))
        {
            using var host = new ModuleHost();
            Sessions.ConnectAutotask(host, server, extra: "-Save").ThrowOnFailure();
            string savedBefore = File.ReadAllText(CredentialsFile(folder));

            HostResult update = host.Invoke("Update-AutotaskCredential -Credential $args[0] -Confirm:$false",
                ModuleHost.Credential(server.Options.AutotaskUserName, "canary-not-the-secret"));

            Assert.Equal("AutotaskSecretRejected,PsaMapping.Commands.UpdateAutotaskCredentialCommand", update.Error.FullyQualifiedErrorId);
            Assert.DoesNotContain("canary-not-the-secret", update.Error.ToString() + update.Error.Exception);
            Assert.Equal(savedBefore, File.ReadAllText(CredentialsFile(folder)));
            Assert.True(host.Invoke("Find-AutotaskCompany 'Contoso' -First 1").Succeeded);
            using var fresh = new ModuleHost();
            Assert.True(fresh.Invoke("Find-AutotaskCompany 'Contoso' -First 1").Succeeded);
        }
    }

    [Fact]
    public async Task After_the_secret_changes_in_Autotask_Update_AutotaskCredential_replaces_the_session_and_saved_one()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 20, CompanyCount = 50 });
        using (TestEnvironment.FreshStore(out string folder))
        {
            using var host = new ModuleHost();
            Sessions.ConnectAutotask(host, server, extra: "-Save").ThrowOnFailure();
            server.Options.AutotaskSecret = "the-new-secret-from-autotask";

            Assert.Equal("AutotaskSecretRejected,PsaMapping.Commands.FindAutotaskCompanyCommand",
                host.Invoke("Find-AutotaskCompany 'Contoso'").Error.FullyQualifiedErrorId);

            string savedBefore = File.ReadAllText(CredentialsFile(folder));
            host.Invoke("Update-AutotaskCredential -Credential $args[0] -WhatIf",
                ModuleHost.Credential(server.Options.AutotaskUserName, server.Options.AutotaskSecret)).ThrowOnFailure();
            Assert.Equal(savedBefore, File.ReadAllText(CredentialsFile(folder)));

            HostResult update = host.Invoke("Update-AutotaskCredential -Credential $args[0] -Confirm:$false",
                ModuleHost.Credential(server.Options.AutotaskUserName, server.Options.AutotaskSecret)).ThrowOnFailure();

            Assert.Contains(update.Information, i => i.MessageData.ToString()!.Contains("now replaces the old one"));
            Assert.True(host.Invoke("Find-AutotaskCompany 'Contoso' -First 1").Succeeded);
            using var fresh = new ModuleHost();
            Assert.True(fresh.Invoke("Find-AutotaskCompany 'Contoso' -First 1").Succeeded);
        }
    }
}
