using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PsaMapping.Engine.Store;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>What every store shares: the data's schema version and who is saving.</summary>
    public static class MappingStore
    {
        /// <summary>
        /// The version of the stored shape. 2 added product mappings, sync status and the changes kept with
        /// each save; a store written by a newer version is reported and never written to.
        /// </summary>
        public const int SchemaVersion = 2;

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
    }

    /// <summary>
    /// The store in a folder on this machine (<see cref="StoreFolder"/>): the default, for one admin.
    /// <list type="bullet">
    /// <item>mappings.json: the customer and product mappings, with a revision that goes up by one per save,
    /// and the audit entries of that save (<c>lastChanges</c>). Replaced atomically (a crash leaves the old
    /// or the new version, never a mix); the previous version is kept as mappings.json.bak.</item>
    /// <item>mappings-audit.jsonl: every audit entry, one JSON line each. The entries are written into
    /// mappings.json with their save and appended here just after; a save interrupted between the two is
    /// completed by the next save (and read as complete before that), so an entry is never lost and never
    /// recorded for a change that was not saved.</item>
    /// <item>sync-log.jsonl: the sync log, one JSON line per entry, each flushed to disk before it returns.</item>
    /// <item>sync-lock.json: the sync lock, a lease with a holder and an expiry.</item>
    /// </list>
    /// Every write runs under one cross-process lock (.mappings.lock) and decides against what the files hold
    /// at that moment. Files that are links, folders where files belong, or a folder others can write are
    /// refused rather than trusted; a file this version cannot read is reported and never overwritten.
    /// </summary>
    public sealed class FolderMappingStore : IMappingStore
    {
        public const string FileName = "mappings.json";
        public const string BackupFileName = "mappings.json.bak";
        public const string AuditFileName = "mappings-audit.jsonl";
        public const string SyncLogFileName = "sync-log.jsonl";
        public const string SyncLockFileName = "sync-lock.json";

        // Its own lock file, so saving credentials never waits for a mapping save or the other way round.
        private const string LockFileName = ".mappings.lock";
        private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        private readonly TimeProvider _time;

        public FolderMappingStore(string folder, TimeProvider? time = null)
        {
            Folder = folder ?? throw new ArgumentNullException(nameof(folder));
            _time = time ?? TimeProvider.System;
            FilePath = Path.Combine(folder, FileName);
            BackupPath = Path.Combine(folder, BackupFileName);
            AuditPath = Path.Combine(folder, AuditFileName);
            SyncLogPath = Path.Combine(folder, SyncLogFileName);
            SyncLockPath = Path.Combine(folder, SyncLockFileName);
        }

        /// <summary>The store in <see cref="StoreFolder.Resolve"/> ($PSAMAPPING_HOME or the per-user folder).</summary>
        public static FolderMappingStore Default() => new FolderMappingStore(StoreFolder.Resolve());

        public string Folder { get; }
        public string FilePath { get; }
        public string BackupPath { get; }
        public string AuditPath { get; }
        public string SyncLogPath { get; }
        public string SyncLockPath { get; }

        public string Location => Folder;

        // ---------------------------------------------------------------- mappings

        public Task<MappingSnapshot> LoadAsync(CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(Faults(() =>
            {
                if (!Directory.Exists(Folder)) return MappingSnapshot.Empty;
                StoreFolder.Secure(Folder);
                return ReadFile().Snapshot;
            }));
        }

        public Task<MappingSaveResult> SaveAsync(Func<MappingSnapshot, IEnumerable<MappingEdit>> decide, string who, MappingSnapshot? loaded, CancellationToken cancellationToken = default)
        {
            if (decide == null) throw new ArgumentNullException(nameof(decide));
            RequireWho(who);
            return Task.FromResult(Write(cancellationToken, file =>
            {
                var edited = SnapshotEdits.Apply(file.Snapshot, decide(file.Snapshot), _time.GetUtcNow(), who);
                return (edited.Result, edited.Entries.Count == 0 ? null : new MappingFile(edited.Next, edited.Entries.ToList<object>()));
            }));
        }

        public Task<ProductSaveResult> SaveProductsAsync(Func<MappingSnapshot, IEnumerable<ProductMappingEdit>> decide, string who, MappingSnapshot? loaded, CancellationToken cancellationToken = default)
        {
            if (decide == null) throw new ArgumentNullException(nameof(decide));
            RequireWho(who);
            return Task.FromResult(Write(cancellationToken, file =>
            {
                var edited = SnapshotEdits.Apply(file.Snapshot, decide(file.Snapshot), _time.GetUtcNow(), who);
                return (edited.Result, edited.Entries.Count == 0 ? null : new MappingFile(edited.Next, edited.Entries.ToList<object>()));
            }));
        }

        public Task<int> RecordSyncStatusAsync(IEnumerable<SyncStatusUpdate> updates, CancellationToken cancellationToken = default)
        {
            if (updates == null) throw new ArgumentNullException(nameof(updates));
            List<SyncStatusUpdate> list = updates.ToList();
            if (list.Count == 0) return Task.FromResult(0);
            return Task.FromResult(Write(cancellationToken, file =>
            {
                var byId = new Dictionary<Guid, SyncStatus>();
                foreach (SyncStatusUpdate update in list) byId[update.SophosCustomerId] = update.Status;
                int updated = 0;
                var rows = file.Snapshot.Mappings.Select(m =>
                {
                    if (!byId.TryGetValue(m.SophosCustomerId, out SyncStatus? status)) return m;
                    updated++;
                    return m.WithLastSync(status);
                }).ToList();
                if (updated == 0) return (0, null);

                // Not a mapping change: same revision, and the last save's changes stay with it.
                MappingSnapshot current = file.Snapshot;
                var next = new MappingSnapshot(MappingStore.SchemaVersion, current.Revision, current.SavedAt, rows, current.Products);
                return (updated, new MappingFile(next, file.LastChanges));
            }));
        }

        // ---------------------------------------------------------------- audit history

        public Task<StoredEntries<AuditEntry>> ReadHistoryAsync(HistoryQuery query, CancellationToken cancellationToken = default)
        {
            if (query == null) throw new ArgumentNullException(nameof(query));
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(Faults(() =>
            {
                (List<object> entries, int skipped) = ReadAllAuditEntries();
                return new StoredEntries<AuditEntry>(query.Apply(entries.OfType<AuditEntry>()), skipped);
            }));
        }

        public Task<StoredEntries<ProductAuditEntry>> ReadProductHistoryAsync(HistoryQuery query, CancellationToken cancellationToken = default)
        {
            if (query == null) throw new ArgumentNullException(nameof(query));
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(Faults(() =>
            {
                (List<object> entries, int skipped) = ReadAllAuditEntries();
                return new StoredEntries<ProductAuditEntry>(query.Apply(entries.OfType<ProductAuditEntry>()), skipped);
            }));
        }

        /// <summary>
        /// Every audit entry, oldest first: the log's lines, then any entries of the current revision that a
        /// save interrupted before appending them (taken from mappings.json, as the next save will append them).
        /// </summary>
        private (List<object> Entries, int Skipped) ReadAllAuditEntries()
        {
            if (!Directory.Exists(Folder)) return (new List<object>(), 0);
            StoreFolder.Secure(Folder);

            // mappings.json first, then the log: a save that lands in between has appended its entries by the
            // time the log is read, or has not replaced the file yet when it is read.
            MappingFile? file = null;
            try
            {
                file = ReadFile();
            }
            catch (PsaMappingException ex) when (ex.ErrorId == ErrorIds.MappingFileUnreadable || ex.ErrorId == ErrorIds.MappingFileNewer)
            {
                // The history stays readable while the mapping file is damaged; only its pending entries are unknown.
            }

            var entries = new List<object>();
            int skipped = ReadLines(AuditPath, line => entries.Add(MappingJson.ReadAuditLine(line)));
            if (file != null)
            {
                var logged = new HashSet<string>(entries.Where(e => RevisionOf(e) == file.Snapshot.Revision).Select(KeyOf));
                entries.AddRange(file.LastChanges.Where(e => !logged.Contains(KeyOf(e))));
            }
            return (entries, skipped);
        }

        // ---------------------------------------------------------------- sync log

        public Task AppendSyncLogAsync(SyncLogEntry entry, CancellationToken cancellationToken = default)
        {
            if (entry == null) throw new ArgumentNullException(nameof(entry));
            return Task.FromResult(Locked(cancellationToken, () =>
            {
                Append(SyncLogPath, new[] { MappingJson.WriteSyncLogLine(entry) });
                return true;
            }));
        }

        public Task<StoredEntries<SyncLogEntry>> ReadSyncLogAsync(SyncLogQuery query, CancellationToken cancellationToken = default)
        {
            if (query == null) throw new ArgumentNullException(nameof(query));
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(Faults(() =>
            {
                var entries = new List<SyncLogEntry>();
                if (!Directory.Exists(Folder)) return new StoredEntries<SyncLogEntry>(entries, 0);
                StoreFolder.Secure(Folder);
                int skipped = ReadLines(SyncLogPath, line => entries.Add(MappingJson.ReadSyncLogLine(line)));
                return new StoredEntries<SyncLogEntry>(query.Apply(entries), skipped);
            }));
        }

        // ---------------------------------------------------------------- sync lock

        public Task<SyncLease> AcquireSyncLockAsync(string holder, TimeSpan duration, CancellationToken cancellationToken = default)
        {
            RequireWho(holder, nameof(holder));
            RequireDuration(duration);
            return Task.FromResult(Locked(cancellationToken, () =>
            {
                DateTimeOffset now = _time.GetUtcNow();
                SyncLease? held = ReadLease();
                if (held != null && held.ExpiresAt > now)
                    throw new PsaMappingException(ErrorIds.SyncLocked, PsaErrorKind.Unavailable,
                        $"Another sync is running: {held.Holder} holds the sync lock of '{Folder}' since {held.AcquiredAt:u} until {held.ExpiresAt:u}. " +
                        "Wait for it to finish and run the command again. If that process was stopped or crashed, the lock frees itself at that time.")
                    { Target = held };

                var lease = new SyncLease(holder, Guid.NewGuid().ToString("N"), now, now + duration);
                WriteLease(lease);
                return lease;
            }));
        }

        public Task<SyncLease> RenewSyncLockAsync(SyncLease lease, TimeSpan duration, CancellationToken cancellationToken = default)
        {
            if (lease == null) throw new ArgumentNullException(nameof(lease));
            RequireDuration(duration);
            return Task.FromResult(Locked(cancellationToken, () =>
            {
                SyncLease? held = ReadLease();
                if (held == null || held.Token != lease.Token)
                    throw new PsaMappingException(ErrorIds.SyncLockLost, PsaErrorKind.Unavailable,
                        $"The sync lock of '{Folder}' taken by {lease.Holder} at {lease.AcquiredAt:u} expired at {lease.ExpiresAt:u}" +
                        (held == null ? " and was released." : $" and is now held by {held.Holder}.") +
                        " Nothing more was posted. Run the sync again: it posts only what is still missing.")
                    { Target = held ?? lease };

                var renewed = new SyncLease(held.Holder, held.Token, held.AcquiredAt, _time.GetUtcNow() + duration);
                WriteLease(renewed);
                return renewed;
            }));
        }

        public Task ReleaseSyncLockAsync(SyncLease lease, CancellationToken cancellationToken = default)
        {
            if (lease == null) throw new ArgumentNullException(nameof(lease));
            return Task.FromResult(Locked(cancellationToken, () =>
            {
                SyncLease? held = ReadLease();
                if (held != null && held.Token == lease.Token) File.Delete(SyncLockPath);
                return true;
            }));
        }

        private SyncLease? ReadLease()
        {
            StoreFolder.RefuseLinkOrFolder(SyncLockPath);
            if (!File.Exists(SyncLockPath)) return null;
            try
            {
                return MappingJson.ReadLease(File.ReadAllText(SyncLockPath, Utf8));
            }
            catch (MappingFormatException ex)
            {
                throw new PsaMappingException(ErrorIds.SyncLockUnreadable, PsaErrorKind.InvalidArgument,
                    $"The sync lock '{SyncLockPath}' cannot be read ({ex.Message}). Make sure no sync is running, delete the file, then run the command again.", ex)
                { Target = SyncLockPath };
            }
        }

        private void WriteLease(SyncLease lease) =>
            AtomicFile.WriteAllText(SyncLockPath, MappingJson.WriteLease(lease).ToString(Newtonsoft.Json.Formatting.Indented) + "\n", UnixPermissions.OwnerReadWrite);

        // ---------------------------------------------------------------- the folder's files

        /// <summary>
        /// One write under the lock: reads mappings.json (refusing one it cannot read), first completes an
        /// interrupted save's audit entries, then lets <paramref name="change"/> decide. When it returns a new
        /// file, that file replaces mappings.json (the old one becoming the backup) and its entries are appended
        /// to the audit log. A crash between the two leaves the entries in mappings.json, for the next write to append.
        /// </summary>
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "The token goes first so that the many-line work lambda closes the call.")]
        private T Write<T>(CancellationToken cancellationToken, Func<MappingFile, (T Result, MappingFile? Next)> change) =>
            Locked(cancellationToken, () =>
            {
                MappingFile current = ReadFile();
                StoreFolder.RefuseLinkOrFolder(BackupPath);
                CompleteAudit(current); // also proves the audit log writable before anything is saved

                (T result, MappingFile? next) = change(current);
                if (next == null) return result;

                AtomicFile.WriteAllText(FilePath, MappingJson.WriteFile(next.Snapshot, next.LastChanges), UnixPermissions.OwnerReadWrite, BackupPath);
                if (next.LastChanges != current.LastChanges) Append(AuditPath, next.LastChanges.Select(MappingJson.WriteAuditLine));
                return result;
            });

        [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "The token goes first so that the many-line work lambda closes the call.")]
        private T Locked<T>(CancellationToken cancellationToken, Func<T> work) =>
            Faults(() =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                StoreFolder.Ensure(Folder);
                string lockPath = Path.Combine(Folder, LockFileName);
                StoreFolder.RefuseLinkOrFolder(lockPath);
                using (FileLock.Acquire(lockPath, LockTimeout, cancellationToken))
                    return work();
            });

        /// <summary>mappings.json as it is now; an empty store at revision 0 when there is none.</summary>
        private MappingFile ReadFile()
        {
            StoreFolder.RefuseLink(FilePath);
            if (Directory.Exists(FilePath))
                throw Unreadable("it is a folder, not a file", null);

            string text;
            try
            {
                if (!File.Exists(FilePath)) return new MappingFile(MappingSnapshot.Empty, Array.Empty<object>());
                text = ReadAllText(FilePath);
            }
            catch (FileNotFoundException)
            {
                return new MappingFile(MappingSnapshot.Empty, Array.Empty<object>()); // deleted by hand between the check and the read
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
                throw new PsaMappingException(ErrorIds.MappingFileNewer, PsaErrorKind.InvalidArgument,
                    $"The mapping file '{FilePath}' was written by a newer version of PsaMapping (schema version {ex.NewerSchemaVersion}; " +
                    $"this version reads up to {MappingStore.SchemaVersion}). It was left untouched. Update the PsaMapping module to the latest version, then run the command again.", ex)
                { Target = FilePath };
            }
            catch (MappingFormatException ex)
            {
                throw Unreadable(ex.Message, ex);
            }
        }

        /// <summary>
        /// Appends to the audit log whichever of <paramref name="file"/>'s own entries it does not hold yet: all
        /// of them just after a save, none when they are there, the rest when a save was interrupted half way.
        /// </summary>
        private void CompleteAudit(MappingFile file)
        {
            StoreFolder.RefuseLinkOrFolder(AuditPath);
            var logged = LoggedKeysOfRevision(file.Snapshot.Revision);
            Append(AuditPath, file.LastChanges.Where(e => !logged.Contains(KeyOf(e))).Select(MappingJson.WriteAuditLine));
        }

        /// <summary>The keys of the audit log's entries of one revision, read backwards from the end until an older revision.</summary>
        private HashSet<string> LoggedKeysOfRevision(long revision)
        {
            var keys = new HashSet<string>();
            if (!File.Exists(AuditPath)) return keys;
            using (FileStream stream = OpenShared(AuditPath))
            {
                long size = stream.Length;
                for (long window = 64 * 1024; ; window *= 4)
                {
                    long start = Math.Max(0, size - window);
                    var bytes = new byte[size - start];
                    stream.Seek(start, SeekOrigin.Begin);
                    int read = 0;
                    while (read < bytes.Length)
                    {
                        int n = stream.Read(bytes, read, bytes.Length - read);
                        if (n == 0) break;
                        read += n;
                    }

                    string[] lines = Utf8.GetString(bytes, 0, read).Split('\n');
                    keys.Clear();
                    bool reachedOlder = false;
                    for (int i = lines.Length - 1; i >= (start > 0 ? 1 : 0) && !reachedOlder; i--) // a window's first line may be cut
                    {
                        if (lines[i].Trim().Length == 0) continue;
                        object entry;
                        try
                        {
                            entry = MappingJson.ReadAuditLine(lines[i]);
                        }
                        catch (MappingFormatException)
                        {
                            continue; // a torn line
                        }
                        long entryRevision = RevisionOf(entry);
                        if (entryRevision == revision) keys.Add(KeyOf(entry));
                        else if (entryRevision < revision) reachedOlder = true;
                    }
                    if (reachedOlder || start == 0) return keys;
                }
            }
        }

        private static long RevisionOf(object entry) => entry is AuditEntry c ? c.Revision : ((ProductAuditEntry)entry).Revision;

        /// <summary>What one revision has at most one entry for: a customer, or a product code.</summary>
        private static string KeyOf(object entry) =>
            entry is AuditEntry c ? "customer " + c.SophosCustomerId.ToString("N") : "product " + ((ProductAuditEntry)entry).ProductCode.ToUpperInvariant();

        /// <summary>Appends lines to a log and flushes them to disk before returning.</summary>
        private static void Append(string path, IEnumerable<string> lines)
        {
            StoreFolder.RefuseLinkOrFolder(path);
            var text = new StringBuilder();
            foreach (string line in lines) text.Append(line).Append('\n');
            if (text.Length == 0 && File.Exists(path)) return;

            // A crash mid-append can leave a last line without its newline; start on a fresh line so that torn
            // fragment stays on its own (and is skipped) instead of spoiling the first new entry.
            bool existed = File.Exists(path);
            if (existed && !EndsWithNewline(path)) text.Insert(0, '\n');

            byte[] bytes = Utf8.GetBytes(text.ToString());
            using (var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                if (!existed) UnixPermissions.Set(path, UnixPermissions.OwnerReadWrite);
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }
        }

        /// <summary>Reads a log line by line; lines that cannot be read are skipped and counted.</summary>
        private static int ReadLines(string path, Action<string> read)
        {
            StoreFolder.RefuseLinkOrFolder(path);
            if (!File.Exists(path)) return 0;
            int skipped = 0;
            using (var reader = new StreamReader(OpenShared(path), Utf8))
            {
                string? line;
                while ((line = reader.ReadLine()) != null)
                {
                    if (line.Trim().Length == 0) continue;
                    try
                    {
                        read(line);
                    }
                    catch (MappingFormatException)
                    {
                        skipped++;
                    }
                }
            }
            return skipped;
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

        /// <summary>
        /// Turns what the operating system says about the folder into errors that say what to do. Runs around
        /// whole operations, so a failure before mappings.json is replaced leaves everything as it was.
        /// </summary>
        private T Faults<T>(Func<T> work)
        {
            try
            {
                return work();
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new PsaMappingException(ErrorIds.MappingStoreAccessDenied, PsaErrorKind.Forbidden,
                    $"PsaMapping may not read or write its store folder '{Folder}' ({ex.Message}). Nothing was changed. " +
                    $"Give your account read and write access to the folder and its files (for example: chmod u+rw -R '{Folder}'), " +
                    $"or set ${StoreFolder.EnvironmentVariable} to a folder of your own, then run the command again.", ex)
                { Target = Folder };
            }
            catch (IOException ex) when (!(ex is FileNotFoundException))
            {
                throw new PsaMappingException(ErrorIds.MappingStoreWriteFailed, PsaErrorKind.Unavailable,
                    $"PsaMapping could not use its store folder '{Folder}' ({ex.Message}). Nothing was changed. " +
                    "Check the disk (space, errors) and the folder, then run the command again.", ex)
                { Target = Folder };
            }
        }

        private PsaMappingException Unreadable(string problem, Exception? inner, PsaErrorKind kind = PsaErrorKind.InvalidArgument)
        {
            string next = File.Exists(BackupPath)
                ? $"Fix the file, or restore the previous version by copying '{BackupPath}' over it, then run the command again."
                : "Fix the file (or move it aside to start again with no mappings), then run the command again.";
            return new PsaMappingException(ErrorIds.MappingFileUnreadable, kind,
                $"The mapping file '{FilePath}' cannot be read: {problem}. It was left untouched. {next}", inner)
            { Target = FilePath };
        }

        private static void RequireWho(string who, string name = "who")
        {
            if (string.IsNullOrWhiteSpace(who)) throw new ArgumentException("Say who is saving (for example MappingStore.CurrentUser()).", name);
        }

        private static void RequireDuration(TimeSpan duration)
        {
            if (duration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration), "A lock is held for a positive time.");
        }
    }
}
