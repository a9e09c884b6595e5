using System;
using System.Management.Automation;
using PsaMapping.Engine;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Store;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Update-AutotaskCredential: the Sophos page's "View details" step. After the API user's secret was
    /// changed in Autotask, checks the new credential first and only then replaces the saved one and the
    /// session's. If the check fails, everything stays as it was.
    /// </summary>
    [Cmdlet(VerbsData.Update, "AutotaskCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(AutotaskConnection))]
    public sealed class UpdateAutotaskCredentialCommand : PsaMappingCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; } = PSCredential.Empty;

        /// <summary>A new integration code; without it the current one is kept.</summary>
        [Parameter]
        [SecureStringTransformation]
        [ValidateNotNull]
        public System.Security.SecureString? IntegrationCode { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            var store = CredentialStore.Default();
            SavedAutotaskCredential? saved = Guard(() => store.LoadAutotask());
            AutotaskClient? current = SessionConnections.CurrentAutotask?.Client;

            AutotaskCredential credential;
            if (IntegrationCode != null)
            {
                credential = AutotaskConnector.CredentialFrom(this, Credential, IntegrationCode);
            }
            else
            {
                AutotaskConnector.RequireComplete(this, Credential);
                AutotaskCredential known = current?.Credential ?? saved?.Credential
                    ?? throw Terminate(new PsaMappingException(ErrorIds.AutotaskIntegrationCodeMissing, PsaErrorKind.InvalidArgument,
                        "There is no Autotask connection or saved credential to take the integration code from. Give it with -IntegrationCode."));
                credential = known.WithUserAndSecret(Credential.UserName, Credential.Password);
            }

            // The session's addresses, else the saved ones.
            var replacement = current != null
                ? new SavedAutotaskCredential(credential, current.ZoneUri, current.GivenApiUri)
                : new SavedAutotaskCredential(credential, saved?.ZoneUri, saved?.ApiUri);
            Uri? zoneUri = replacement.ZoneUri, apiUri = replacement.ApiUri;

            // Check first: a credential that does not work must not replace one that does.
            AutotaskConnection connection = Connections.ConnectAutotask(credential, zoneUri, apiUri, out AutotaskDirectory checkedDirectory);

            string target = saved != null ? $"the session and the saved credential in {store.FilePath}" : "the session";
            if (!ShouldProcess(target, $"Replace the Autotask credential with the one of API user {credential.UserName}"))
            {
                checkedDirectory.Dispose();
                return;
            }

            if (saved != null)
                Guard(() =>
                {
                    store.Save(replacement);
                    return true;
                });

            SessionConnections.UseAutotask(checkedDirectory);
            WriteInformation(new InformationRecord($"The Autotask credential of API user {credential.UserName} was checked and now replaces the old one in {target}.", "PsaMapping"));
            WriteRequestSummary();
            if (PassThru) WriteObject(connection);
        }
    }
}
