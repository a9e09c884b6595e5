using System;
using System.Management.Automation;
using System.Security;
using PsaMapping.Engine;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Store;

namespace PsaMapping.Commands
{
    /// <summary>Connect-Autotask: signs in as an Autotask API user and keeps the connection for the session.</summary>
    [Cmdlet(VerbsCommunications.Connect, "Autotask", SupportsShouldProcess = true)]
    [OutputType(typeof(AutotaskConnection))]
    public sealed class ConnectAutotaskCommand : PsaMappingCmdlet
    {
        /// <summary>User name = the API user's user name; password = its secret.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; } = PSCredential.Empty;

        /// <summary>
        /// The integration code (tracking identifier) of the API user's integration: a secret, so a SecureString
        /// (a plain string is still accepted and converted at once).
        /// </summary>
        [Parameter(Mandatory = true)]
        [SecureStringTransformation]
        [ValidateNotNull]
        public SecureString IntegrationCode { get; set; } = new SecureString();

        [Parameter]
        [ValidateNotNull]
        public Uri ZoneUri { get; set; } = new Uri(AutotaskClient.DefaultZoneUri);

        /// <summary>The zone's REST address (for example https://webservices5.autotask.net/ATServicesRest/); skips the zone lookup.</summary>
        [Parameter]
        public Uri? ApiUri { get; set; }

        [Parameter]
        public SwitchParameter Save { get; set; }

        protected override void EndProcessing()
        {
            AutotaskCredential credential = AutotaskConnector.CredentialFrom(this, Credential, IntegrationCode);
            AutotaskConnection connection = Connections.ConnectAutotask(credential, ZoneUri, ApiUri, out AutotaskDirectory directory);
            SessionConnections.UseAutotask(directory);

            if (Save)
                Connections.SaveCredential($"the Autotask credential of API user {credential.UserName}",
                    store => store.Save(new SavedAutotaskCredential(credential, ZoneUri, ApiUri)));

            WriteRequestSummary();
            WriteObject(connection);
        }
    }

    /// <summary>What Connect-Autotask and Update-AutotaskCredential share: building and checking a connection.</summary>
    internal static class AutotaskConnector
    {
        public static AutotaskCredential CredentialFrom(PsaMappingCmdlet cmdlet, PSCredential credential, SecureString integrationCode)
        {
            RequireComplete(cmdlet, credential);
            if (integrationCode == null || integrationCode.Length == 0)
                throw cmdlet.Terminate(new PsaMappingException(ErrorIds.AutotaskCredentialIncomplete, PsaErrorKind.InvalidArgument,
                    "The integration code is blank. Give the tracking identifier of the API user's integration with -IntegrationCode.")
                { Target = credential.UserName });
            return new AutotaskCredential(credential.UserName, credential.Password, integrationCode);
        }

        /// <summary>Refuses a credential without a user name or a secret, before anything is sent.</summary>
        public static void RequireComplete(PsaMappingCmdlet cmdlet, PSCredential credential)
        {
            if (string.IsNullOrWhiteSpace(credential.UserName) || credential.Password == null || credential.Password.Length == 0)
                throw cmdlet.Terminate(new PsaMappingException(ErrorIds.AutotaskCredentialIncomplete, PsaErrorKind.InvalidArgument,
                    "The credential needs the API user's user name as the user name and its secret as the password.")
                { Target = credential.UserName });
        }
    }
}
