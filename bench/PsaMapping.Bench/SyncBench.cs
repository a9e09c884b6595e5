using System.Diagnostics;
using System.Globalization;
using PsaMapping.Engine;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Sync;
using PsaMapping.Sandbox;

/// <summary>
/// The usage sync against the sandbox with a fixed latency per request: requests against the minimum the data
/// allows, wall time against the critical path at 3 requests in flight per Autotask endpoint, a second run (which
/// must post nothing), and beside it the naive way (per customer: its usage, one units query per service, one POST
/// per line).
///   dotnet run -c Release --project bench/PsaMapping.Bench -- sync [--customers 2000 --latency-ms 50 --seed 1]
/// </summary>
internal static class SyncBench
{
    private const int PerEndpoint = 3;
    private const int NaiveSample = 200;

    public static async Task<int> RunAsync(string[] args)
    {
        int customers = 2000, latency = 50, seed = 1;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            int value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--customers": customers = value; break;
                case "--latency-ms": latency = value; break;
                case "--seed": seed = value; break;
                default: throw new ArgumentException("Unknown option " + args[i]);
            }
        }

        // Enough tenants that `customers` of them are usage-billed and have a Recurring Service contract to map to.
        await using SandboxServer server = await SandboxServer.StartAsync(new SandboxOptions
        {
            TenantCount = customers * 3, CompanyCount = customers * 4, ContractsPerCompany = 2, Seed = seed,
        });
        var mapped = server.Billing.ContractOfTenant.Take(customers).ToList();
        DateTime last = server.Billing.ThisMonth.AddMonths(-1);
        var usage = server.Billing.Usage(last.Year, last.Month)!;
        var mappedIds = mapped.Select(m => m.Key).ToHashSet();
        Console.WriteLine($"Usage sync of {mapped.Count:N0} mapped customers ({usage.Count(u => u.AccountId is Guid id && mappedIds.Contains(id)) / (double)Math.Max(1, mapped.Count):0.0} products each), " +
                          $"sandbox latency {latency} ms a request.");
        if (mapped.Count < customers) Console.WriteLine($"  (the sandbox has only {mapped.Count} mappable usage customers)");

        string folder = Path.Combine(Path.GetTempPath(), "psamapping-syncbench-" + Guid.NewGuid().ToString("N"));
        var store = new FolderMappingStore(folder);
        var contracts = server.Contracts.ToDictionary(c => c.Id);
        await store.SaveAsync(_ => mapped.Select(pair => MappingEdit.Upsert(new CustomerMapping(pair.Key, server.Tenants.First(t => t.Id == pair.Key).Name,
            contracts[pair.Value].CompanyId, "Company", pair.Value, contracts[pair.Value].ContractName, syncEnabled: true))), "bench");
        await store.SaveProductsAsync(_ => SandboxBilling.Products.Select(p =>
            ProductMappingEdit.Upsert(new ProductMapping(p.ProductCode, SandboxBilling.ServiceIdOf(p.ProductCode), p.ProductCode))), "bench");

        // What the data allows at the least: token, whoami, the usage pages, zone, the 2 picklists connecting reads,
        // the mapped contracts, their lines and their units in force in pages of 500, and one POST per line to change.
        var contractIds = mapped.Select(m => m.Value).Distinct().ToList();
        int usagePages = Pages(usage.Count, SophosCentralClient.PageSize);
        int contractPages = Pages(contractIds.Count, 500);
        var lines = contractIds.SelectMany(id => server.Billing.ContractServicesOf(id)).ToList();
        int linePages = Pages(lines.Count, 500);
        int unitRows = lines.Count(l => server.Billing.UnitsOn(l.Id, server.Billing.ThisMonth) != null);
        int unitPages = Pages(unitRows, 500);

        server.Faults.LatencyMs = latency;
        var first = await RunAsync(server, store, mapped.Count);
        int posts = first.Posts;
        long minimum = 2 + usagePages + 1 + 2 + contractPages + linePages + unitPages + posts;
        // The critical path in round trips: the Sophos chain (token, whoami, usage pages one after another when they
        // come by key) beside the Autotask reads (zone, picklists, then the slowest endpoint's pages 3 at a time),
        // then the POSTs, 3 at a time.
        int sophosChain = 2 + usagePages;
        int autotaskChain = 2 + Ceiling(Math.Max(contractPages, Math.Max(linePages, unitPages)), PerEndpoint);
        double bound = (Math.Max(sophosChain, autotaskChain) + Ceiling(posts, PerEndpoint)) * latency / 1000.0;

        var second = await RunAsync(server, store, mapped.Count);
        long secondMinimum = minimum - posts;
        double secondBound = Math.Max(sophosChain, autotaskChain) * latency / 1000.0;

        // The naive way on a sandbox of its own from the same seed (so it finds the same differences to post), over the
        // first customers only, scaled to all of them: run in full it takes minutes.
        await using SandboxServer naiveServer = await SandboxServer.StartAsync(new SandboxOptions
        {
            TenantCount = customers * 3, CompanyCount = customers * 4, ContractsPerCompany = 2, Seed = seed,
        });
        naiveServer.Faults.LatencyMs = latency;
        string naive = await NaiveAsync(naiveServer, store, Math.Min(NaiveSample, mapped.Count), mapped.Count);

        Console.WriteLine();
        Console.WriteLine("run     | requests | minimum | ratio | POSTs | wall s | bound s | ratio");
        Console.WriteLine("--------|----------|---------|-------|-------|--------|---------|------");
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "first   | {0,8:N0} | {1,7:N0} | {2,5:0.00} | {3,5:N0} | {4,6:0.00} | {5,7:0.00} | {6,5:0.00}",
            first.Requests, minimum, first.Requests / (double)minimum, posts, first.Seconds, bound, first.Seconds / bound));
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "second  | {0,8:N0} | {1,7:N0} | {2,5:0.00} | {3,5:N0} | {4,6:0.00} | {5,7:0.00} | {6,5:0.00}",
            second.Requests, secondMinimum, second.Requests / (double)secondMinimum, second.Posts, second.Seconds, secondBound, second.Seconds / secondBound));
        Console.WriteLine("naive   | " + naive);
        Console.WriteLine();
        Console.WriteLine($"minimum: token + whoami + {usagePages} usage pages of 100 + zone + 2 picklists + {contractPages} contract, {linePages} service-line and {unitPages} unit pages of 500 + one POST per line to change.");
        Console.WriteLine("bound: the longer of the Sophos chain (usage pages by key, one after another) and the Autotask reads at 3 at a time per endpoint, then the POSTs at 3 at a time, x latency.");
        Console.WriteLine($"naive: per customer one usage request (as if Sophos could filter by customer), its contract's lines, one units query per line, one POST per line to change; 3 customers at a time, on a fresh sandbox of the same seed, measured on the first {NaiveSample} customers and scaled.");
        bool met = first.Requests <= minimum * 1.05 && first.Seconds <= bound * 1.5 && second.Posts == 0;
        Console.WriteLine($"targets: requests <= 1.05 x minimum {Verdict(first.Requests <= minimum * 1.05)}; wall <= 1.5 x bound {Verdict(first.Seconds <= bound * 1.5)}; second run 0 POSTs {Verdict(second.Posts == 0)}.");
        Directory.Delete(folder, recursive: true);
        return met ? 0 : 1;
    }

    private static string Verdict(bool met) => met ? "met" : "NOT met";

    private sealed record Run(long Requests, int Posts, double Seconds, string Summary);

    private static async Task<Run> RunAsync(SandboxServer server, FolderMappingStore store, int count)
    {
        server.Counters.Reset();
        int before = server.Billing.Adjustments.Count;
        var wall = Stopwatch.StartNew();
        using var sophos = SophosClient(server);
        using var autotask = AutotaskClient(server);
        await Task.WhenAll(sophos.ConnectAsync(CancellationToken.None), autotask.ConnectAsync(CancellationToken.None));
        MappingSnapshot saved = await store.LoadAsync();
        (int year, int month) = UsageSyncRequest.PreviousMonth(DateTimeOffset.UtcNow);
        var request = new UsageSyncRequest(year, month, UsageSyncRequest.DefaultEffectiveDate(year, month),
            saved.Mappings.Select(m => new SyncSubject(m.SophosCustomerId, m.SophosCustomerName, m, false)).ToList(), addMissingService: false, whatIf: false);
        UsageSyncResult result = await new UsageSync(sophos, new AutotaskDirectory(autotask), store, "bench").RunAsync(request, null, CancellationToken.None);
        wall.Stop();
        return new Run(server.Counters.TotalRequests, server.Billing.Adjustments.Count - before, wall.Elapsed.TotalSeconds, SyncSummary.Sentence(result.Lines, false));
    }

    /// <summary>Per customer: its usage, one units query per service line of its contract, one POST per line that differs.</summary>
    private static async Task<string> NaiveAsync(SandboxServer server, FolderMappingStore store, int sample, int count)
    {
        server.Counters.Reset();
        var wall = Stopwatch.StartNew();
        using var sophos = SophosClient(server);
        using var autotask = AutotaskClient(server);
        await Task.WhenAll(sophos.ConnectAsync(CancellationToken.None), autotask.ConnectAsync(CancellationToken.None));
        var billing = new AutotaskBilling(autotask);
        MappingSnapshot saved = await store.LoadAsync();
        (int year, int month) = UsageSyncRequest.PreviousMonth(DateTimeOffset.UtcNow);
        DateTime effective = UsageSyncRequest.DefaultEffectiveDate(year, month);
        var map = saved.Products.ToDictionary(p => p.ProductCode, p => p.AutotaskServiceId, StringComparer.OrdinalIgnoreCase);
        int posts = 0;
        using var gate = new SemaphoreSlim(PerEndpoint);
        SophosUsageReport usage = await sophos.GetUsageAsync(year, month, refresh: false, null, CancellationToken.None);
        long usageRequests = server.Counters.TotalRequests;
        await Task.WhenAll(saved.Mappings.Take(sample).Select(async mapping =>
        {
            await gate.WaitAsync();
            try
            {
                // Counted as one usage request per customer, as if Sophos offered a customer filter (it does not).
                await Task.Delay(server.Faults.LatencyMs);
                var targets = usage.Items.Where(u => u.SophosCustomerId == mapping.SophosCustomerId && map.ContainsKey(u.ProductCode))
                    .GroupBy(u => map[u.ProductCode]).ToDictionary(g => g.Key, g => g.Sum(u => u.BillableQuantity));
                var lines = await billing.GetContractServicesAsync(new[] { mapping.ContractId }, CancellationToken.None);
                foreach (var line in lines.Where(l => targets.ContainsKey(l.AutotaskServiceId)))
                {
                    var units = await billing.GetContractServiceUnitsAsync(new[] { mapping.ContractId }, effective, CancellationToken.None);
                    decimal current = AutotaskBilling.UnitsInForce(units.Where(u => u.ContractServiceId == line.ContractServiceId), effective)?.Units ?? 0m;
                    if (current == targets[line.AutotaskServiceId]) continue;
                    Interlocked.Increment(ref posts);
                    await billing.PostAdjustmentAsync(new ServiceAdjustment(mapping.ContractId, line.ContractServiceId, line.AutotaskServiceId, effective,
                        targets[line.AutotaskServiceId] - current), CancellationToken.None);
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        wall.Stop();
        double scale = count / (double)sample;
        long requests = (long)((server.Counters.TotalRequests - usageRequests + sample) * scale);
        return string.Format(CultureInfo.InvariantCulture, "{0,8:N0} |         |       | {1,5:N0} | {2,6:0.00} |         |   (measured on {3} customers, scaled x{4:0.#})",
            requests, (int)(posts * scale), wall.Elapsed.TotalSeconds * scale, sample, scale);
    }

    private static SophosCentralClient SophosClient(SandboxServer server) => Bench.SophosClient(server);

    private static AutotaskClient AutotaskClient(SandboxServer server) => Bench.AutotaskClient(server);

    private static int Pages(int rows, int size) => Bench.Pages(rows, size);

    private static int Ceiling(int value, int by) => Bench.Ceiling(value, by);
}
