using System.Text;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Store;

namespace PsaMapping.Engine.Tests
{
    public sealed class MappingStoreTests : IDisposable
    {
        private static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 30, 0, TimeSpan.Zero);

        private readonly string _folder = Path.Combine(Path.GetTempPath(), "psamapping-tests-" + Guid.NewGuid().ToString("N"), "store");
        private readonly FakeTimeProvider _time = new(Start);

        public void Dispose()
        {
            string parent = Path.GetDirectoryName(_folder)!;
            if (Directory.Exists(parent)) Directory.Delete(parent, recursive: true);
        }

        private FolderMappingStore Store() => new(_folder, _time);

        private static Guid Id(int n) => new($"00000000-0000-0000-0000-{n:D12}");

        private static CustomerMapping Map(int n, long contractId = 500, bool sync = true, string? name = null) =>
            new(Id(n), name ?? $"Customer {n:D3}", 1000 + n, $"Company {n}", contractId, $"Contract {contractId}", sync);

        private static MappingEdit[] Upserts(params CustomerMapping[] mappings) => mappings.Select(MappingEdit.Upsert).ToArray();

        private static int AuditLineCount(FolderMappingStore store) =>
            File.Exists(store.AuditPath) ? File.ReadAllLines(store.AuditPath).Count(l => l.Trim().Length > 0) : 0;

        [Fact]
        public void Saved_mappings_load_back_with_who_and_when()
        {
            var result = Store().Save(Upserts(Map(2, sync: false), Map(1)), "CONTOSO\\admin");

            MappingSnapshot loaded = new FolderMappingStore(_folder).Load();

            Assert.True(result.Written);
            Assert.Equal(1, loaded.Revision);
            Assert.Equal(MappingStore.SchemaVersion, loaded.SchemaVersion);
            Assert.Equal(Start, loaded.SavedAt);
            Assert.Equal(new[] { Map(1), Map(2, sync: false) }, loaded.Mappings); // ordered by name
            CustomerMapping first = loaded.Find(Id(1))!;
            Assert.Equal("Customer 001", first.SophosCustomerName);
            Assert.Equal(1001, first.AutotaskCompanyId);
            Assert.Equal("Company 1", first.AutotaskCompanyName);
            Assert.Equal(500, first.ContractId);
            Assert.Equal("Contract 500", first.ContractName);
            Assert.True(first.SyncEnabled);
            Assert.Equal(Start, first.UpdatedAt);
            Assert.Equal("CONTOSO\\admin", first.UpdatedBy);
            Assert.False(loaded.Find(Id(2))!.SyncEnabled);
            Assert.Null(loaded.Find(Id(3)));
        }

        [Fact]
        public void The_file_is_indented_camel_case_json_in_the_documented_shape()
        {
            var store = Store();
            store.Save(Upserts(Map(1)), "someone@host");

            string text = File.ReadAllText(store.FilePath);
            JObject root = JObject.Parse(text);
            Assert.Contains("\n  \"schemaVersion\": 2", text.Replace("\r\n", "\n"));
            Assert.Equal(new[] { "schemaVersion", "revision", "savedAt", "mappings", "products", "lastChanges" }, root.Properties().Select(p => p.Name));
            var row = (JObject)root["mappings"]![0]!;
            Assert.Equal(new[] { "sophosCustomerId", "sophosCustomerName", "autotaskCompanyId", "autotaskCompanyName", "contractId", "contractName", "syncEnabled", "updatedAt", "updatedBy", "lastSync" },
                row.Properties().Select(p => p.Name));
            Assert.Equal(Id(1).ToString(), (string?)row["sophosCustomerId"]);
            Assert.Equal(JTokenType.Integer, row["autotaskCompanyId"]!.Type);
            Assert.Equal(JTokenType.Boolean, row["syncEnabled"]!.Type);
        }

        [Fact]
        public void Nothing_saved_loads_as_empty_without_creating_anything()
        {
            MappingSnapshot snapshot = Store().Load();

            Assert.Same(MappingSnapshot.Empty, snapshot);
            Assert.Equal(0, snapshot.Revision);
            Assert.Empty(snapshot.Mappings);
            Assert.False(Directory.Exists(_folder));
            Assert.Empty(Store().ReadHistory());
        }

