using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>
    /// Rotating the Autotask secret needs the sandbox's secret changed in the middle of a session, which only a
    /// host holding the sandbox can do. The other saved-credential scenarios are in tests/Pester/Credentials.Tests.ps1.
    /// </summary>
    [Collection(StoreCollection.Name)]
    public sealed class CredentialRotationTests
    {
        private static string CredentialsFile(string folder) => Path.Combine(folder, "credentials.json");

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
}
