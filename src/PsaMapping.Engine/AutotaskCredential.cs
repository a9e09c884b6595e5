using System;
using System.Security;

namespace PsaMapping.Engine
{
    /// <summary>
    /// An Autotask API user: user name, secret and the integration code (tracking identifier). The secret
    /// and the integration code are both kept as <see cref="SecureString"/> and never shown.
    /// </summary>
    public sealed class AutotaskCredential
    {
        private readonly ClientCredential _secret;
        private readonly ClientCredential _integrationCode;

        public AutotaskCredential(string userName, SecureString secret, SecureString integrationCode)
        {
            if (string.IsNullOrWhiteSpace(userName)) throw new ArgumentException("The API user name is empty.", nameof(userName));
            if (integrationCode == null || integrationCode.Length == 0) throw new ArgumentException("The integration code is empty.", nameof(integrationCode));
            UserName = userName.Trim();
            _secret = new ClientCredential(UserName, secret);
            _integrationCode = new ClientCredential(UserName, integrationCode);
        }

        public string UserName { get; }

        internal string RevealSecret() => _secret.RevealSecret();

        internal string RevealIntegrationCode() => _integrationCode.RevealSecret();

        /// <summary>Another user name and secret with this credential's integration code.</summary>
        public AutotaskCredential WithUserAndSecret(string userName, SecureString secret) =>
            new AutotaskCredential(userName, secret, SecretText.ToSecureString(RevealIntegrationCode()));

        public override string ToString() => UserName + " (secret and integration code hidden)";
    }
}
