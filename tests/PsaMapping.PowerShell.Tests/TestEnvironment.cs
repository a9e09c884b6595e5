using System.Runtime.CompilerServices;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>
    /// The module keeps saved credentials in $PSAMAPPING_HOME, which is one value for the whole process.
    /// Tests never touch the real user's folder: the process starts with an empty one of its own. Tests that
    /// save credentials, or that rely on none being saved, run in the <see cref="StoreCollection"/>, one at a
    /// time; every other test connects explicitly, so it never reads the store.
    /// </summary>
    internal static class TestEnvironment
    {
        public static string BaseHome { get; } = Path.Combine(Path.GetTempPath(), "psamapping-pstests-" + Environment.ProcessId);

        [ModuleInitializer]
        internal static void UsePrivateStore()
        {
            Directory.CreateDirectory(BaseHome);
            Environment.SetEnvironmentVariable("PSAMAPPING_HOME", Path.Combine(BaseHome, "default"));
        }

        /// <summary>Points the store at a fresh empty folder until disposed.</summary>
        public static IDisposable FreshStore(out string folder)
        {
            string previous = Environment.GetEnvironmentVariable("PSAMAPPING_HOME")!;
            folder = Path.Combine(BaseHome, Guid.NewGuid().ToString("N"));
            Environment.SetEnvironmentVariable("PSAMAPPING_HOME", folder);
            return new Restore(() => Environment.SetEnvironmentVariable("PSAMAPPING_HOME", previous));
        }

        private sealed class Restore(Action restore) : IDisposable
        {
            public void Dispose() => restore();
        }
    }

    [CollectionDefinition(Name)]
    public sealed class StoreCollection
    {
        public const string Name = "Store";
    }
}
