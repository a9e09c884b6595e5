using System.Diagnostics;
using System.Security;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Sync;
using PsaMapping.Sandbox;

namespace PsaMapping.Engine.Tests.Sync
{
    /// <summary>
    /// A usage sync killed at any moment (tests/PsaMapping.SyncWorker, run as its own process): the next run ends with
    /// exact units, and the sync log has an intent for every adjustment the sandbox received. Adjustments are
    /// irreversible, so a crash must never leave a post unaccounted for, nor let the rerun post it twice.
    /// </summary>
    public sealed class SyncKillTests : IAsyncLifetime
    {
        private const double LockSeconds = 1;

        private readonly string _folder = Path.Combine(Path.GetTempPath(), "psamapping-kill-" + Guid.NewGuid().ToString("N"), "store");
        private readonly Xunit.Abstractions.ITestOutputHelper _output;
        private SandboxServer _server = null!;

        public SyncKillTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

        public async Task InitializeAsync()
        {
            _server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 60, CompanyCount = 100, Seed = 41 });
            var store = new FolderMappingStore(_folder);
            var contracts = _server.Contracts.ToDictionary(c => c.Id);
            await store.SaveAsync(_ => _server.Billing.ContractOfTenant.Select(pair =>
            {
                SandboxContract contract = contracts[pair.Value];
                return MappingEdit.Upsert(new CustomerMapping(pair.Key, _server.Tenants.Single(t => t.Id == pair.Key).Name, contract.CompanyId, "Company",
                    contract.Id, contract.ContractName, syncEnabled: true));
            }), "tests");
            await store.SaveProductsAsync(_ => SandboxBilling.Products.Select(p =>
                ProductMappingEdit.Upsert(new ProductMapping(p.ProductCode, SandboxBilling.ServiceIdOf(p.ProductCode), p.ProductCode))), "tests");
        }

        public async Task DisposeAsync()
        {
            await _server.DisposeAsync();
            string parent = Path.GetDirectoryName(_folder)!;
            if (Directory.Exists(parent)) Directory.Delete(parent, recursive: true);
        }

        private Process StartWorker()
        {
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            // From its own output folder: the copy beside the tests would resolve its dependencies through the tests'
            // files, where the ASP.NET Core framework of the sandbox supplies some of them.
            string own = AppContext.BaseDirectory.Replace("PsaMapping.Engine.Tests", "PsaMapping.SyncWorker");
            start.ArgumentList.Add(Path.Combine(own, "PsaMapping.SyncWorker.dll"));
            start.ArgumentList.Add(_folder);
            start.ArgumentList.Add(_server.SophosApiUri.ToString());
            start.ArgumentList.Add(_server.AutotaskApiUri.ToString());
            start.ArgumentList.Add(LockSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.Environment["PSAMAPPING_WORKER_SOPHOS_ID"] = _server.Options.SophosClientId;
            start.Environment["PSAMAPPING_WORKER_SOPHOS_SECRET"] = _server.Options.SophosClientSecret;
            start.Environment["PSAMAPPING_WORKER_AUTOTASK_USER"] = _server.Options.AutotaskUserName;
            start.Environment["PSAMAPPING_WORKER_AUTOTASK_SECRET"] = _server.Options.AutotaskSecret;
            start.Environment["PSAMAPPING_WORKER_AUTOTASK_CODE"] = _server.Options.AutotaskIntegrationCode;
            return Process.Start(start)!;
        }

        /// <summary>Runs a sync to its end, waiting out the lock a killed run left behind (it expires after LockSeconds).</summary>
        private async Task RunToEndAsync()
        {
            for (int attempt = 0; ; attempt++)
            {
                using Process worker = StartWorker();
                string output = (await worker.StandardOutput.ReadToEndAsync()).Trim();
                string errors = await worker.StandardError.ReadToEndAsync();
                await worker.WaitForExitAsync();
                if (output.StartsWith("done", StringComparison.Ordinal)) return;
                Assert.True(output == "SyncLocked" && attempt < 50, $"The sync worker failed: {output} {errors}");
                await Task.Delay(TimeSpan.FromSeconds(LockSeconds / 4));
            }
        }

        /// <summary>What a sync would post now, planned in this process against the sandbox: nothing, when the units are exact.</summary>
        private async Task<IReadOnlyList<SyncLine>> PlanAsync()
        {
            var sophos = new SophosCentralClient(new ClientCredential(_server.Options.SophosClientId, Secure(_server.Options.SophosClientSecret)), _server.SophosAuthUri, _server.SophosApiUri);
            var autotask = new AutotaskClient(new AutotaskCredential(_server.Options.AutotaskUserName, Secure(_server.Options.AutotaskSecret), Secure(_server.Options.AutotaskIntegrationCode)),
                apiUri: _server.AutotaskApiUri);
            await sophos.ConnectAsync(CancellationToken.None);
            await autotask.ConnectAsync(CancellationToken.None);
            var store = new FolderMappingStore(_folder);
            MappingSnapshot saved = await store.LoadAsync();
            (int year, int month) = UsageSyncRequest.PreviousMonth(DateTimeOffset.UtcNow);
            var request = new UsageSyncRequest(year, month, UsageSyncRequest.DefaultEffectiveDate(year, month),
                saved.Mappings.Select(m => new SyncSubject(m.SophosCustomerId, m.SophosCustomerName, m, false)).ToList(), addMissingService: true, whatIf: true);
            return (await new UsageSync(sophos, new AutotaskDirectory(autotask), store, "check").RunAsync(request, null, CancellationToken.None)).Lines;
        }

        private static SecureString Secure(string text)
        {
            var secure = new SecureString();
            foreach (char c in text) secure.AppendChar(c);
            return secure;
        }

        [Fact]
        public async Task A_sync_killed_at_fifty_random_moments_ends_exact_on_rerun_and_the_log_accounts_for_every_adjustment()
        {
            int runs = KillRuns.FromEnvironment(50);
            var random = new Random(20261206);
            DateTime last = _server.Billing.ThisMonth.AddMonths(-1);
            var items = _server.Billing.Usage(last.Year, last.Month)!.Where(i => i.AccountId.HasValue && _server.Billing.ContractOfTenant.ContainsKey(i.AccountId.Value)).ToList();
            int killedWhilePosting = 0;

            var clock = Stopwatch.StartNew();
            await RunToEndAsync(); // the seeded differences, and how long one run takes
            TimeSpan oneRun = clock.Elapsed;

            for (int run = 0; run < runs; run++)
            {
                // New usage for a few products, so that the killed run has adjustments to post.
                foreach (var item in items.OrderBy(_ => random.Next()).Take(12))
                    _server.Billing.SetUsage(last.Year, last.Month, item.AccountId!.Value, item.ProductCode, random.Next(0, 60));

                int before = _server.Billing.Adjustments.Count;
                using (Process worker = StartWorker())
                {
                    // Half the kills at any moment of a run, half once posting has begun.
                    if (run % 2 == 0)
                        await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * oneRun.TotalMilliseconds));
                    else
                    {
                        while (!worker.HasExited && _server.Billing.Adjustments.Count == before) await Task.Delay(1);
                        await Task.Delay(random.Next(0, 20));
                    }

                    if (!worker.HasExited)
                    {
                        worker.Kill(entireProcessTree: true);
                        if (_server.Billing.Adjustments.Count > before) killedWhilePosting++;
                    }
                    await worker.WaitForExitAsync();
                }

                await RunToEndAsync();

                IReadOnlyList<SyncLine> plan = await PlanAsync();
                // Exact: nothing left to post but what Autotask refuses every time (a posted period).
                Assert.All(plan.Where(l => l.Status == SyncLineStatus.WouldAdjust), l => Assert.Contains(_server.Billing.Adjustments, a =>
                    a.Outcome == SandboxAdjustmentOutcome.Refused && a.ContractId == l.ContractId && a.UnitChange == l.UnitChange));
                AssertLogAccountsForEveryAdjustment();
            }

            _output.WriteLine($"{runs} kills, {killedWhilePosting} while posting; {_server.Billing.Adjustments.Count} adjustments received.");
            Assert.True(killedWhilePosting > 0, "no kill landed while adjustments were being posted");
        }

        /// <summary>Every adjustment the sandbox received has an intent in the sync log (written before its POST).</summary>
        private void AssertLogAccountsForEveryAdjustment()
        {
            var log = new FolderMappingStore(_folder).ReadSyncLogAsync(SyncLogQuery.All).GetAwaiter().GetResult();
            var intents = log.Where(e => e.Event == SyncLogEvent.Intent)
                .GroupBy(e => (e.ContractId, e.AutotaskServiceId, e.UnitChange, e.EffectiveDate)).ToDictionary(g => g.Key, g => g.Count());
            foreach (var received in _server.Billing.Adjustments.GroupBy(a => (a.ContractId, a.ServiceId ?? 0, a.UnitChange, a.EffectiveDate)))
                Assert.True(intents.TryGetValue(received.Key, out int logged) && logged >= received.Count(),
                    $"The sandbox received {received.Count()} adjustment(s) {received.Key} but the log has {(intents.TryGetValue(received.Key, out int l) ? l : 0)} intent(s).");
            var outcomes = new HashSet<Guid>(log.Where(e => e.Event != SyncLogEvent.Intent).Select(e => e.AdjustmentId));
            var posted = new HashSet<long?>(log.Where(e => e.Event == SyncLogEvent.Posted).Select(e => e.AutotaskItemId));
            // An applied adjustment's id is in the log unless its process was killed between the POST and the outcome entry.
            int unanswered = log.Count(e => e.Event == SyncLogEvent.Intent && !outcomes.Contains(e.AdjustmentId));
            Assert.True(_server.Billing.Adjustments.Count(a => a.Outcome == SandboxAdjustmentOutcome.Applied && !posted.Contains(a.Id)) <= unanswered);
        }
    }
}
