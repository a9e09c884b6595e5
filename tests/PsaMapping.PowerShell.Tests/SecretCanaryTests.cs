using System.Collections;
using System.Management.Automation;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Azurite;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>
    /// Every cmdlet, on its success and error paths, with -Verbose and -Debug, run with unique canary secrets:
    /// no canary may appear in any stream, error record, output object, the mapping file, its backup or the
    /// audit log.
    /// </summary>
    [Collection(StoreCollection.Name)]
    public sealed class SecretCanaryTests
    {
        private const string SophosSecret = "canary-sophos-7f3a91d2";
        private const string AutotaskSecret = "canary-autotask-52be0c81";
        private const string IntegrationCode = "CANARYCODE4471D9";
        private const string NewAutotaskSecret = "canary-autotask-new-9c04e7";
        private const string WrongSecret = "canary-wrong-3e11aa70";
        private static readonly string[] Canaries = { SophosSecret, AutotaskSecret, IntegrationCode, NewAutotaskSecret, WrongSecret };

        [Fact]
        public async Task No_secret_appears_in_any_stream_error_output_or_store_file()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions
            {
                TenantCount = 30, CompanyCount = 60,
                SophosClientSecret = SophosSecret, AutotaskSecret = AutotaskSecret, AutotaskIntegrationCode = IntegrationCode,
            });
            using var store = TestEnvironment.FreshStore(out string folder);
            using var host = new ModuleHost();
            host.SetVariable("SophosCredential", ModuleHost.Credential(server.Options.SophosClientId, SophosSecret));
            host.SetVariable("AutotaskCredential", ModuleHost.Credential(server.Options.AutotaskUserName, AutotaskSecret));
            host.SetVariable("WrongSophos", ModuleHost.Credential(server.Options.SophosClientId, WrongSecret));
            host.SetVariable("WrongAutotask", ModuleHost.Credential(server.Options.AutotaskUserName, WrongSecret));
            host.SetVariable("NewAutotask", ModuleHost.Credential(server.Options.AutotaskUserName, NewAutotaskSecret));
            host.SetVariable("Code", IntegrationCode);
            host.SetVariable("Auth", server.SophosAuthUri);
            host.SetVariable("Zone", server.AutotaskZoneUri);
            const string Common = " -Verbose -Debug -InformationAction Continue";

            var results = new List<(string Command, HostResult Result)>();
            void Run(string script) => results.Add((script, host.Invoke("$DebugPreference = 'Continue'; " + script)));

            // Error paths first: nothing connected, wrong credentials.
            Run("Get-SophosCustomer" + Common);
            Run("Connect-SophosCentral -Credential $WrongSophos -AuthUri $Auth -ApiUri $Auth" + Common);
            Run("Connect-Autotask -Credential $WrongAutotask -IntegrationCode $Code -ZoneUri $Zone" + Common);
            Run("Connect-Autotask -Credential $AutotaskCredential -IntegrationCode 'WRONG' -ZoneUri $Zone" + Common);

            // Success paths, saving everything.
            Run("Connect-SophosCentral -Credential $SophosCredential -AuthUri $Auth -ApiUri $Auth -Save" + Common);
            Run("Connect-Autotask -Credential $AutotaskCredential -IntegrationCode $Code -ZoneUri $Zone -Save" + Common);
            Run("Get-SophosCustomer -Refresh" + Common);
            Run("Find-AutotaskCompany 'conto'" + Common);
            Run("Find-AutotaskContract -Company 'Contoso'" + Common);
            Run("Set-PsaMapping -SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso' -Contract 'Sophos MSP - Contoso' -SyncEnabled $true -PassThru" + Common);
            Run("Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100003" + Common); // refused: cancelled
            Run("Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High' | Set-PsaMapping -WarningAction Continue" + Common);
            Run("Get-PsaMapping -IncludeUnmapped" + Common);
            Run("Test-PsaMapping" + Common);
            Run("Update-PsaMapping -Confirm:$false" + Common);
            Run("Get-PsaMappingHistory" + Common);

            // The secret changes in Autotask: a failed update, then the right one.
            server.Options.AutotaskSecret = NewAutotaskSecret;
            Run("Find-AutotaskCompany 'conto'" + Common);
            Run("Update-AutotaskCredential -Credential $WrongAutotask -Confirm:$false" + Common);
            Run("Update-AutotaskCredential -Credential $NewAutotask -Confirm:$false -PassThru" + Common);

            // A server that keeps failing.
            server.Faults.AlwaysFailStatus = 429; // with Retry-After: 0, so the retries take no time
            server.Faults.RetryAfterSeconds = 0;
            Run("Get-SophosCustomer -Refresh" + Common);
            Run("Test-PsaMapping" + Common);
            server.Faults.AlwaysFailStatus = null;

            Run("Remove-PsaMapping 'Contoso Ltd' -Confirm:$false" + Common);
            Run("Remove-PsaMappingCredential -Confirm:$false" + Common);

            Assert.Contains(results, r => r.Result.Succeeded);
            Assert.Contains(results, r => !r.Result.Succeeded);
            foreach ((string command, HostResult result) in results)
            {
                string everything = Everything(result);
                foreach (string canary in Canaries)
                    Assert.False(everything.Contains(canary, StringComparison.Ordinal), $"'{command}' showed a secret:\n{everything}");
            }

            foreach (string file in new[] { "mappings.json", "mappings.json.bak", "mappings-audit.jsonl" }.Select(f => Path.Combine(folder, f)))
            {
                Assert.True(File.Exists(file), file);
                string content = File.ReadAllText(file);
                foreach (string canary in Canaries) Assert.DoesNotContain(canary, content);
            }

            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        }

        [Fact]
        public async Task A_wrong_table_key_and_a_SAS_token_over_plain_http_are_refused_without_naming_the_secret()
        {
            const string Canary = "Q2FuYXJ5S2V5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5";
            await using var azurite = await AzuriteServer.StartAsync();
            using var store = TestEnvironment.FreshStore(out _);
            using var host = new ModuleHost();
            string wrong = azurite.ConnectionString.Replace(AzuriteServer.AccountKey, Canary);

            HostResult denied = host.Invoke("$DebugPreference = 'Continue'; Connect-PsaMappingStore -ConnectionString $args[0] -Verbose -Debug",
                new System.Net.NetworkCredential("", wrong).SecurePassword);
            Assert.Equal("MappingStoreAccessDenied", denied.Error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.DoesNotContain(Canary, Everything(denied));

            HostResult insecure = host.Invoke("Connect-PsaMappingStore -TableEndpoint http://example.com/ -SasToken $args[0] -Verbose -Debug",
                new System.Net.NetworkCredential("", "sig=" + Canary).SecurePassword);
            Assert.Equal("InsecureUri", insecure.Error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.DoesNotContain(Canary, Everything(insecure));
        }

        /// <summary>All a user could see or log from one invocation, as text.</summary>
        internal static string Everything(HostResult result)
        {
            var text = new System.Text.StringBuilder();
            foreach (PSObject item in result.Output) Describe(item, text, 0);
            foreach (ErrorRecord error in result.AllErrors)
            {
                text.AppendLine(error.ToString()).AppendLine(error.Exception.ToString()).AppendLine(error.FullyQualifiedErrorId);
                text.AppendLine(error.ErrorDetails?.Message).AppendLine(error.CategoryInfo.ToString());
                if (error.TargetObject != null) Describe(PSObject.AsPSObject(error.TargetObject), text, 0);
            }

            foreach (var record in result.Warnings) text.AppendLine(record.Message);
            foreach (var record in result.Verbose) text.AppendLine(record.Message);
            foreach (var record in result.Debug) text.AppendLine(record.Message);
            foreach (var record in result.Information) text.AppendLine(record.MessageData?.ToString());
            foreach (var record in result.Progress) text.AppendLine(record.Activity + " " + record.StatusDescription + " " + record.CurrentOperation);
            return text.ToString();
        }

        private static void Describe(PSObject item, System.Text.StringBuilder text, int depth)
        {
            text.AppendLine(item.ToString());
            if (depth > 2 || item.BaseObject is string || item.BaseObject.GetType().IsPrimitive) return;
            foreach (PSPropertyInfo property in item.Properties)
            {
                object? value;
                try
                {
                    value = property.Value;
                }
                catch (GetValueException)
                {
                    continue;
                }

                if (value == null) continue;
                if (value is IEnumerable sequence && value is not string)
                    foreach (object? element in sequence) { if (element != null) Describe(PSObject.AsPSObject(element), text, depth + 1); }
                else
                    Describe(PSObject.AsPSObject(value), text, depth + 1);
            }
        }
    }
}
