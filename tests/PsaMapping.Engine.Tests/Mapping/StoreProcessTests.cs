using System.Diagnostics;
using System.Globalization;
using PsaMapping.Engine.Mapping;
using PsaMapping.StoreWorker;

namespace PsaMapping.Engine.Tests
{
    /// <summary>
    /// The store under real processes: one killed at random moments while it saves, and four saving at once.
    /// The worker is tests/PsaMapping.StoreWorker, run as its own process.
    /// </summary>
    // In the Azurite collection so that it never runs beside the table's process tests: both start several processes,
    // and on a loaded machine the folder's 30-second lock wait was exceeded when they overlapped.
    [Collection(PsaMapping.Engine.Tests.Store.AzuriteCollection.Name)]
    public sealed class StoreProcessTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "psamapping-process-" + Guid.NewGuid().ToString("N"));
        private readonly Xunit.Abstractions.ITestOutputHelper _output;

        public StoreProcessTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

        public void Dispose()
        {
            if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        }

        private static Process StartWorker(params string[] arguments)
        {
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PsaMapping.StoreWorker.dll"));
            foreach (string argument in arguments) start.ArgumentList.Add(argument);
            return Process.Start(start)!;
        }

        [Fact]
        public async Task A_process_killed_at_random_moments_while_saving_always_leaves_a_completely_saved_version()
        {
            var random = new Random(20261124);
            long revision = 0;
            int runs = KillRuns.FromEnvironment(KillRuns.Default);
            int killedMidRun = 0;
            for (int kill = 0; kill < runs; kill++)
            {
                using Process worker = StartWorker("crash", _folder);
                // Wait until it is saving (its revision moved), then a little more at random, then kill it.
                long before = revision;
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while (DateTime.UtcNow < deadline && !worker.HasExited && CurrentRevision() == before) await Task.Delay(2);
                await Task.Delay(random.Next(0, 25));
                if (!worker.HasExited)
                {
                    worker.Kill();
                    killedMidRun++;
                }

                await worker.WaitForExitAsync();

                MappingSnapshot snapshot = new FolderMappingStore(_folder).Load(); // must load after every kill
                Assert.True(snapshot.Revision >= revision, "a saved version was lost");
                Assert.Equal(snapshot.Revision, snapshot.Mappings.Count);
                for (int n = 1; n <= snapshot.Revision; n++)
                    Assert.True(Worker.Mapping(0, n).SameAs(snapshot.Find(Worker.Mapping(0, n).SophosCustomerId)), $"mapping {n} of revision {snapshot.Revision}");
                revision = snapshot.Revision;
            }

            StoredEntries<AuditEntry> history = new FolderMappingStore(_folder).ReadHistory();
            _output.WriteLine($"{killedMidRun} kills while saving; {revision} complete versions saved; {history.Count} audit entries, {history.Skipped} torn lines skipped");
            Assert.Equal(runs, killedMidRun);
            Assert.True(revision >= runs, $"only {revision} saves in {runs} runs");
            // Every saved change has its entry, whatever moment the kills hit: none lost, none recorded twice.
            Assert.Equal(revision, history.Count);
            Assert.Equal(Enumerable.Range(1, (int)revision).Select(r => (long)r), history.Select(e => e.Revision));
        }

        [Fact]
        public async Task Four_processes_saving_100_mappings_each_at_once_save_all_400_with_400_audit_entries()
        {
            var workers = Enumerable.Range(1, 4).Select(w => StartWorker("concurrent", _folder, w.ToString(CultureInfo.InvariantCulture), "100")).ToList();
            foreach (Process worker in workers)
            {
                await worker.WaitForExitAsync();
                Assert.True(worker.ExitCode == 0, await worker.StandardError.ReadToEndAsync());
                worker.Dispose();
            }

            var store = new FolderMappingStore(_folder);
            MappingSnapshot snapshot = store.Load();
            Assert.Equal(400, snapshot.Mappings.Count);
            Assert.Equal(400, snapshot.Revision);
            foreach (int w in Enumerable.Range(1, 4))
                for (int n = 1; n <= 100; n++)
                    Assert.True(Worker.Mapping(w, n).SameAs(snapshot.Find(Worker.Mapping(w, n).SophosCustomerId)));
            StoredEntries<AuditEntry> history = store.ReadHistory();
            Assert.Equal(400, history.Count);
            Assert.Equal(0, history.Skipped);
            Assert.Equal(Enumerable.Range(1, 400).Select(r => (long)r), history.Select(e => e.Revision).OrderBy(r => r));
        }

        [Fact]
        public async Task Two_processes_taking_the_sync_lock_at_once_one_holds_it_and_the_other_is_told_who_and_until_when()
        {
            using Process first = StartWorker("lock", _folder, "host-1", "600");
            using Process second = StartWorker("lock", _folder, "host-2", "600");
            string?[] said = await Task.WhenAll(first.StandardOutput.ReadLineAsync(), second.StandardOutput.ReadLineAsync());

            Assert.Single(said, s => s == "acquired");
            string refusal = Assert.Single(said, s => s != "acquired")!;
            Assert.StartsWith("SyncLocked", refusal);
            Assert.Contains(said[0] == "acquired" ? "host-1" : "host-2", refusal);
            Assert.Contains("until", refusal);

            Process holder = said[0] == "acquired" ? first : second;
            holder.StandardInput.Close(); // done: it releases the lock
            await holder.WaitForExitAsync();
            Assert.Equal(0, holder.ExitCode);
            SyncLease next = await new FolderMappingStore(_folder).AcquireSyncLockAsync("test", TimeSpan.FromMinutes(1));
            Assert.Equal("test", next.Holder);
        }

        [Fact]
        public async Task The_sync_lock_of_a_killed_process_is_refused_until_it_expires_then_taken()
        {
            using Process crashed = StartWorker("lock", _folder, "crashed-host", "600");
            Assert.Equal("acquired", await crashed.StandardOutput.ReadLineAsync());
            crashed.Kill();
            await crashed.WaitForExitAsync();

            var refused = await Assert.ThrowsAsync<PsaMappingException>(() => new FolderMappingStore(_folder).AcquireSyncLockAsync("next", TimeSpan.FromMinutes(1)));
            Assert.Equal("SyncLocked", refused.ErrorId);
            Assert.Contains("crashed-host", refused.Message);

            var later = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddSeconds(601));
            SyncLease taken = await new FolderMappingStore(_folder, later).AcquireSyncLockAsync("next", TimeSpan.FromMinutes(1));
            Assert.Equal("next", taken.Holder);
        }

        private long CurrentRevision()
        {
            try
            {
                return new FolderMappingStore(_folder).Load().Revision;
            }
            catch (PsaMappingException)
            {
                return -1; // must never happen; the assertions after the kill say so
            }
        }
    }
}
