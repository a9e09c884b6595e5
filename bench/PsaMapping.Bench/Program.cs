using System.Diagnostics;
using System.Globalization;
using System.Security;
using PsaMapping.Engine;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Suggestions;
using PsaMapping.Sandbox;

// Suggestions for every customer, against the sandbox with a fixed latency per request: how many requests
// against the minimum the page sizes allow, how long against the critical path, how long matching takes,
// how much memory it needs, and how good the High-confidence suggestions are. Beside it, the naive way
// (one company search per customer, one contract query per company).
//
//   dotnet run -c Release --project bench/PsaMapping.Bench -- sync [...]   the usage sync instead (SyncBench.cs)
//   dotnet run -c Release --project bench/PsaMapping.Bench -- store        the store's table requests against Azurite (StoreBench.cs)
//   dotnet run -c Release --project bench/PsaMapping.Bench [-- --sizes 200x1000,2000x10000,10000x50000 --latency-ms 50 --naive-max 2000 --warmups 2 --runs 5]
//   --details also prints, for the last run of each size, its requests by endpoint, its CPU time and JIT work, and a
//   timeline of every request (start and end, ms).

if (args.Length > 0 && args[0] == "sync") return await SyncBench.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "store") return await StoreBench.RunAsync();

var options = BenchOptions.Parse(args);
Console.WriteLine($"Suggestions for every customer; sandbox latency {options.LatencyMs} ms a request; 3 contracts a customer company on average.");
Console.WriteLine();
Console.WriteLine(Row.Header);
Console.WriteLine(Row.Rule);
var rows = new List<Row>();
foreach ((int customers, int companies) in options.Sizes)
{
    Row row = await Bench.MeasureAsync(customers, companies, options);
    rows.Add(row);
    Console.WriteLine(row);
}

Console.WriteLine();
Console.WriteLine("requests: the most any measured run of ours used / the minimum (token + whoami + tenant pages of 100 + zone + 2 picklists + company and active-contract pages of 500).");
Console.WriteLine($"wall: ours, from connecting to the last suggestion, the median of {options.Runs} runs that follow {options.Warmups} unreported ones on the same sandbox / the critical path (calls that must follow each other + the slowest endpoint's pages at 3 at a time) x latency.");
Console.WriteLine("  Spread over the measured runs, and the first run of each size, before the runtime's JIT has settled:");
foreach (Row row in rows)
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0,9:N0} customers: {1:0.00} s to {2:0.00} s; first run {3:0.00} s{4}.",
        row.Customers, row.FastestSeconds, row.SlowestSeconds, row.FirstSeconds, row == rows[0] ? " (the process's very first)" : ""));
Console.WriteLine("match: building the index and matching every customer; peak: the most managed memory matching needed above what was live before.");
Console.WriteLine("precision / recall: of High-confidence suggestions, against the sandbox's ground truth (recall over customers whose company is active and has an active contract).");
Console.WriteLine("high cov: of the customers whose mapping is unambiguous (company active with one active contract; the customer's name is the company's, and no other active company or customer has it; inactive same-name twins allowed), the share suggested High and right.");
Console.WriteLine("naive: one company search per customer, one contract query per company.");
Row? target = rows.FirstOrDefault(r => r.Customers == 2000);
Console.WriteLine();
Console.WriteLine(target == null
    ? "targets (at 2,000 customers): not measured; add 2000x10000 to --sizes."
    : $"targets at 2,000 customers: request ratio <= 1.10 {Verdict(target.RequestRatio <= 1.10)} ({target.RequestRatio:0.00}); " +
      $"wall-time ratio <= 1.5 {Verdict(target.WallRatio <= 1.5)} ({target.WallRatio:0.00}); " +
      $"precision >= 0.99 {Verdict(target.Precision >= 0.99)} ({target.Precision:0.000}); recall >= 0.90 {Verdict(target.Recall >= 0.90)} ({target.Recall:0.000}); " +
      $"high cov >= 0.97 {Verdict(target.Coverage >= 0.97)} ({target.Coverage:0.000}).");

