using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace PsaMapping
{
    /// <summary>
    /// Loads the engine and its libraries from the module's dependencies/ folder, following the pattern of
    /// PowerShell/PSResourceGet's ModuleInitAndCleanup.cs. On PowerShell 7 they go into a load context of
    /// their own, so the module keeps working when the session already loaded another version of Polly or
    /// Newtonsoft.Json. On Windows PowerShell 5.1 (no load contexts) they are loaded by path, whatever
    /// version a dependency asks for.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        internal static readonly string DependencyFolder =
            Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".", "dependencies");

        // Simple name -> path of every library we ship. Read once; the folder does not change at run time.
        private static readonly Lazy<Dictionary<string, string>> Dependencies = new Lazy<Dictionary<string, string>>(() =>
        {
            var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (Directory.Exists(DependencyFolder))
                foreach (string path in Directory.EnumerateFiles(DependencyFolder, "*.dll"))
                    found[Path.GetFileNameWithoutExtension(path)] = path;
            return found;
        });

        private static readonly bool HasLoadContexts =
            typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext") != null;

        public void OnImport()
        {
            AppDomain.CurrentDomain.AssemblyResolve += ResolveDependency;
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            AppDomain.CurrentDomain.AssemblyResolve -= ResolveDependency;
        }

        private static Assembly? ResolveDependency(object? sender, ResolveEventArgs args)
        {
            string? name = new AssemblyName(args.Name).Name;
            if (name == null || !Dependencies.Value.TryGetValue(name, out string? path)) return null;

            if (HasLoadContexts)
            {
                // Only this module's own requests (the cmdlets asking for the engine); the engine's
                // libraries are then resolved inside the load context itself.
                if (args.RequestingAssembly != null && !IsThisModule(args.RequestingAssembly)) return null;
                return LoadIntoOwnContext(path);
            }

            return Assembly.LoadFrom(path);
        }

        // Kept out of ResolveDependency so that compiling that method on .NET Framework never needs
        // System.Runtime.Loader, which only .NET has.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Assembly LoadIntoOwnContext(string path) => DependencyLoadContext.Load(DependencyFolder, path);

        private static bool IsThisModule(Assembly assembly)
        {
            string? name = assembly.GetName().Name;
            return name == "PsaMapping" || name == "PsaMapping.Engine";
        }
    }
}
