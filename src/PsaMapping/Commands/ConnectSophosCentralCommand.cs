using System;
using System.Management.Automation;
using PsaMapping.Engine;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Commands
{
    /// <summary>Connect-SophosCentral: signs in with a partner API credential and keeps the connection for the session.</summary>
    [Cmdlet(VerbsCommunications.Connect, "SophosCentral")]
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

        protected override void EndProcessing()
        {
            if (string.IsNullOrWhiteSpace(Credential.UserName) || Credential.Password == null || Credential.Password.Length == 0)
                throw Terminate(new PsaMappingException("SophosCredentialIncomplete", PsaErrorKind.InvalidArgument,
                    "The credential needs the API client ID as the user name and the client secret as the password.")
                { Target = Credential.UserName });

            SophosCentralClient client;
            try
            {
                client = new SophosCentralClient(new ClientCredential(Credential.UserName.Trim(), Credential.Password), AuthUri, ApiUri);
            }
            catch (PsaMappingException ex)
            {
                throw Terminate(ex);
            }

            SophosConnection connection;
            try
            {
                WriteVerbose($"Requesting a token from {AuthUri} for client ID {client.Connection?.ClientId ?? Credential.UserName}.");
                connection = Run((observer, token) => client.ConnectAsync(token));
            }
            catch
            {
                // A failed attempt leaves any earlier connection in place.
                client.Dispose();
                throw;
            }

            State.Sophos?.Dispose();
            State.Sophos = client;
            WriteVerbose($"Connected to Sophos Central as partner {connection.PartnerId} ({client.Http.Requests.Total} requests).");
            WriteObject(connection);
        }
    }
}
