using System;
using System.IO;
using System.Runtime.InteropServices;

namespace PsaMapping.Engine.Store
{
    /// <summary>
    /// Where PsaMapping keeps its files: $PSAMAPPING_HOME when set, otherwise a per-user folder
    /// (%LOCALAPPDATA%\PsaMapping on Windows, $XDG_DATA_HOME/psamapping or ~/.local/share/psamapping elsewhere).
    /// On Unix the folder is mode 0700: it holds credentials, and anyone who can write in it could replace
    /// what PsaMapping reads or plant links that redirect what it writes.
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

        /// <summary>Creates <paramref name="folder"/> if needed, then makes sure only its owner can use it (<see cref="Secure"/>).</summary>
        public static void Ensure(string folder)
        {
            if (File.Exists(folder))
                throw new PsaMappingException(ErrorIds.MappingStoreFileInvalid, PsaErrorKind.InvalidArgument,
                    $"The store folder '{folder}' is a file. Move the file aside, or set ${EnvironmentVariable} to a folder, then run the command again.")
                { Target = folder };
            Directory.CreateDirectory(folder);
            Secure(folder);
        }

        /// <summary>
        /// On Unix, an existing folder that group or others may use is made 0700 (the README's promise). A folder
        /// meant to be shared (the sticky bit, like /tmp) is never changed, and neither is one PsaMapping cannot
        /// change (someone else owns it): such a folder is refused when others can write in it, and used as it
        /// is when they can only read it (the credentials file in it is 0600 and refused otherwise).
        /// </summary>
        public static void Secure(string folder)
        {
            int? mode = UnixPermissions.Get(folder);
            if (!mode.HasValue || (mode.Value & UnixPermissions.GroupOrOthers) == 0) return;
            string? why = null;
            if ((mode.Value & UnixPermissions.Sticky) != 0)
            {
                why = "it is a folder shared by everyone";
            }
            else
            {
                try
                {
                    UnixPermissions.Set(folder, UnixPermissions.OwnerOnlyFolder);
                    return;
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException || ex is IOException)
                {
                    why = ex.Message;
                }
            }

            if ((mode.Value & UnixPermissions.GroupOrOthersWrite) == 0) return;
            throw new PsaMappingException(ErrorIds.MappingStoreFolderInsecure, PsaErrorKind.Forbidden,
                $"The store folder '{folder}' can be written by other users (mode {Convert.ToString(mode.Value, 8)}) and PsaMapping may not make it private ({why}), " +
                $"so it is not used. Set ${EnvironmentVariable} to a folder of your own (it is created private), or have the folder's owner run: chmod 700 '{folder}'.")
            { Target = folder };
        }

        /// <summary>Refuses a store file that is a symbolic link (or junction): following it would read or write wherever it points.</summary>
        public static void RefuseLink(string path)
        {
            var info = new FileInfo(path);
            if ((int)info.Attributes == -1 || (info.Attributes & FileAttributes.ReparsePoint) == 0) return;
            throw new PsaMappingException(ErrorIds.MappingStoreLinkRefused, PsaErrorKind.Forbidden,
                $"The store file '{path}' is a link to somewhere else, and PsaMapping does not follow links in its store folder " +
                "(someone could redirect what it reads or writes). Nothing was changed. Replace the link with the file itself, or delete it, then run the command again.")
            { Target = path };
        }

        /// <summary><see cref="RefuseLink"/>, and refuses a folder where the store keeps a file.</summary>
        public static void RefuseLinkOrFolder(string path)
        {
            RefuseLink(path);
            if (Directory.Exists(path))
                throw new PsaMappingException(ErrorIds.MappingStoreFileInvalid, PsaErrorKind.InvalidArgument,
                    $"'{path}' is a folder, but PsaMapping keeps a file there. Nothing was changed. Move the folder aside, then run the command again.")
                { Target = path };
        }
    }
}
