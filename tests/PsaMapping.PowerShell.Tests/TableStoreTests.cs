using System.Management.Automation;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Azurite;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>
    /// The shared store as a team uses it, against Azurite and the sandbox: connect once with -Save, and every
    /// later session (another technician, an RMM script) maps into and reads from the same table; -Local goes back.
    /// Hosted, because it needs Azurite and the module's saved-store file together.
    /// </summary>
    [Collection(StoreCollection.Name)]
    public sealed class TableStoreTests
    {
        private const string Canary = "Q2FuYXJ5S2V5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5";

        [Fact]
        public async Task A_saved_table_store_is_used_by_every_later_session_and_Local_goes_back_to_the_folder()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 30, CompanyCount = 60 });
            await using var azurite = await AzuriteServer.StartAsync();
            using var store = TestEnvironment.FreshStore(out string folder);
            var connection = new System.Net.NetworkCredential("", azurite.ConnectionString).SecurePassword;
            string table = "t" + Guid.NewGuid().ToString("N");

            using (ModuleHost first = Sessions.ConnectedToSophos(server))
            {
                Sessions.ConnectAutotask(first, server).ThrowOnFailure();
                HostResult connected = first.Invoke("Connect-PsaMappingStore -ConnectionString $args[0] -TableName $args[1] -Save -Verbose", connection, table).ThrowOnFailure();
                PSObject info = Assert.Single(connected.Output);
                Assert.Equal("AzureTable", info.Properties["Kind"].Value);
                Assert.Equal(true, info.Properties["Saved"].Value);
                Assert.Equal("ConnectionString", info.Properties["Credential"].Value);
                first.Invoke("Set-PsaMapping -SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso' -Contract 'Sophos MSP - Contoso' -SyncEnabled $true").ThrowOnFailure();
            }

            // Another session (another process would do the same): no Connect-PsaMappingStore, the saved table is used.
            using (var second = new ModuleHost())
            {
                HostResult used = second.Invoke("Get-PsaMappingStore").ThrowOnFailure();
                Assert.Equal("AzureTable", Assert.Single(used.Output).Properties["Kind"].Value);
                HostResult mappings = second.Invoke("Get-PsaMapping").ThrowOnFailure();
                Assert.Equal("Contoso Ltd", Assert.Single(mappings.Output).Properties["SophosCustomerName"].Value);
                Assert.Single(second.Invoke("Get-PsaMappingHistory").ThrowOnFailure().Output);

                // Back to the folder, for this session only: the folder has no mappings; the saved choice is unchanged.
                HostResult local = second.Invoke("Connect-PsaMappingStore -Local").ThrowOnFailure();
                Assert.Equal(false, Assert.Single(local.Output).Properties["Saved"].Value);
                Assert.Empty(second.Invoke("Get-PsaMapping").ThrowOnFailure().Output);
            }

            using (var third = new ModuleHost())
            {
                Assert.Single(third.Invoke("Get-PsaMapping").ThrowOnFailure().Output);
                third.Invoke("Connect-PsaMappingStore -Local -Save").ThrowOnFailure();
            }
            using (var fourth = new ModuleHost())
                Assert.Equal("Folder", Assert.Single(fourth.Invoke("Get-PsaMappingStore").ThrowOnFailure().Output).Properties["Kind"].Value);

            // The secret is in the credentials file only (protected), in no other file of the store folder.
            foreach (string file in Directory.EnumerateFiles(folder))
                if (Path.GetFileName(file) != "credentials.json")
                    Assert.DoesNotContain(AzuriteServer.AccountKey, File.ReadAllText(file));
        }

        [Fact]
        public async Task A_wrong_key_and_an_unreachable_table_are_their_own_errors_and_name_no_secret()
        {
            await using var azurite = await AzuriteServer.StartAsync();
            using var store = TestEnvironment.FreshStore(out _);
            using var host = new ModuleHost();
            string wrong = azurite.ConnectionString.Replace(AzuriteServer.AccountKey, Canary);

            HostResult denied = host.Invoke("$DebugPreference = 'Continue'; Connect-PsaMappingStore -ConnectionString $args[0] -Verbose -Debug",
                new System.Net.NetworkCredential("", wrong).SecurePassword);
            Assert.Equal("MappingStoreAccessDenied", denied.Error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal(ErrorCategory.PermissionDenied, denied.Error.CategoryInfo.Category);
            Assert.DoesNotContain(Canary, SecretCanaryTests.Everything(denied));

            HostResult insecure = host.Invoke("Connect-PsaMappingStore -TableEndpoint http://example.com/ -SasToken $args[0]",
                new System.Net.NetworkCredential("", "sig=" + Canary).SecurePassword);
            Assert.Equal("InsecureUri", insecure.Error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.DoesNotContain(Canary, SecretCanaryTests.Everything(insecure));
            Assert.Equal("Folder", Assert.Single(host.Invoke("Get-PsaMappingStore").ThrowOnFailure().Output).Properties["Kind"].Value);
        }

        [Fact]
        public async Task Import_copies_the_folders_mappings_and_history_once_and_WhatIf_copies_nothing()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 30, CompanyCount = 60 });
            await using var azurite = await AzuriteServer.StartAsync();
            using var store = TestEnvironment.FreshStore(out string folder);
            using ModuleHost host = Sessions.ConnectedToSophos(server);
            Sessions.ConnectAutotask(host, server).ThrowOnFailure();
            host.Invoke("Set-PsaMapping -SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso' -Contract 'Sophos MSP - Contoso' -SyncEnabled $true").ThrowOnFailure();

            host.Invoke("Connect-PsaMappingStore -ConnectionString $args[0] -TableName $args[1]",
                new System.Net.NetworkCredential("", azurite.ConnectionString).SecurePassword, "t" + Guid.NewGuid().ToString("N")).ThrowOnFailure();
            PSObject preview = Assert.Single(host.Invoke("Import-PsaMappingStore -Path $args[0] -WhatIf", folder).ThrowOnFailure().Output);
            Assert.Equal((false, 1, 1), ((bool)preview.Properties["Applied"].Value, (int)preview.Properties["MappingsAdded"].Value, (int)preview.Properties["HistoryEntriesAdded"].Value));
            Assert.Empty(host.Invoke("Get-PsaMapping").ThrowOnFailure().Output);

            PSObject first = Assert.Single(host.Invoke("Import-PsaMappingStore -Path $args[0]", folder).ThrowOnFailure().Output);
            Assert.Equal((true, 1, 1), ((bool)first.Properties["Applied"].Value, (int)first.Properties["MappingsAdded"].Value, (int)first.Properties["HistoryEntriesAdded"].Value));
            PSObject second = Assert.Single(host.Invoke("Import-PsaMappingStore -Path $args[0]", folder).ThrowOnFailure().Output);
            Assert.Equal((0, 1, 0, 1), ((int)second.Properties["MappingsAdded"].Value, (int)second.Properties["MappingsAlreadyThere"].Value,
                (int)second.Properties["HistoryEntriesAdded"].Value, (int)second.Properties["HistoryEntriesAlreadyThere"].Value));

            Assert.Equal("Contoso Ltd", Assert.Single(host.Invoke("Get-PsaMapping").ThrowOnFailure().Output).Properties["SophosCustomerName"].Value);
            Assert.Single(host.Invoke("Get-PsaMappingHistory").ThrowOnFailure().Output);
        }
    }
}
