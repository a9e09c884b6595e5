using System;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace PsaMapping.Engine.Store
{
    /// <summary>
    /// How a secret is written into the credentials file: encrypted for the current user with DPAPI on
    /// Windows; elsewhere as text, protected by the file's 0600 mode in a 0700 folder (as ssh and the
    /// cloud CLIs do). The prefix says which, so a file moved between systems is refused clearly.
    /// </summary>
    internal static class SecretProtector
    {
        private const string DpapiPrefix = "dpapi:";
        private const string PlainPrefix = "plain:";
        private static readonly byte[] Entropy = Encoding.UTF8.GetBytes("PsaMapping credentials v1");

        private static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        public static string Protect(string secret)
        {
            if (!IsWindows) return PlainPrefix + secret;
            byte[] encrypted = ProtectedData.Protect(Encoding.UTF8.GetBytes(secret), Entropy, DataProtectionScope.CurrentUser);
            return DpapiPrefix + Convert.ToBase64String(encrypted);
        }

        /// <summary>The secret, or null when this value cannot be read here (another user, another system).</summary>
        public static string? Unprotect(string stored)
        {
            if (stored.StartsWith(PlainPrefix, StringComparison.Ordinal))
                return IsWindows ? null : stored.Substring(PlainPrefix.Length);
            if (!stored.StartsWith(DpapiPrefix, StringComparison.Ordinal) || !IsWindows) return null;
            try
            {
                byte[] decrypted = ProtectedData.Unprotect(Convert.FromBase64String(stored.Substring(DpapiPrefix.Length)), Entropy, DataProtectionScope.CurrentUser);
                return Encoding.UTF8.GetString(decrypted);
            }
            catch (Exception ex) when (ex is CryptographicException || ex is FormatException)
            {
                return null;
            }
        }
    }
}