        [Fact]
        public void A_save_reports_added_changed_unchanged_and_removed()
        {
            var store = Store();
            store.Save(Upserts(Map(1), Map(2), Map(3)), "a");
            _time.Advance(TimeSpan.FromHours(1));

            var result = store.Save(new[]
            {
                MappingEdit.Upsert(Map(1)),                  // same as saved
                MappingEdit.Upsert(Map(2, contractId: 777)), // another contract
                MappingEdit.Upsert(Map(4)),                  // new
                MappingEdit.Remove(Id(3)),
                MappingEdit.Remove(Id(99)),                  // not mapped: no change, not an error
            }, "b");

            Assert.True(result.Written);
            Assert.Equal((1, 1, 1, 1), (result.Added, result.Changed, result.Unchanged, result.Removed));
            Assert.Equal(new[] { Id(1), Id(2), Id(4), Id(3) }, result.Changes.Select(c => c.SophosCustomerId));
            Assert.Equal(2, result.Revision);

            MappingChange changed = result.Changes.Single(c => c.Kind == MappingChangeKind.Changed);
            Assert.Equal(500, changed.Before!.ContractId);
            Assert.Equal(777, changed.After!.ContractId);
            Assert.Equal(Start.AddHours(1), changed.After.UpdatedAt);
            Assert.Equal("b", changed.After.UpdatedBy);

            MappingSnapshot loaded = store.Load();
            Assert.Equal(new[] { Id(1), Id(2), Id(4) }, loaded.Mappings.Select(m => m.SophosCustomerId));
            // The unchanged mapping keeps the stamp of when it really last changed.
            Assert.Equal(Start, loaded.Find(Id(1))!.UpdatedAt);
            Assert.Equal("a", loaded.Find(Id(1))!.UpdatedBy);
            Assert.Equal(777, loaded.Find(Id(2))!.ContractId);
        }

        [Fact]
        public void The_same_customer_twice_in_one_save_the_last_edit_wins()
        {
            var store = Store();
            store.Save(Upserts(Map(1)), "a");

            var setBack = store.Save(new[] { MappingEdit.Upsert(Map(1, contractId: 9)), MappingEdit.Upsert(Map(1)) }, "a");
            var addThenRemove = store.Save(new[] { MappingEdit.Upsert(Map(2)), MappingEdit.Remove(Id(2)) }, "a");
            var removeThenAdd = store.Save(new[] { MappingEdit.Remove(Id(1)), MappingEdit.Upsert(Map(1, sync: false)) }, "a");

            Assert.Equal(MappingChangeKind.Unchanged, Assert.Single(setBack.Changes).Kind);
            Assert.False(setBack.Written);
            Assert.Empty(addThenRemove.Changes);
            Assert.False(addThenRemove.Written);
            Assert.Equal(MappingChangeKind.Changed, Assert.Single(removeThenAdd.Changes).Kind);
            Assert.False(store.Load().Find(Id(1))!.SyncEnabled);
        }

