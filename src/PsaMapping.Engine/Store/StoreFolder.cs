using System;
using System.IO;
using System.Runtime.InteropServices;

namespace PsaMapping.Engine.Store
{
    /// <summary>
    /// Where PsaMapping keeps its files: $PSAMAPPING_HOME when set, otherwise a per-user folder
    /// (%LOCALAPPDATA%\PsaMapping on Windows, $XDG_DATA_HOME/psamapping or ~/.local/share/psamapping elsewhere).
    /// On Unix the folder is created with mode 0700: it holds credentials.
    /// </summary>
    public static class StoreFolder
    {
        public const string EnvironmentVariable = "PSAMAPPING_HOME";

        public static string Resolve()
        {
            string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured);

            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "PsaMapping");

            string? xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(string.IsNullOrWhiteSpace(xdg) ? Path.Combine(home, ".local", "share") : xdg!, "psamapping");
        }

        /// <summary>Creates <paramref name="folder"/> if needed; on Unix makes sure only its owner can enter it.</summary>
        public static void Ensure(string folder)
        {
            bool existed = Directory.Exists(folder);
            Directory.CreateDirectory(folder);
            if (!existed && UnixPermissions.IsUnix) UnixPermissions.Set(folder, UnixPermissions.OwnerOnlyFolder);
        }
    }
}
