using System.Globalization;
using PsaMapping.Engine;
using PsaMapping.Engine.Mapping;
using PsaMapping.StoreWorker;

// A separate process working on a store, so that tests can kill it at any moment or run several at once. STORE is a
// folder, or table:NAME for a table of the Azure Table store whose connection string is in the environment variable
// PSAMAPPING_TEST_TABLE_CONNECTION (Azurite in the tests; never on the command line):
//   crash STORE                        saves forever, mapping n in revision n
//   concurrent STORE WORKER COUNT      saves COUNT mappings of its own, one save each
//   sync STORE CUSTOMERID on|off       turns one saved mapping's sync switch on or off
//   remove STORE CUSTOMERID            removes one customer's mapping
//   lock STORE HOLDER SECONDS          takes the sync lock, prints "acquired" (or the error id), then holds it
//                                      until its standard input closes (or it is killed), and releases it
// Every mapping's content follows from its number, so a test can tell a completely saved version from a torn one.
if (args.Length < 2) return Usage();
IMappingStore store = args[1].StartsWith("table:", StringComparison.Ordinal) ? Worker.Table(args[1].Substring(6)) : new FolderMappingStore(args[1]);
switch (args[0])
{
    case "crash":
        for (long next = (await store.LoadAsync()).Revision + 1; ; next++)
        {
            int n = (int)next;
            await store.SaveAsync(_ => new[] { MappingEdit.Upsert(Worker.Mapping(0, n)) }, "crash-worker");
        }
    case "concurrent" when args.Length == 4:
        int worker = int.Parse(args[2], CultureInfo.InvariantCulture), count = int.Parse(args[3], CultureInfo.InvariantCulture);
        for (int i = 1; i <= count; i++)
        {
            int n = i;
            await store.SaveAsync(_ => new[] { MappingEdit.Upsert(Worker.Mapping(worker, n)) }, "worker-" + worker);
        }
        return 0;
    case "sync" when args.Length == 4:
        Guid id = Guid.Parse(args[2]);
        bool on = args[3] == "on";
        var synced = await store.SaveAsync(current => new[] { MappingEdit.Upsert(current.Find(id)!.WithSyncEnabled(on)) }, "other-process");
        return synced.Changed == 1 ? 0 : 1;
    case "remove" when args.Length == 3:
        var removed = await store.SaveAsync(_ => new[] { MappingEdit.Remove(Guid.Parse(args[2])) }, "other-process");
        return removed.Removed == 1 ? 0 : 1;
    case "lock" when args.Length == 4:
        SyncLease lease;
        try
        {
            lease = await store.AcquireSyncLockAsync(args[2], TimeSpan.FromSeconds(double.Parse(args[3], CultureInfo.InvariantCulture)));
        }
        catch (PsaMappingException ex)
        {
            Console.WriteLine(ex.ErrorId + " " + ex.Message);
            return 1;
        }
        Console.WriteLine("acquired");
        Console.In.ReadToEnd();
        await store.ReleaseSyncLockAsync(lease);
        return 0;
    default:
        return Usage();
}

static int Usage()
{
    Console.Error.WriteLine("usage: PsaMapping.StoreWorker crash STORE | concurrent STORE WORKER COUNT | sync STORE CUSTOMERID on|off | remove STORE CUSTOMERID | lock STORE HOLDER SECONDS");
    return 2;
}

namespace PsaMapping.StoreWorker
{
    public static class Worker
    {
        public static IMappingStore Table(string name)
        {
            var secret = new System.Security.SecureString();
            foreach (char c in Environment.GetEnvironmentVariable("PSAMAPPING_TEST_TABLE_CONNECTION") ?? string.Empty) secret.AppendChar(c);
            return new PsaMapping.Engine.Store.Tables.TableMappingStore(PsaMapping.Engine.Store.Tables.TableStoreSettings.FromConnectionString(secret, name));
        }

        /// <summary>The mapping numbered <paramref name="n"/> of <paramref name="worker"/>: everything in it follows from the two.</summary>
        public static CustomerMapping Mapping(int worker, int n) =>
            new(new Guid(worker, (short)(n >> 16), (short)(n & 0xFFFF), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }),
                $"Customer {worker}-{n}", 1000 + n, $"Company {n}", 100_000 + n, $"Contract {n}", n % 2 == 0);
    }
}
