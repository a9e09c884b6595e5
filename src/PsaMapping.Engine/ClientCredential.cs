using System;
using System.Runtime.InteropServices;
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
        internal string RevealSecret()
        {
            IntPtr pointer = IntPtr.Zero;
            try
            {
                pointer = Marshal.SecureStringToGlobalAllocUnicode(_secret);
                return Marshal.PtrToStringUni(pointer) ?? string.Empty;
            }
            finally
            {
                if (pointer != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }

        public override string ToString() => Id + " (secret hidden)";
    }
}
