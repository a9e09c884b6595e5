using System;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace PsaMapping.Engine.Store
{
    /// <summary>
    /// File modes on Unix. The engine targets netstandard2.0, which has no API for them; .NET 7+ (every
    /// supported PowerShell 7) has File.Get/SetUnixFileMode, reached here by reflection, with chmod from
    /// libc as the fallback for setting on older runtimes.
    /// </summary>
    public static class UnixPermissions
    {
        public const int OwnerReadWrite = 0x180;  // 0600
        public const int OwnerOnlyFolder = 0x1C0; // 0700
        public const int GroupOrOthers = 0x3F;    // 0077
        public const int GroupOrOthersWrite = 0x12; // 0022
        public const int Sticky = 0x200;          // 01000

        private static readonly Type? ModeType = typeof(File).Assembly.GetType("System.IO.UnixFileMode");
        private static readonly MethodInfo? GetMode = typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });
        private static readonly MethodInfo? SetMode = ModeType == null ? null : typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), ModeType });

        public static bool IsUnix => !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>The permission bits of a file or folder, or null when this runtime cannot tell.</summary>
        public static int? Get(string path)
        {
            if (!IsUnix || GetMode == null) return null;
            try
            {
                return Convert.ToInt32(GetMode.Invoke(null, new object[] { path }), CultureInfo.InvariantCulture);
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                throw ex.InnerException;
            }
        }

        public static void Set(string path, int mode)
        {
            if (!IsUnix) return;
            if (SetMode != null && ModeType != null)
            {
                try
                {
                    SetMode.Invoke(null, new[] { path, Enum.ToObject(ModeType, mode) });
                    return;
                }
                catch (TargetInvocationException ex) when (ex.InnerException != null)
                {
                    throw ex.InnerException;
                }
            }

            if (chmod(path, mode) != 0)
                throw new IOException($"Could not set the permissions of '{path}' (errno {Marshal.GetLastWin32Error()}).");
        }

        // Only called on Unix, where .NET marshals LPStr as UTF-8 (the encoding of file names there).
        [DllImport("libc", SetLastError = true, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        private static extern int chmod([MarshalAs(UnmanagedType.LPStr)] string path, int mode);
    }
}
