using System.Diagnostics;
using System.Security;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Store.Tables;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Azurite;
using PsaMapping.Sandbox.Demo;

/// <summary>
/// The store benchmark (issue 14): table requests and wall time of the store's operations against Azurite,
/// beside the same operations on the folder store. Targets: reading 2,000 mappings in at most 3 table
/// requests, saving 1,000 in at most 15, the sync lock at most 2 per sync: first the engine's calls, then the
/// user's commands (Get-PsaMapping, Set-PsaMapping, Sync-PsaUsage) on a saved table store.
///
///   dotnet run -c Release --project bench/PsaMapping.Bench -- store
/// </summary>
internal static class StoreBench
{
    public static async Task<int> RunAsync()
    {
        Console.WriteLine("Store operations: Azure Table Storage (Azurite, in-memory, loopback) beside the folder store.");
        Console.WriteLine();
        await using AzuriteServer azurite = await AzuriteServer.StartAsync();
        var secret = new SecureString();
        foreach (char c in azurite.ConnectionString) secret.AppendChar(c);
        string table = "bench" + Guid.NewGuid().ToString("N");
        TableStoreSettings settings = TableStoreSettings.FromConnectionString(secret, table);
        new TableMappingStore(settings).Initialize();

        string folder = Path.Combine(Path.GetTempPath(), "psamapping-bench-" + Guid.NewGuid().ToString("N"));
        var folderStore = new FolderMappingStore(folder);
        try
        {
            Console.WriteLine("operation                                   table requests  target  table ms  folder ms");
            Console.WriteLine("--------------------------------------------------------------------------------------");
            bool met = true;
            met &= await Row("save 1,000 new mappings (one save)", 15, settings, folderStore,
                store => store.SaveAsync(_ => Enumerable.Range(1, 1000).Select(n => MappingEdit.Upsert(Mapping(n))), "bench"));
            met &= await Row("save 1,000 more (2,000 in the store)", 15, settings, folderStore,
                store => store.SaveAsync(_ => Enumerable.Range(1001, 1000).Select(n => MappingEdit.Upsert(Mapping(n))), "bench"));
            met &= await Row("change 1,000 of 2,000 (sync on)", 15, settings, folderStore,
                store => store.SaveAsync(_ => Enumerable.Range(1, 1000).Select(n => MappingEdit.Upsert(Mapping(n, sync: true))), "bench"));
            met &= await Row("read 2,000 mappings (a new process)", 3, settings, folderStore, store => store.LoadAsync());
            met &= await Row("take and release the sync lock", 2, settings, folderStore, async store =>
            {
                SyncLease lease = await store.AcquireSyncLockAsync("bench", TimeSpan.FromMinutes(5));
                await store.ReleaseSyncLockAsync(lease);
                return lease;
            }, schemaAlreadyChecked: true);
            met &= await Row("read the history (4,000 entries)", 0, settings, folderStore, store => store.ReadHistoryAsync(HistoryQuery.All));
            Console.WriteLine();
            Console.WriteLine("table requests: every request sent to the table, retries included (counted by an Azure.Core pipeline policy),");
            Console.WriteLine("by a store object made for the row, so each row includes reading the table's schema version once, as a new");
            Console.WriteLine("process does (the sync lock's row excepted: a sync checks the schema once in any case, as its first write).");
            Console.WriteLine("ms: one run each, wall time on this machine; Azurite is not Azure (no network latency, no throttling).");
            Console.WriteLine();
            met &= await CommandsAsync(azurite);
            Console.WriteLine(met ? "All request targets met." : "A request target was NOT met.");
            return met ? 0 : 1;
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The same targets through the cmdlets, as a user runs them on a saved table store (StoreCommandCosts).</summary>
    private static async Task<bool> CommandsAsync(AzuriteServer azurite)
    {
        Console.WriteLine("Through the cmdlets: each command in a new PowerShell session on the saved table store, as an RMM script runs it;");
        Console.WriteLine("the module's own count (the same Azure.Core pipeline policy) as -Verbose reports it.");
        string home = Path.Combine(Path.GetTempPath(), "psamapping-bench-home-" + Guid.NewGuid().ToString("N"));
        string? previous = Environment.GetEnvironmentVariable("PSAMAPPING_HOME");
        Environment.SetEnvironmentVariable("PSAMAPPING_HOME", home);
        try
        {
            await using SandboxServer sandbox = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = StoreCommandCosts.Customers, CompanyCount = 1500 });
            var watch = Stopwatch.StartNew();
            StoreCommandCosts costs = StoreCommandCosts.Measure(sandbox, azurite, "cmd" + Guid.NewGuid().ToString("N"));
            Console.WriteLine("command                                     table requests  target");
            Console.WriteLine("-------------------------------------------------------------------");
            bool met = true;
            foreach (var (command, requests, lockRequests) in costs.Rows)
            {
                (long counted, int target) = command.StartsWith("Get-", StringComparison.Ordinal) ? (requests, StoreCommandCosts.GetTarget)
                    : command.StartsWith("Sync-", StringComparison.Ordinal) ? (lockRequests, StoreCommandCosts.SyncLockTarget)
                    : (requests, command.EndsWith("onto 2,000", StringComparison.Ordinal) ? StoreCommandCosts.SetTarget : 0);
                bool ok = target == 0 || counted <= target;
                met &= ok;
                string shown = command.StartsWith("Sync-", StringComparison.Ordinal) ? $"{lockRequests} (of {requests})" : requests.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Console.WriteLine($"{command,-44}{shown,14}  {(target == 0 ? "-" : "<= " + target),6}{(ok ? "" : "  NOT met")}");
            }
            Console.WriteLine($"({watch.Elapsed.TotalSeconds:0} s for the whole run, sandbox and Azurite on loopback.)");
            return met;
        }
        finally
        {
            Environment.SetEnvironmentVariable("PSAMAPPING_HOME", previous);
            if (Directory.Exists(home)) Directory.Delete(home, recursive: true);
        }
    }

    private static async Task<bool> Row<T>(string what, int target, TableStoreSettings settings, IMappingStore folder,
                                            Func<IMappingStore, Task<T>> operation, bool schemaAlreadyChecked = false)
    {
        var table = new TableMappingStore(settings);
        if (schemaAlreadyChecked) table.Initialize();
        long before = table.Requests.Total;
        var watch = Stopwatch.StartNew();
        await operation(table);
        double tableMs = watch.Elapsed.TotalMilliseconds;
        long requests = table.Requests.Total - before;
        watch.Restart();
        await operation(folder);
        double folderMs = watch.Elapsed.TotalMilliseconds;
        bool met = target == 0 || requests <= target;
        Console.WriteLine($"{what,-44}{requests,14}  {(target == 0 ? "-" : "<= " + target),6}  {tableMs,8:N0}  {folderMs,9:N0}{(met ? "" : "  NOT met")}");
        return met;
    }

    private static CustomerMapping Mapping(int n, bool sync = false) =>
        new(new Guid(9, (short)(n >> 16), (short)(n & 0xFFFF), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }),
            $"Customer {n}", 1000 + n, $"Company {n}", 100_000 + n, $"Contract {n}", sync);
}