Console.WriteLine();
Bench.PrintBuildingBlocks();

static string Verdict(bool met) => met ? "met" : "NOT met";
return 0;

internal sealed record BenchOptions(List<(int Customers, int Companies)> Sizes, int LatencyMs, int NaiveMax, int Seed, int Warmups, int Runs, bool Details = false)
{
    public static BenchOptions Parse(string[] args)
    {
        var sizes = new List<(int, int)> { (200, 1000), (2000, 10000), (10000, 50000) };
        int latency = 50, naiveMax = 2000, seed = 1, warmups = 2, runs = 5;
        bool details = args.Contains("--details");
        args = args.Where(a => a != "--details").ToArray();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            switch (args[i])
            {
                case "--sizes":
                    sizes = value.Split(',').Select(s => s.Split('x')).Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
                    break;
                case "--latency-ms": latency = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--naive-max": naiveMax = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--warmups": warmups = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--runs": runs = Math.Max(1, int.Parse(value, CultureInfo.InvariantCulture)); break;
                default: throw new ArgumentException("Unknown option " + args[i]);
            }
        }

        return new BenchOptions(sizes, latency, naiveMax, seed, warmups, runs, details);
    }
}

internal sealed record Row(int Customers, int Companies, long Requests, long Minimum, double WallSeconds, double BoundSeconds,
    double MatchMs, double PeakMb, double Precision, double Recall, double Coverage, string Naive)
{
    public double FastestSeconds { get; init; }
    public double SlowestSeconds { get; init; }
    public double FirstSeconds { get; init; }

    public double RequestRatio => (double)Requests / Minimum;
    public double WallRatio => WallSeconds / BoundSeconds;

    public const string Header =
        "customers  companies  requests  minimum  ratio  wall s  bound s  ratio  match ms  peak MB  precision  recall  high cov  naive (requests, wall s, precision)";
    public static readonly string Rule = new('-', Header.Length);

    public override string ToString() => string.Format(CultureInfo.InvariantCulture,
        "{0,9:N0}  {1,9:N0}  {2,8:N0}  {3,7:N0}  {4,5:0.00}  {5,6:0.00}  {6,7:0.00}  {7,5:0.00}  {8,8:N0}  {9,7:N0}  {10,9:0.000}  {11,6:0.000}  {12,8:0.000}  {13}",
        Customers, Companies, Requests, Minimum, RequestRatio, WallSeconds, BoundSeconds, WallRatio, MatchMs, PeakMb, Precision, Recall, Coverage, Naive);
}

internal static class Bench
{
    private const int PerEndpoint = 3;

