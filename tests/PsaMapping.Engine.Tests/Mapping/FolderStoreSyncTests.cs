using PsaMapping.Engine.Mapping;

namespace PsaMapping.Engine.Tests
{
    /// <summary>
    /// The shared sync-store facts (<see cref="StoreSyncTests"/>) on the folder, and the facts about the folder's own
    /// files: a sync-log line or audit lines torn by a kill.
    /// </summary>
    public sealed class FolderStoreSyncTests : StoreSyncTests, IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "psamapping-sync-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        }

        protected override IMappingStore Store() => Folder();

        private FolderMappingStore Folder() => new(_folder, Time);

        [Fact]
        public void A_sync_log_line_torn_by_a_kill_is_skipped_and_the_next_entry_is_kept()
        {
            var store = Folder();
            Guid b = Guid.NewGuid();
            store.AppendSyncLogAsync(Log(SyncLogEvent.Intent, 2, 10, b)).GetAwaiter().GetResult();
            File.AppendAllText(store.SyncLogPath, "{\"when\":\"2026-"); // killed mid-append
            store.AppendSyncLogAsync(Log(SyncLogEvent.Refused, 2, 10, b)).GetAwaiter().GetResult();
            var after = store.ReadSyncLog();
            Assert.Equal(2, after.Count);
            Assert.Equal(1, after.Skipped);
        }

        [Fact]
        public void A_save_interrupted_before_its_audit_lines_is_completed_by_the_next_save_and_read_as_complete_before()
        {
            var store = Folder();
            store.Save(new[] { MappingEdit.Upsert(Map(1)) }, "a");
            store.Save(new[] { MappingEdit.Upsert(Map(2)), MappingEdit.Upsert(Map(3)) }, "a");
            // As if the process died after replacing mappings.json, with only the first of its two lines appended and torn.
            string[] lines = File.ReadAllLines(store.AuditPath);
            File.WriteAllText(store.AuditPath, string.Concat(lines[0], "\n", lines[1].AsSpan(0, 40)));

            Assert.Equal(new[] { Id(1), Id(2), Id(3) }, store.ReadHistory().Select(e => e.SophosCustomerId));

            store.Save(new[] { MappingEdit.Upsert(Map(4)) }, "a");
            var history = store.ReadHistory();
            Assert.Equal(new[] { Id(1), Id(2), Id(3), Id(4) }, history.Select(e => e.SophosCustomerId).OrderBy(g => g));
            Assert.Equal(new long[] { 1, 2, 2, 3 }, history.Select(e => e.Revision));
            Assert.Equal(1, history.Skipped);
            Assert.Equal(5, File.ReadAllLines(store.AuditPath).Length); // the torn fragment, then each entry once
        }
    }
}
