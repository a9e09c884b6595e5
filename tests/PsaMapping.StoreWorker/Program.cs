using PsaMapping.Engine.Mapping;

// Saves mappings into a store folder, one save per mapping, so that tests can kill it at any moment
// (`crash FOLDER`: saves forever, mapping n in revision n) or run several at once (`concurrent FOLDER
// WORKER COUNT`: COUNT mappings of its own). Every mapping's content follows from its number, so a test
// can tell a completely saved version from a torn one.
if (args.Length < 2) return Usage();
var store = new MappingStore(args[1]);
switch (args[0])
{
    case "crash":
        for (long next = store.Load().Revision + 1; ; next++)
            store.Save(new[] { MappingEdit.Upsert(Worker.Mapping(0, (int)next)) }, "crash-worker");
    case "concurrent" when args.Length == 4:
        int worker = int.Parse(args[2]), count = int.Parse(args[3]);
        for (int i = 1; i <= count; i++)
            store.Save(new[] { MappingEdit.Upsert(Worker.Mapping(worker, i)) }, "worker-" + worker);
        return 0;
    default:
        return Usage();
}

static int Usage()
{
    Console.Error.WriteLine("usage: PsaMapping.StoreWorker crash FOLDER | concurrent FOLDER WORKER COUNT");
    return 2;
}

public static class Worker
{
    /// <summary>The mapping numbered <paramref name="n"/> of <paramref name="worker"/>: everything in it follows from the two.</summary>
    public static CustomerMapping Mapping(int worker, int n) =>
        new(new Guid(worker, (short)(n >> 16), (short)(n & 0xFFFF), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }),
            $"Customer {worker}-{n}", 1000 + n, $"Company {n}", 100_000 + n, $"Contract {n}", n % 2 == 0);
}
