using System.Runtime.CompilerServices;

namespace PsaMapping.Engine
{
    /// <summary>
    /// For the few methods that run millions of times in one command (name matching, reading rows).
    /// </summary>
    internal static class HotPath
    {
        /// <summary>
        /// MethodImplOptions.AggressiveOptimization, which netstandard2.0's enum does not name: the method is
        /// compiled fully optimized on its first call. A command usually runs in a fresh PowerShell process, and
        /// with tiered compilation these loops would otherwise run much of their first call as unoptimized code
        /// while the JIT catches up. To see whether it still pays, compare the benchmark's "match ms" in fresh
        /// processes with and without it (`-- --sizes 2000x10000 --naive-max 0 --warmups 0 --runs 1`, each run a new
        /// process, on a quiet machine). .NET Framework has no tiered compilation and ignores the flag.
        /// </summary>
        public const MethodImplOptions Optimized = (MethodImplOptions)512;
    }
}
