using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using PsaMapping.Engine.Store;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>
    /// mappings.json in the store folder: every saved mapping, with a revision that goes up by one per save.
    /// Saves run under the store's cross-process lock and decide their changes against the file as it is at
    /// that moment, so concurrent commands never lose each other's work. The file is replaced atomically
    /// (a crash leaves the old or the new version, never a mix), the previous version is kept as
    /// mappings.json.bak, and every added, changed or removed mapping is appended to mappings-audit.jsonl.
    /// A file this version cannot read is reported and never overwritten.
    /// </summary>
    public sealed class MappingStore
    {
        public const string FileName = "mappings.json";
        public const string BackupFileName = "mappings.json.bak";
        public const string AuditFileName = "mappings-audit.jsonl";
        public const int SchemaVersion = 1;

        // Its own lock file, so saving credentials never waits for a mapping save or the other way round.
        private const string LockFileName = ".mappings.lock";
        private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        private readonly TimeProvider _time;

        public MappingStore(string folder, TimeProvider? time = null)
        {
            Folder = folder ?? throw new ArgumentNullException(nameof(folder));
            _time = time ?? TimeProvider.System;
            FilePath = Path.Combine(folder, FileName);
            BackupPath = Path.Combine(folder, BackupFileName);
            AuditPath = Path.Combine(folder, AuditFileName);
        }

        public static MappingStore Default() => new MappingStore(StoreFolder.Resolve());

        public string Folder { get; }
        public string FilePath { get; }
        public string BackupPath { get; }
        public string AuditPath { get; }

        /// <summary>The saved mappings; <see cref="MappingSnapshot.Empty"/> when nothing was saved yet. Never writes.</summary>
        /// <exception cref="PsaMappingException">MappingFileUnreadable or MappingFileNewer.</exception>
        public MappingSnapshot Load()
        {
            string text;
            try
            {
                if (!File.Exists(FilePath)) return MappingSnapshot.Empty;
                text = ReadAllText(FilePath);
            }
            catch (FileNotFoundException)
            {
                return MappingSnapshot.Empty; // deleted by hand between the check and the read
            }
            catch (UnauthorizedAccessException ex)
            {
                throw Unreadable("it cannot be opened (" + ex.Message + ")", ex, PsaErrorKind.Forbidden);
            }

            try
            {
                return MappingJson.ReadFile(text);
            }
            catch (MappingFormatException ex) when (ex.NewerSchemaVersion.HasValue)
            {
                throw new PsaMappingException("MappingFileNewer", PsaErrorKind.InvalidArgument,
                    $"The mapping file '{FilePath}' was written by a newer version of PsaMapping (schema version {ex.NewerSchemaVersion}; " +
                    $"this version reads up to {SchemaVersion}). It was left untouched. Update the PsaMapping module to the latest version, then run the command again.", ex)
                { Target = FilePath };
            }
            catch (MappingFormatException ex)
            {
                throw Unreadable(ex.Message, ex);
            }
        }

        public MappingSaveResult Save(IEnumerable<MappingEdit> edits, string who)
        {
            if (edits == null) throw new ArgumentNullException(nameof(edits));
            return Save(_ => edits, who);
        }

        /// <summary>
        /// Applies the edits <paramref name="decide"/> returns for the current content, all inside the lock, so a
        /// read-modify-write is atomic across processes. Edits apply in order (the same customer twice: the last
        /// wins). When anything changed: added and changed mappings are stamped with the time and
        /// <paramref name="who"/>, the previous file becomes the backup, the new one replaces it atomically with
        /// the revision one higher, and one audit line per added, changed or removed mapping is appended.
        /// When nothing changed nothing is written.
        /// </summary>
        /// <exception cref="PsaMappingException">MappingFileUnreadable or MappingFileNewer (the file is left alone), StoreLocked.</exception>
        public MappingSaveResult Save(Func<MappingSnapshot, IEnumerable<MappingEdit>> decide, string who)
        {
            if (decide == null) throw new ArgumentNullException(nameof(decide));
            if (string.IsNullOrWhiteSpace(who)) throw new ArgumentException("Say who is saving (for example MappingStore.CurrentUser()).", nameof(who));

            StoreFolder.Ensure(Folder);
            using (FileLock.Acquire(Path.Combine(Folder, LockFileName), LockTimeout))
            {
                // Throws for a file it cannot read, so such a file is never overwritten.
                MappingSnapshot current = Load();

                var working = current.Mappings.ToDictionary(m => m.SophosCustomerId);
                var touched = new List<Guid>();
                var seen = new HashSet<Guid>();
                foreach (MappingEdit edit in decide(current) ?? Enumerable.Empty<MappingEdit>())
                {
                    if (edit == null) throw new ArgumentException("An edit is null.", nameof(decide));
                    if (seen.Add(edit.SophosCustomerId)) touched.Add(edit.SophosCustomerId);
                    if (edit.Mapping == null) working.Remove(edit.SophosCustomerId);
                    else working[edit.SophosCustomerId] = edit.Mapping;
                }

                // Each customer is compared once, first state against last, so "set then set back" is Unchanged.
                DateTimeOffset now = _time.GetUtcNow();
                var changes = new List<MappingChange>();
                foreach (Guid id in touched)
                {
                    CustomerMapping? before = current.Find(id);
                    working.TryGetValue(id, out CustomerMapping? after);
                    if (before == null && after == null) continue; // removing a customer that was not mapped
                    if (after == null)
                    {
                        changes.Add(new MappingChange(MappingChangeKind.Removed, before, null));
                    }
                    else if (before != null && before.SameAs(after))
                    {
                        working[id] = before; // keeps when and by whom it was really last changed
                        changes.Add(new MappingChange(MappingChangeKind.Unchanged, before, before));
                    }
                    else
                    {
                        CustomerMapping stamped = after.Stamped(now, who);
                        working[id] = stamped;
                        changes.Add(new MappingChange(before == null ? MappingChangeKind.Added : MappingChangeKind.Changed, before, stamped));
                    }
                }

                List<MappingChange> real = changes.Where(c => c.Kind != MappingChangeKind.Unchanged).ToList();
                if (real.Count == 0) return new MappingSaveResult(changes, current, written: false);

                var next = new MappingSnapshot(SchemaVersion, current.Revision + 1, now, working.Values);
                AtomicFile.WriteAllText(FilePath, MappingJson.WriteFile(next), UnixPermissions.OwnerReadWrite, BackupPath);
                // After the file, so the log never records a change that was not saved; a crash in between loses
                // only the log lines, never a mapping.
                AppendAudit(real.Select(c => new AuditEntry(now, who, c.Kind, c.SophosCustomerId, c.Before, c.After, next.Revision)));
                return new MappingSaveResult(changes, next, written: true);
            }
        }

        /// <summary>
        /// The audit log, oldest first; optionally only one customer's entries, only those at or after
        /// <paramref name="since"/>, and only the last <paramref name="last"/> of what remains. Lines that cannot
        /// be read (one torn by a crash while being appended, or edited by hand) are skipped and counted in
        /// <see cref="AuditHistory.SkippedLines"/> (counted over the whole log, before filtering).
        /// </summary>
        public AuditHistory ReadHistory(Guid? sophosCustomerId = null, DateTimeOffset? since = null, int? last = null)
        {
            if (last < 0) throw new ArgumentOutOfRangeException(nameof(last), "Ask for zero or more entries.");

            var entries = new List<AuditEntry>();
            int skipped = 0;
            if (!File.Exists(AuditPath)) return new AuditHistory(entries, 0);

            using (var reader = new StreamReader(OpenShared(AuditPath), Utf8))
            {
                string? line;
                while ((line = reader.ReadLine()) != null)
                {
                    if (line.Trim().Length == 0) continue;
                    AuditEntry entry;
                    try
                    {
                        entry = MappingJson.ReadAuditLine(line);
                    }
                    catch (MappingFormatException)
                    {
                        skipped++;
                        continue;
                    }
                    if (sophosCustomerId.HasValue && entry.SophosCustomerId != sophosCustomerId.Value) continue;
                    if (since.HasValue && entry.When < since.Value) continue;
                    entries.Add(entry);
                }
            }

            if (last.HasValue && entries.Count > last.Value) entries.RemoveRange(0, entries.Count - last.Value);
            return new AuditHistory(entries, skipped);
        }

        /// <summary>Who is running this: DOMAIN\user on Windows, user@host elsewhere.</summary>
        public static string CurrentUser()
        {
            string user = Environment.UserName;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                string domain = Environment.UserDomainName;
                return string.IsNullOrEmpty(domain) ? user : domain + "\\" + user;
            }
            return user + "@" + Environment.MachineName;
        }

        private void AppendAudit(IEnumerable<AuditEntry> entries)
        {
            var text = new StringBuilder();
            // A crash mid-append can leave a last line without its newline; start on a fresh line so that torn
            // fragment stays on its own (and is skipped) instead of spoiling the first new entry.
            bool existed = File.Exists(AuditPath);
            if (existed && !EndsWithNewline(AuditPath)) text.Append('\n');
            foreach (AuditEntry entry in entries) text.Append(MappingJson.WriteAuditLine(entry)).Append('\n');

            byte[] bytes = Utf8.GetBytes(text.ToString());
            using (var stream = new FileStream(AuditPath, FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                if (!existed) UnixPermissions.Set(AuditPath, UnixPermissions.OwnerReadWrite);
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }
        }

        private static bool EndsWithNewline(string path)
        {
            using (FileStream stream = OpenShared(path))
            {
                if (stream.Length == 0) return true;
                stream.Seek(-1, SeekOrigin.End);
                return stream.ReadByte() == '\n';
            }
        }

        private static string ReadAllText(string path)
        {
            // Detects a byte-order mark, in case the file was edited by hand in an editor that writes one.
            using (var reader = new StreamReader(OpenShared(path), Utf8, detectEncodingFromByteOrderMarks: true))
                return reader.ReadToEnd();
        }

        // Readers share delete and write so that, on Windows, a save in another process can still replace the
        // file (File.Replace) while it is being read.
        private static FileStream OpenShared(string path) =>
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        private PsaMappingException Unreadable(string problem, Exception inner, PsaErrorKind kind = PsaErrorKind.InvalidArgument)
        {
            string next = File.Exists(BackupPath)
                ? $"Fix the file, or restore the previous version by copying '{BackupPath}' over it, then run the command again."
                : "Fix the file (or move it aside to start again with no mappings), then run the command again.";
            return new PsaMappingException("MappingFileUnreadable", kind,
                $"The mapping file '{FilePath}' cannot be read: {problem}. It was left untouched. {next}", inner)
            { Target = FilePath };
        }
    }
}
