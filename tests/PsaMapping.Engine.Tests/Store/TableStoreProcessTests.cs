using System.Diagnostics;
using System.Globalization;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Store.Tables;
using PsaMapping.StoreWorker;

namespace PsaMapping.Engine.Tests.Store
{
    using PsaMapping.Engine.Tests;

    /// <summary>
    /// The table store under real processes (tests/PsaMapping.StoreWorker against Azurite): one killed at random
    /// moments while it saves, four saving at once, and two hosts racing for the sync lock.
    /// </summary>
    [Collection(AzuriteCollection.Name)]
    public sealed class TableStoreProcessTests(AzuriteFixture azurite, Xunit.Abstractions.ITestOutputHelper output)
    {
        private Process StartWorker(bool input, params string[] arguments)
        {
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = input };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PsaMapping.StoreWorker.dll"));
            foreach (string argument in arguments) start.ArgumentList.Add(argument);
            start.Environment["PSAMAPPING_TEST_TABLE_CONNECTION"] = azurite.Server.ConnectionString;
            return Process.Start(start)!;
        }

        [Fact]
        public async Task A_process_killed_at_random_moments_while_saving_loses_no_mapping_and_no_history_entry()
        {
            azurite.NewStore(out string table);
            var store = new TableMappingStore(azurite.Settings(table));
            var random = new Random(20261206);
            int runs = KillRuns.FromEnvironment(KillRuns.Default);
            int saved = 0, killedMidRun = 0;
            for (int kill = 0; kill < runs; kill++)
            {
                using Process worker = StartWorker(false, "crash", "table:" + table);
                int before = saved;
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (DateTime.UtcNow < deadline && !worker.HasExited && store.Load().Count == before) await Task.Delay(5);
                await Task.Delay(random.Next(0, 40));
                if (!worker.HasExited)
                {
                    worker.Kill();
                    killedMidRun++;
                }
                await worker.WaitForExitAsync();

                MappingSnapshot snapshot = store.Load();
                Assert.True(snapshot.Count >= saved, "a saved mapping was lost");
                for (int n = 1; n <= snapshot.Count; n++)
                    Assert.True(Worker.Mapping(0, n).SameAs(snapshot.Find(Worker.Mapping(0, n).SophosCustomerId)), $"mapping {n} of {snapshot.Count}");
                saved = snapshot.Count;
            }

            StoredEntries<AuditEntry> history = store.ReadHistory();
            output.WriteLine($"{killedMidRun} kills while saving; {saved} mappings saved; {history.Count} history entries");
            Assert.Equal(runs, killedMidRun);
            Assert.True(saved >= runs, $"only {saved} saves in {runs} runs");
            Assert.Equal(saved, history.Count); // every saved mapping has its entry: 0 lost
            Assert.Equal(0, history.Skipped);
        }

        [Fact]
        public async Task Four_processes_saving_100_mappings_each_at_once_save_all_400_with_400_history_entries()
        {
            azurite.NewStore(out string table);
            var workers = Enumerable.Range(1, 4).Select(w => StartWorker(false, "concurrent", "table:" + table, w.ToString(CultureInfo.InvariantCulture), "100")).ToList();
            foreach (Process worker in workers)
            {
                await worker.WaitForExitAsync();
                Assert.True(worker.ExitCode == 0, await worker.StandardError.ReadToEndAsync());
                worker.Dispose();
            }

            var store = new TableMappingStore(azurite.Settings(table));
            MappingSnapshot snapshot = store.Load();
            Assert.Equal(400, snapshot.Count);
            foreach (int w in Enumerable.Range(1, 4))
                for (int n = 1; n <= 100; n++)
                    Assert.True(Worker.Mapping(w, n).SameAs(snapshot.Find(Worker.Mapping(w, n).SophosCustomerId)));
            StoredEntries<AuditEntry> history = store.ReadHistory();
            Assert.Equal(400, history.Count);
            Assert.Equal(400, history.Select(e => e.SophosCustomerId).Distinct().Count());
        }

        [Fact]
        public async Task Two_hosts_taking_the_sync_lock_at_once_one_holds_it_and_the_other_is_told_who()
        {
            azurite.NewStore(out string table);
            using Process alice = StartWorker(true, "lock", "table:" + table, "alice", "300");
            using Process bob = StartWorker(true, "lock", "table:" + table, "bob", "300");
            // Each prints one line: "acquired" (and holds the lock until its input closes) or the error.
            string[] answers = await Task.WhenAll(alice.StandardOutput.ReadLineAsync(), bob.StandardOutput.ReadLineAsync())
                .WaitAsync(TimeSpan.FromMinutes(2)) is var read ? read.Select(l => l ?? "").ToArray() : Array.Empty<string>();
            foreach (Process host in new[] { alice, bob })
            {
                try
                {
                    host.StandardInput.Close();
                }
                catch (IOException)
                {
                    // the one refused has already exited
                }
                await host.WaitForExitAsync();
            }
            string all = string.Join("\n", answers);
            output.WriteLine(all);

            Assert.Single(answers, l => l == "acquired");
            Assert.Single(answers, l => l.StartsWith("SyncLocked ", StringComparison.Ordinal) && (l.Contains("alice") || l.Contains("bob")) && l.Contains(" until "));
        }
    }
}
