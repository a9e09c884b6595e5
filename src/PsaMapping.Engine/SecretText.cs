using System;
using System.Runtime.InteropServices;
using System.Security;

namespace PsaMapping.Engine
{
    /// <summary>The one place secrets cross between text and <see cref="SecureString"/>.</summary>
    public static class SecretText
    {
        /// <summary>A read-only <see cref="SecureString"/> holding <paramref name="text"/>.</summary>
        public static SecureString ToSecureString(string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            var secure = new SecureString();
            foreach (char c in text) secure.AppendChar(c);
            secure.MakeReadOnly();
            return secure;
        }

        /// <summary>The text of <paramref name="secure"/>, for building one request. Callers must not keep or log it.</summary>
        internal static string Reveal(SecureString secure)
        {
            IntPtr pointer = IntPtr.Zero;
            try
            {
                pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
                return Marshal.PtrToStringUni(pointer) ?? string.Empty;
            }
            finally
            {
                if (pointer != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }
}