        [Fact]
        public void When_nothing_changes_nothing_is_written()
        {
            var store = Store();
            store.Save(Upserts(Map(1), Map(2)), "a");
            store.Save(Upserts(Map(1, contractId: 8)), "a"); // so a backup exists too
            byte[] file = File.ReadAllBytes(store.FilePath);
            byte[] backup = File.ReadAllBytes(store.BackupPath);
            byte[] audit = File.ReadAllBytes(store.AuditPath);
            // Dated in the past, so that a rewrite, however soon, would show in the file's time.
            DateTime written = new(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(store.FilePath, written);
            _time.Advance(TimeSpan.FromMinutes(5));

            var result = store.Save(new[] { MappingEdit.Upsert(Map(2)), MappingEdit.Remove(Id(42)) }, "b");

            Assert.False(result.Written);
            Assert.Equal(1, result.Unchanged);
            Assert.Equal(2, result.Revision);
            Assert.Equal(file, File.ReadAllBytes(store.FilePath));
            Assert.Equal(written, File.GetLastWriteTimeUtc(store.FilePath));
            Assert.Equal(backup, File.ReadAllBytes(store.BackupPath));
            Assert.Equal(audit, File.ReadAllBytes(store.AuditPath));
            Assert.Equal(2, store.Load().Revision);
        }

        [Fact]
        public void The_backup_holds_the_previous_version()
        {
            var store = Store();
            store.Save(Upserts(Map(1)), "a");
            Assert.False(File.Exists(store.BackupPath)); // nothing to back up the first time
            byte[] first = File.ReadAllBytes(store.FilePath);

            store.Save(Upserts(Map(2)), "a");

            Assert.Equal(first, File.ReadAllBytes(store.BackupPath));
            var backup = new FolderMappingStore(_folder);
            File.Copy(store.BackupPath, store.FilePath, overwrite: true); // restoring it gives the old version back
            Assert.Equal(1, backup.Load().Revision);
            Assert.Single(backup.Load().Mappings);
        }

        [Fact]
        public void Every_change_is_in_the_audit_log_with_before_after_who_when_and_revision()
        {
            var store = Store();
            store.Save(Upserts(Map(1), Map(2)), "alice@host");
            _time.Advance(TimeSpan.FromDays(1));
            store.Save(new[] { MappingEdit.Upsert(Map(1, sync: false)), MappingEdit.Upsert(Map(2)), MappingEdit.Remove(Id(2)) }, "bob@host");

            StoredEntries<AuditEntry> history = store.ReadHistory();

            Assert.Equal(0, history.Skipped);
            Assert.Equal(4, history.Count);
            Assert.Equal(new[] { MappingChangeKind.Added, MappingChangeKind.Added, MappingChangeKind.Changed, MappingChangeKind.Removed }, history.Select(e => e.Kind));
            Assert.Equal(new long[] { 1, 1, 2, 2 }, history.Select(e => e.Revision));

            AuditEntry added = history[0];
            Assert.Equal("alice@host", added.Who);
            Assert.Equal(Start, added.When);
            Assert.Null(added.Before);
            Assert.Equal(Map(1), added.After);
            Assert.Equal(Start, added.After!.UpdatedAt);

            AuditEntry changed = history[2];
            Assert.Equal(Id(1), changed.SophosCustomerId);
            Assert.Equal("bob@host", changed.Who);
            Assert.Equal(Start.AddDays(1), changed.When);
            Assert.True(changed.Before!.SyncEnabled);
            Assert.Equal("alice@host", changed.Before.UpdatedBy);
            Assert.False(changed.After!.SyncEnabled);
            Assert.Equal("bob@host", changed.After.UpdatedBy);

            AuditEntry removed = history[3];
            Assert.Equal(Id(2), removed.SophosCustomerId);
            Assert.Equal(Map(2), removed.Before);
            Assert.Null(removed.After);

            Assert.Equal(4, AuditLineCount(store)); // one JSON line per change
        }

        [Fact]
        public void History_can_be_filtered_by_customer_time_and_count()
        {
            var store = Store();
            for (int round = 0; round < 3; round++)
            {
                store.Save(Upserts(Map(1, contractId: round), Map(2, contractId: round)), "a");
                _time.Advance(TimeSpan.FromHours(1));
            }

            Assert.Equal(6, store.ReadHistory().Count);
            Assert.Equal(new long[] { 1, 2, 3 }, store.ReadHistory(Id(1)).Select(e => e.Revision));
            Assert.Equal(new long[] { 2, 2, 3, 3 }, store.ReadHistory(since: Start.AddHours(1)).Select(e => e.Revision));
            Assert.Equal(new long[] { 2, 3 }, store.ReadHistory(Id(2), last: 2).Select(e => e.Revision));
            Assert.Equal(new long[] { 3 }, store.ReadHistory(Id(2), Start.AddMinutes(90), 5).Select(e => e.Revision));
            Assert.Empty(store.ReadHistory(last: 0));
            Assert.Empty(store.ReadHistory(Id(3)));
        }

        [Fact]
        public void A_torn_last_audit_line_is_skipped_and_does_not_spoil_the_next_entry()
        {
            var store = Store();
            store.Save(Upserts(Map(1)), "a");
            File.AppendAllText(store.AuditPath, "{\"when\":\"2025-03-01T09:30:00Z\",\"who\":\"a\",\"ki"); // crash mid-append

            StoredEntries<AuditEntry> torn = store.ReadHistory();
            Assert.Single(torn);
            Assert.Equal(1, torn.Skipped);

            store.Save(Upserts(Map(2)), "a");

            StoredEntries<AuditEntry> after = store.ReadHistory();
            Assert.Equal(new[] { Id(1), Id(2) }, after.Select(e => e.SophosCustomerId));
            Assert.Equal(1, after.Skipped);
        }

        public static TheoryData<string, string, string> BrokenFiles => new()
        {
            { "not JSON", "{ \"schemaVersion\": 1, \"revision\": 3, \"mappings\": [ {", "MappingFileUnreadable" },
            { "empty", "", "MappingFileUnreadable" },
            { "not an object", "[]", "MappingFileUnreadable" },
            { "no schema version", "{ \"revision\": 3, \"mappings\": [] }", "MappingFileUnreadable" },
            { "no mappings list", "{ \"schemaVersion\": 1, \"revision\": 3 }", "MappingFileUnreadable" },
            { "row without a contract", FileText(Row(1).Replace("\"contractId\": 500,", "")), "MappingFileUnreadable" },
            { "row with a text company id", FileText(Row(1).Replace("\"autotaskCompanyId\": 1001", "\"autotaskCompanyId\": \"1001\"")), "MappingFileUnreadable" },
            { "row with a bad customer id", FileText(Row(1).Replace(Id(1).ToString(), "not-a-guid")), "MappingFileUnreadable" },
            { "duplicate customer", FileText(Row(1) + "," + Row(1).Replace("Customer 001", "Same id again")), "MappingFileUnreadable" },
            { "newer schema", "{ \"schemaVersion\": 3, \"revision\": 3, \"mappings\": \"a shape we do not know\" }", "MappingFileNewer" },
        };

        private static string Row(int n) =>
            $"{{ \"sophosCustomerId\": \"{Id(n)}\", \"sophosCustomerName\": \"Customer {n:D3}\", \"autotaskCompanyId\": {1000 + n}, " +
            $"\"autotaskCompanyName\": \"Company {n}\", \"contractId\": 500, \"contractName\": \"Contract 500\", \"syncEnabled\": true }}";

        private static string FileText(string rows) => $"{{ \"schemaVersion\": 1, \"revision\": 3, \"mappings\": [ {rows} ] }}";

        [Theory]
        [MemberData(nameof(BrokenFiles))]
        public void A_file_it_cannot_read_is_reported_and_never_overwritten(string what, string content, string errorId)
        {
            var store = Store();
            Directory.CreateDirectory(_folder);
            File.WriteAllText(store.FilePath, content);
            byte[] original = File.ReadAllBytes(store.FilePath);

            var onLoad = Assert.Throws<PsaMappingException>(() => store.Load());
            var onSave = Assert.Throws<PsaMappingException>(() => store.Save(Upserts(Map(5)), "a"));
            bool decided = false;
            Assert.Throws<PsaMappingException>(() => store.Save(_ => { decided = true; return Upserts(Map(5)); }, "a"));

            Assert.Equal(errorId, onLoad.ErrorId);
            Assert.Equal(errorId, onSave.ErrorId);
            Assert.Equal(PsaErrorKind.InvalidArgument, onLoad.Kind);
            Assert.Equal(store.FilePath, onLoad.Target);
            Assert.Contains(store.FilePath, onLoad.Message);
            Assert.Contains(errorId == "MappingFileNewer" ? "Update the PsaMapping module" : "Fix the file", onLoad.Message);
            Assert.False(decided, what);
            Assert.Equal(original, File.ReadAllBytes(store.FilePath));
            Assert.False(File.Exists(store.BackupPath));
            Assert.False(File.Exists(store.AuditPath));
        }

        [Fact]
        public void The_unreadable_message_points_at_the_backup_when_there_is_one()
        {
            var store = Store();
            store.Save(Upserts(Map(1)), "a");
            store.Save(Upserts(Map(2)), "a");
            File.WriteAllText(store.FilePath, "{ oops");

            var error = Assert.Throws<PsaMappingException>(() => store.Load());

            Assert.Equal("MappingFileUnreadable", error.ErrorId);
            Assert.Contains(store.BackupPath, error.Message);
            Assert.Contains("not valid JSON", error.Message);
        }

        [Fact]
        public void Duplicate_ids_are_named_in_the_error()
        {
            var store = Store();
            Directory.CreateDirectory(_folder);
            File.WriteAllText(store.FilePath, FileText(Row(1) + "," + Row(2) + "," + Row(1)));

            var error = Assert.Throws<PsaMappingException>(() => store.Load());

            Assert.Contains(Id(1).ToString(), error.Message);
            Assert.Contains("#1 and #3", error.Message);
        }

        [Fact]
        public void A_hand_written_file_with_a_byte_order_mark_and_utc_dates_loads()
        {
            var store = Store();
            Directory.CreateDirectory(_folder);
            string text = FileText(Row(1).Replace(" }", ", \"updatedAt\": \"2024-12-31T23:00:00Z\", \"updatedBy\": null }"));
            File.WriteAllText(store.FilePath, text, new UTF8Encoding(true));

            MappingSnapshot loaded = store.Load();

            Assert.Equal(3, loaded.Revision);
            Assert.Null(loaded.SavedAt);
            Assert.Equal(new DateTimeOffset(2024, 12, 31, 23, 0, 0, TimeSpan.Zero), loaded.Find(Id(1))!.UpdatedAt);
            Assert.Null(loaded.Find(Id(1))!.UpdatedBy);
        }

        [Fact]
        public void An_orphaned_temp_file_from_a_crashed_save_does_not_disturb_loading_or_saving()
        {
            var store = Store();
            store.Save(Upserts(Map(1)), "a");
            string orphan = Path.Combine(_folder, "." + FolderMappingStore.FileName + "." + Guid.NewGuid().ToString("N") + ".tmp");
            File.WriteAllText(orphan, "{ \"schemaVersion\": 1, \"revision\": 99, \"mapp"); // killed mid-write

            Assert.Equal(1, store.Load().Revision);
            store.Save(Upserts(Map(2)), "a");
            Assert.Equal(2, store.Load().Mappings.Count);
        }

        [Fact]
        public void The_decision_sees_the_current_content_inside_the_lock()
        {
            var store = Store();
            store.Save(Upserts(Map(1), Map(2, sync: false)), "a");

            // "Turn sync off for everyone who has it on", decided against what is saved right now.
            var result = store.Save(current => current.Mappings.Where(m => m.SyncEnabled)
                .Select(m => MappingEdit.Upsert(new CustomerMapping(m.SophosCustomerId, m.SophosCustomerName, m.AutotaskCompanyId,
                    m.AutotaskCompanyName, m.ContractId, m.ContractName, syncEnabled: false))), "a");

            Assert.Equal(1, result.Changed);
            Assert.All(store.Load().Mappings, m => Assert.False(m.SyncEnabled));
        }

        [Fact]
        public void Concurrent_saves_of_different_customers_all_land_and_are_all_audited()
        {
            const int threads = 20, perThread = 10;
            var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            using var go = new ManualResetEventSlim();
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                try
                {
                    var store = new FolderMappingStore(_folder, _time); // each its own instance, as separate processes would
                    go.Wait();
                    for (int i = 0; i < perThread; i++)
                        store.Save(Upserts(Map(t * perThread + i + 1)), $"worker{t}");
                }
                catch (Exception ex)
                {
                    failures.Add(ex);
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            go.Set();
            workers.ForEach(w => w.Join());

            Assert.Empty(failures);
            var check = Store();
            MappingSnapshot final = check.Load();
            Assert.Equal(threads * perThread, final.Mappings.Count);
            Assert.Equal(threads * perThread, final.Revision);
            StoredEntries<AuditEntry> history = check.ReadHistory();
            Assert.Equal(threads * perThread, history.Count);
            Assert.Equal(0, history.Skipped);
            Assert.Equal(Enumerable.Range(1, threads * perThread).Select(n => (long)n), history.Select(e => e.Revision));
            Assert.Equal(final.Mappings.Select(m => m.SophosCustomerId).OrderBy(g => g), history.Select(e => e.SophosCustomerId).OrderBy(g => g));
            Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
        }

        [Fact]
        public void On_Unix_the_files_are_0600_in_a_0700_folder()
        {
            if (!UnixPermissions.IsUnix) return;
            var store = Store();
            store.Save(Upserts(Map(1)), "a");
            store.Save(Upserts(Map(2)), "a");

            Assert.Equal(0x1C0, UnixPermissions.Get(_folder));
            Assert.Equal(0x180, UnixPermissions.Get(store.FilePath));
            Assert.Equal(0x180, UnixPermissions.Get(store.AuditPath));
            Assert.Equal(0, UnixPermissions.Get(store.BackupPath)!.Value & UnixPermissions.GroupOrOthers);
        }

        [Fact]
        public void Mappings_are_equal_by_their_seven_fields_only()
        {
            var a = Map(1);
            var stamped = a.Stamped(Start, "someone");

            Assert.True(a.SameAs(stamped));
            Assert.Equal(a, stamped);
            Assert.Equal(a.GetHashCode(), stamped.GetHashCode());
            Assert.False(a.SameAs(Map(1, name: "customer 001"))); // names compare ordinally
            Assert.NotEqual(a, Map(1, sync: false));
            Assert.Throws<ArgumentException>(() => new CustomerMapping(Guid.Empty, "x", 1, "y", 2, "z", true));
        }

        [Fact]
        public void The_current_user_names_the_account_and_where_it_runs()
        {
            string who = MappingStore.CurrentUser();

            Assert.Contains(Environment.UserName, who);
            Assert.True(who.Contains('\\') || who.Contains('@'), who);
        }
    }
}
