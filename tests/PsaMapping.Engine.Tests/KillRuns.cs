namespace PsaMapping.Engine.Tests
{
    /// <summary>
    /// How many times the kill tests (the folder store's, the table store's, the usage sync's) kill their worker
    /// process: PSAMAPPING_KILL_RUNS when set (for example 500 for a long soak), else each test's default.
    /// </summary>
    internal static class KillRuns
    {
        public const string EnvironmentVariable = "PSAMAPPING_KILL_RUNS";

        /// <summary>The stores' kill tests: 100 kills each, the same number for the folder and the table.</summary>
        public const int Default = 100;

        public static int FromEnvironment(int defaultRuns) =>
            int.TryParse(Environment.GetEnvironmentVariable(EnvironmentVariable), out int runs) && runs > 0 ? runs : defaultRuns;
    }
}
