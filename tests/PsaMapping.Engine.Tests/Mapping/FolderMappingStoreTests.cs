using System.Text;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Store;

namespace PsaMapping.Engine.Tests
{
    /// <summary>
    /// The shared store facts (<see cref="MappingStoreTests"/>) on the folder, and the facts about the folder's own files:
    /// their shape, the backup, the audit log's lines, files it cannot read, temp files and permissions.
    /// </summary>
    public sealed class FolderMappingStoreTests : MappingStoreTests, IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "psamapping-tests-" + Guid.NewGuid().ToString("N"), "store");

        public void Dispose()
        {
            string parent = Path.GetDirectoryName(_folder)!;
            if (Directory.Exists(parent)) Directory.Delete(parent, recursive: true);
        }

        protected override IMappingStore Store() => Folder();

        protected override bool SavesAreSerialized => true;

        protected override void AssertNothingLeftOver() => Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));

        private FolderMappingStore Folder() => new(_folder, Time);

        private static int AuditLineCount(FolderMappingStore store) =>
            File.Exists(store.AuditPath) ? File.ReadAllLines(store.AuditPath).Count(l => l.Trim().Length > 0) : 0;

        [Fact]
        public void The_file_is_indented_camel_case_json_in_the_documented_shape()
        {
            var store = Folder();
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
        public void Nothing_saved_loads_as_the_empty_snapshot_without_creating_the_folder()
        {
            MappingSnapshot snapshot = Folder().Load();

            Assert.Same(MappingSnapshot.Empty, snapshot);
            Assert.Empty(Folder().ReadHistory());
            Assert.False(Directory.Exists(_folder));
        }

        [Fact]
        public void When_nothing_changes_no_file_is_rewritten()
        {
            var store = Folder();
            store.Save(Upserts(Map(1), Map(2)), "a");
            store.Save(Upserts(Map(1, contractId: 8)), "a"); // so a backup exists too
            byte[] file = File.ReadAllBytes(store.FilePath);
            byte[] backup = File.ReadAllBytes(store.BackupPath);
            byte[] audit = File.ReadAllBytes(store.AuditPath);
            // Dated in the past, so that a rewrite, however soon, would show in the file's time.
            DateTime written = new(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(store.FilePath, written);
            Time.Advance(TimeSpan.FromMinutes(5));

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
            var store = Folder();
            store.Save(Upserts(Map(1)), "a");
            Assert.False(File.Exists(store.BackupPath)); // nothing to back up the first time
            byte[] first = File.ReadAllBytes(store.FilePath);

            store.Save(Upserts(Map(2)), "a");

            Assert.Equal(first, File.ReadAllBytes(store.BackupPath));
            var backup = Folder();
            File.Copy(store.BackupPath, store.FilePath, overwrite: true); // restoring it gives the old version back
            Assert.Equal(1, backup.Load().Revision);
            Assert.Single(backup.Load().Mappings);
        }

        [Fact]
        public void Each_audit_entry_is_one_json_line_of_the_audit_log()
        {
            var store = Folder();
            store.Save(Upserts(Map(1), Map(2)), "alice@host");
            store.Save(new[] { MappingEdit.Upsert(Map(1, sync: false)), MappingEdit.Remove(Id(2)) }, "bob@host");

            Assert.Equal(4, AuditLineCount(store));
            Assert.Equal(4, store.ReadHistory().Count);
        }

        [Fact]
        public void A_torn_last_audit_line_is_skipped_and_does_not_spoil_the_next_entry()
        {
            var store = Folder();
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
            var store = Folder();
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
            var store = Folder();
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
            var store = Folder();
            Directory.CreateDirectory(_folder);
            File.WriteAllText(store.FilePath, FileText(Row(1) + "," + Row(2) + "," + Row(1)));

            var error = Assert.Throws<PsaMappingException>(() => store.Load());

            Assert.Contains(Id(1).ToString(), error.Message);
            Assert.Contains("#1 and #3", error.Message);
        }

        [Fact]
        public void A_hand_written_file_with_a_byte_order_mark_and_utc_dates_loads()
        {
            var store = Folder();
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
            var store = Folder();
            store.Save(Upserts(Map(1)), "a");
            string orphan = Path.Combine(_folder, "." + FolderMappingStore.FileName + "." + Guid.NewGuid().ToString("N") + ".tmp");
            File.WriteAllText(orphan, "{ \"schemaVersion\": 1, \"revision\": 99, \"mapp"); // killed mid-write

            Assert.Equal(1, store.Load().Revision);
            store.Save(Upserts(Map(2)), "a");
            Assert.Equal(2, store.Load().Mappings.Count);
        }

        [Fact]
        public void On_Unix_the_files_are_0600_in_a_0700_folder()
        {
            if (!UnixPermissions.IsUnix) return;
            var store = Folder();
            store.Save(Upserts(Map(1)), "a");
            store.Save(Upserts(Map(2)), "a");

            Assert.Equal(0x1C0, UnixPermissions.Get(_folder));
            Assert.Equal(0x180, UnixPermissions.Get(store.FilePath));
            Assert.Equal(0x180, UnixPermissions.Get(store.AuditPath));
            Assert.Equal(0, UnixPermissions.Get(store.BackupPath)!.Value & UnixPermissions.GroupOrOthers);
        }

        // Not about a store: here so that they run once.

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
