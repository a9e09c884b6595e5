using System;
using System.Management.Automation;
using PsaMapping.Engine;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Store;

namespace PsaMapping.Commands
{
    /// <summary>Connect-SophosCentral: signs in with a partner API credential and keeps the connection for the session.</summary>
    [Cmdlet(VerbsCommunications.Connect, "SophosCentral", SupportsShouldProcess = true)]
    [OutputType(typeof(SophosConnection))]
    public sealed class ConnectSophosCentralCommand : PsaMappingCmdlet
    {
        /// <summary>User name = the API client ID; password = the client secret.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; } = PSCredential.Empty;

        [Parameter]
        [ValidateNotNull]
        public Uri AuthUri { get; set; } = new Uri(SophosCentralClient.DefaultAuthUri);

        [Parameter]
        [ValidateNotNull]
        public Uri ApiUri { get; set; } = new Uri(SophosCentralClient.DefaultApiUri);

        /// <summary>Also keep the credential in the store folder, for later sessions and unattended scripts.</summary>
        [Parameter]
        public SwitchParameter Save { get; set; }

        protected override void EndProcessing()
        {
            if (string.IsNullOrWhiteSpace(Credential.UserName) || Credential.Password == null || Credential.Password.Length == 0)
                throw Terminate(new PsaMappingException(ErrorIds.SophosCredentialIncomplete, PsaErrorKind.InvalidArgument,
                    "The credential needs the API client ID as the user name and the client secret as the password.")
                { Target = Credential.UserName });

            var credential = Guard(() => new ClientCredential(Credential.UserName.Trim(), Credential.Password));
            // A failed attempt leaves any earlier connection in place.
            SophosConnection connection = Connections.ConnectSophos(credential, AuthUri, ApiUri, out SophosCentralClient client);
            SessionConnections.UseSophos(client);
            WriteVerbose($"Connected to Sophos Central as partner {connection.PartnerId}.");

            if (Save)
                Connections.SaveCredential($"the Sophos Central credential of client ID {credential.Id}",
                    store => store.Save(new SavedSophosCredential(credential, AuthUri, ApiUri)));

            WriteRequestSummary();
            WriteObject(connection);
        }
    }
}
