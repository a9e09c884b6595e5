using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace PsaMapping
{
    /// <summary>
    /// The module's own load context (PowerShell 7 only: this type is never touched on .NET Framework).
    /// Libraries we ship load here whatever versions the host has loaded elsewhere, except the ones the
    /// runtime itself ships (System.Memory and friends), which must stay the runtime's so that their types
    /// are the same types everywhere.
    /// </summary>
    internal sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private static readonly object Gate = new object();
        private static DependencyLoadContext? _instance;

        private readonly string _folder;
        private readonly string _runtimeFolder;

        private DependencyLoadContext(string folder)
        {
            _folder = folder;
            _runtimeFolder = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? string.Empty;
        }

        public static Assembly Load(string folder, string path)
        {
            lock (Gate)
            {
                _instance = _instance ?? new DependencyLoadContext(folder);
            }

            return _instance.LoadFromAssemblyPath(path);
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            string file = assemblyName.Name + ".dll";
            string path = Path.Combine(_folder, file);
            if (!File.Exists(path)) return null;
            string runtimeCopy = Path.Combine(_runtimeFolder, file);
            // The runtime's copy wins, unless it is older than the version asked for: then only ours can satisfy
            // the reference (on PowerShell 7.4, .NET 8 has System.Text.Json 8 and Azure.Core asks for 10).
            if (File.Exists(runtimeCopy) && !RuntimeCopyIsOlder(runtimeCopy, assemblyName)) return null;
            return LoadFromAssemblyPath(path);
        }

        private static bool RuntimeCopyIsOlder(string runtimeCopy, AssemblyName requested)
        {
            if (requested.Version == null) return false;
            try
            {
                return AssemblyName.GetAssemblyName(runtimeCopy).Version < requested.Version;
            }
            catch (System.Exception ex) when (ex is IOException || ex is System.BadImageFormatException)
            {
                return false; // unreadable: leave it to the runtime, as before
            }
        }
    }
}