    /// <summary>
    /// Timings the unit tests leave to the benchmark: generating the sandbox's largest table, and ranking it as
    /// Find-AutotaskCompany does when every company has been fetched (an accidental quadratic would show here).
    /// </summary>
    public static void PrintBuildingBlocks()
    {
        var generate = Stopwatch.StartNew();
        var data = PsaMapping.Sandbox.Data.SandboxAutotaskData.Create(
            PsaMapping.Sandbox.Data.SandboxWorld.Create(42, 250), 50_000, 3, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        generate.Stop();
        var names = data.Companies.Select(c => c.CompanyName).ToList();

        var times = new List<double>();
        for (int run = 0; run < 6; run++)
        {
            var rank = Stopwatch.StartNew();
            _ = PsaMapping.Engine.Matching.AutocompleteRanker.Rank("contsoo", names, n => n, first: 20);
            if (run > 0) times.Add(rank.Elapsed.TotalMilliseconds); // the first run pays for the JIT
        }
        times.Sort();
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "sandbox: generating 50,000 companies and their contracts {0:0} ms; autocomplete: ranking their 50,000 names for 'contsoo' (first 20) {1:0.0} ms (median of 5).",
            generate.Elapsed.TotalMilliseconds, times[times.Count / 2]));
    }

    public static async Task<Row> MeasureAsync(int customerCount, int companyCount, BenchOptions options)
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions
        {
            TenantCount = customerCount, CompanyCount = companyCount, ContractsPerCompany = 3, Seed = options.Seed,
        });
        server.Faults.LatencyMs = options.LatencyMs;

        // Ours: a few unreported runs first, then the median of the measured ones. For the first several runs
        // of a process the runtime's tiered JIT recompiles hundreds of methods a run (HTTP, JSON, Kestrel,
        // matching), 0.1 to 0.5 s of compiler time on the two cores the client shares with the sandbox; after
        // the warm-up the median is the request schedule's own time. The first run is reported beside it, as
        // what a fresh process pays.
        var runs = new List<OursRun>();
        for (int i = 0; i < options.Warmups + options.Runs; i++)
            runs.Add(await RunOursAsync(server, options.Details && i == options.Warmups + options.Runs - 1));
        List<OursRun> measured = runs.Skip(options.Warmups).OrderBy(r => r.WallSeconds).ToList();
        OursRun median = measured[measured.Count / 2];
        SuggestionRun run = median.Run;
        long requests = measured.Max(r => r.Requests);

        int tenantPages = Pages(server.Tenants.Count, 100);
        int companyPages = Pages(server.Companies.Count, 500);
        int contractPages = Pages(server.Contracts.Count(c => c.Status == AutotaskCodes.ContractStatus.Active), 500);
        long minimum = 2 + tenantPages + 1 + 2 + companyPages + contractPages;
        if (options.Details)
            Console.WriteLine($"    {server.Tenants.Count:N0} tenants, {server.Companies.Count:N0} companies, {server.Contracts.Count(c => c.Status == AutotaskCodes.ContractStatus.Active):N0} active contracts");

        // The critical path in round trips: what must follow one another on each chain, with the pages
        // after the first at 3 at a time.
        int sophosChain = 2 + 1 + Ceiling(tenantPages - 1, PerEndpoint);
        int companyChain = 2 + Ceiling(companyPages, PerEndpoint);
        int contractChain = 3 + Ceiling(contractPages, PerEndpoint);
        double bound = Math.Max(sophosChain, Math.Max(companyChain, contractChain)) * options.LatencyMs / 1000.0;

        (double precision, double recall) = Quality(server, run.Suggestions.Where(s => s.Confidence == SuggestionConfidence.High).Select(s => (s.SophosCustomerId, s.AutotaskCompanyId)));
        double coverage = HighCoverage(server, run.Suggestions);
        double peakMb = MatchingPeakMegabytes(server);

        string naive = customerCount <= options.NaiveMax
            ? await NaiveAsync(server)
            : customerCount * 2 > 10_000
                ? $"not run: about {customerCount * 2:N0} requests, over Autotask's 10,000 an hour"
                : "not run (--naive-max)";

        return new Row(customerCount, server.Companies.Count, requests, minimum, median.WallSeconds, bound,
            run.MatchTime.TotalMilliseconds, peakMb, precision, recall, coverage, naive)
        {
            FastestSeconds = measured[0].WallSeconds, SlowestSeconds = measured[^1].WallSeconds, FirstSeconds = runs[0].WallSeconds,
        };
    }

    private sealed record OursRun(double WallSeconds, long Requests, SuggestionRun Run);

    /// <summary>One run of ours, from connecting to the last suggestion; with details, its requests and timeline.</summary>
    private static async Task<OursRun> RunOursAsync(SandboxServer server, bool details)
    {
        server.Counters.Reset();
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long jittedBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        var wall = Stopwatch.StartNew();
        Timeline.Start = wall;
        using var sophos = SophosClient(server, details);
        using var autotask = AutotaskClient(server, details);
        await Task.WhenAll(sophos.ConnectAsync(CancellationToken.None), autotask.ConnectAsync(CancellationToken.None));
        SuggestionRun run = await MappingSuggester.SuggestAsync(sophos, new AutotaskDirectory(autotask), MappingSnapshot.Empty,
            new SuggestionOptions(), NullObserver.Instance, CancellationToken.None);
        wall.Stop();
        if (details)
        {
            Console.WriteLine($"    last run: {wall.Elapsed.TotalMilliseconds:0} ms wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds:0} ms CPU (client and sandbox), " +
                $"{System.Runtime.JitInfo.GetCompiledMethodCount() - jittedBefore} methods compiled by the JIT");
            foreach (var pair in server.Counters.RequestsByEndpoint.OrderBy(p => p.Key)) Console.WriteLine($"    {pair.Key}: {pair.Value}");
            foreach (string line in Timeline.Lines.OrderBy(l => l)) Console.WriteLine("    " + line);
        }

        Timeline.Lines.Clear();
        return new OursRun(wall.Elapsed.TotalSeconds, server.Counters.TotalRequests, run);
    }

    /// <summary>One company search per customer, one contract query per company found: what scripts built on general-purpose modules do.</summary>
    private static async Task<string> NaiveAsync(SandboxServer server)
    {
        server.Counters.Reset();
        var wall = Stopwatch.StartNew();
        using var sophos = SophosClient(server);
        using var autotask = AutotaskClient(server);
        await Task.WhenAll(sophos.ConnectAsync(CancellationToken.None), autotask.ConnectAsync(CancellationToken.None));
        var directory = new AutotaskDirectory(autotask);
        var customers = await sophos.GetCustomersAsync(false, null, CancellationToken.None);
        var picks = await Task.WhenAll(customers.Select(async customer =>
        {
            var found = await directory.SearchCompaniesAsync(customer.SophosCustomerName, false, 1, CancellationToken.None);
            long? company = found.Count > 0 ? found[0].Item.AutotaskCompanyId : null;
            if (company.HasValue) await directory.GetContractsAsync(new[] { company.Value }, null, false, CancellationToken.None);
            return (customer.SophosCustomerId, company);
        }));
        wall.Stop();
        (double precision, _) = Quality(server, picks);
        return string.Format(CultureInfo.InvariantCulture, "{0:N0}, {1:0.0}, {2:0.000}", server.Counters.TotalRequests, wall.Elapsed.TotalSeconds, precision);
    }

    private static (double Precision, double Recall) Quality(SandboxServer server, IEnumerable<(Guid Customer, long? Company)> picks)
    {
        // A customer can be mapped only when its company is active and has an active contract: those are
        // the customers a complete suggestion exists for, and recall is counted over them.
        var mappable = server.Contracts.Where(c => c.Status == AutotaskCodes.ContractStatus.Active).Select(c => c.CompanyId)
            .Intersect(server.Companies.Where(c => c.IsActive).Select(c => c.Id)).ToHashSet();
        int answerable = server.Tenants.Count(t => server.IntendedCompanyId(t.Id) is long id && mappable.Contains(id));
        var made = picks.Where(p => p.Company.HasValue).ToList();
        int correct = made.Count(p => server.IntendedCompanyId(p.Customer) == p.Company);
        return (made.Count == 0 ? 1.0 : (double)correct / made.Count, answerable == 0 ? 1.0 : (double)correct / answerable);
    }

    /// <summary>
    /// Of the customers whose mapping is unambiguous, the share whose suggestion is High and right. Unambiguous:
    /// the customer's company is active and has one active contract, its name says which company it is (the
    /// same words once case, accents, punctuation and legal suffixes are set aside), and no other active company
    /// nor other customer has that name too. Inactive copies of a company under the same name (the sandbox makes
    /// some, as real databases keep them) do not make a mapping ambiguous: mapping to one is refused anyway.
    /// </summary>
    internal static double HighCoverage(SandboxServer server, IReadOnlyList<MappingSuggestion> suggestions)
    {
        var activeContracts = server.Contracts.Where(c => c.Status == AutotaskCodes.ContractStatus.Active).GroupBy(c => c.CompanyId).ToDictionary(g => g.Key, g => g.Count());
        var activeByCore = server.Companies.Where(c => c.IsActive).GroupBy(c => CompanyNameKey.Core(c.CompanyName)).ToDictionary(g => g.Key, g => g.Count());
        var tenantsByCore = server.Tenants.GroupBy(t => CompanyNameKey.Core(t.Name)).ToDictionary(g => g.Key, g => g.Count());
        var companies = server.Companies.ToDictionary(c => c.Id);
        var high = suggestions.Where(s => s.Confidence == SuggestionConfidence.High).ToDictionary(s => s.SophosCustomerId, s => s.AutotaskCompanyId);
        int unambiguous = 0, covered = 0;
        foreach (var tenant in server.Tenants)
        {
            if (server.IntendedCompanyId(tenant.Id) is not long id || !companies[id].IsActive) continue;
            if (!activeContracts.TryGetValue(id, out int contracts) || contracts != 1) continue;
            string core = CompanyNameKey.Core(companies[id].CompanyName);
            if (CompanyNameKey.Core(tenant.Name) != core || activeByCore[core] != 1 || tenantsByCore[core] != 1) continue;
            unambiguous++;
            if (high.TryGetValue(tenant.Id, out long? picked) && picked == id) covered++;
        }

        return unambiguous == 0 ? 1.0 : (double)covered / unambiguous;
    }

    /// <summary>Builds the index and matches every customer again, sampling the managed heap while it runs.</summary>
    private static double MatchingPeakMegabytes(SandboxServer server)
    {
        var companies = server.Companies.Where(c => c.IsActive).Select(c => new IndexedCompany(c.Id, c.CompanyName, c.IsActive, c.CompanyType == AutotaskCodes.CompanyType.Customer)).ToList();
        var names = server.Tenants.Select(t => t.Name).ToList();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = GC.GetTotalMemory(true), peak = baseline;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(2);
            }
        });
        var index = new CompanyNameIndex(companies);
        BatchConfidence.SuggestAll(index, names);
        peak = Math.Max(peak, GC.GetTotalMemory(false));
        done.Cancel();
        sampler.Wait();
        GC.KeepAlive(index);
        return (peak - baseline) / (1024.0 * 1024.0);
    }

    internal static SophosCentralClient SophosClient(SandboxServer server, bool timeline = false) =>
        new(new ClientCredential(server.Options.SophosClientId, Secure(server.Options.SophosClientSecret)), server.SophosAuthUri, server.SophosApiUri,
            timeline ? new Timeline(new HttpClientHandler()) : null);

    internal static AutotaskClient AutotaskClient(SandboxServer server, bool timeline = false) =>
        new(new AutotaskCredential(server.Options.AutotaskUserName, Secure(server.Options.AutotaskSecret), Secure(server.Options.AutotaskIntegrationCode)),
            server.AutotaskZoneUri, handler: timeline ? new Timeline(new HttpClientHandler()) : null);

    internal static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (char c in text) secure.AppendChar(c);
        return secure;
    }

    internal static int Pages(int rows, int size) => Math.Max(1, (rows + size - 1) / size);

    internal static int Ceiling(int value, int by) => (Math.Max(0, value) + by - 1) / by;
}

/// <summary>With --details: when each request of the measured run started and ended, to see the critical path.</summary>
internal sealed class Timeline(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public static Stopwatch Start = Stopwatch.StartNew();
    public static readonly List<string> Lines = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        double started = Start.Elapsed.TotalMilliseconds;
        string body = request.Content == null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        double ended = Start.Elapsed.TotalMilliseconds;
        string filter = body.Contains("\"id\"") ? " " + System.Text.RegularExpressions.Regex.Replace(body[body.IndexOf("\"filter\"", StringComparison.Ordinal)..], "\"(op|field|items)\":|\"value\":", "") : "";
        lock (Lines) Lines.Add($"{started,7:0} {ended,7:0}  {request.Method} {request.RequestUri!.AbsolutePath}{filter}");
        return response;
    }
}
