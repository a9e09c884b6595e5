using System;
using System.Security;

namespace PsaMapping.Engine
{
    /// <summary>
    /// An API client id with its secret. The secret stays a <see cref="SecureString"/> and is turned into
    /// text only for the moment a request is built; <see cref="ToString"/> never shows it.
    /// </summary>
    public sealed class ClientCredential
    {
        private readonly SecureString _secret;

        public ClientCredential(string id, SecureString secret)
        {
            if (string.IsNullOrWhiteSpace(id)) throw new ArgumentException("The client id is empty.", nameof(id));
            Id = id;
            _secret = (secret ?? throw new ArgumentNullException(nameof(secret))).Copy();
            _secret.MakeReadOnly();
        }

        public string Id { get; }

        /// <summary>The secret as text, for building one request. Callers must not keep or log it.</summary>
        internal string RevealSecret() => SecretText.Reveal(_secret);

        public override string ToString() => Id + " (secret hidden)";
    }
}
