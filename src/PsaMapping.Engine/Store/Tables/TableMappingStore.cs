using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Azure;
using Azure.Data.Tables;
using PsaMapping.Engine.Http;
using PsaMapping.Engine.Mapping;

namespace PsaMapping.Engine.Store.Tables
{
    /// <summary>
    /// The customer mappings and their audit history in an Azure Table Storage table, shared by a team, with
    /// the folder store's guarantees kept by the table's own means.
    /// <para>
    /// Layout (one table, one partition per kind, like CIPP's CippMapping): partition <c>Meta</c> holds the
    /// schema version; partition <c>Mapping</c> holds one entity per mapped customer (row key: the customer id)
    /// and, under row keys starting with <c>~h</c>, one history entity per saved batch holding that batch's audit
    /// entries. A mapping and its history entry live in one partition so that one entity-group transaction
    /// writes both: a save is never half applied per batch and never loses its history, even killed mid-way.
    /// </para>
    /// <para>
    /// No lost update: every change is conditional on the ETag read (a new customer on its absence), so a
    /// save that meets a change it did not see re-reads the table and decides again on top of it.
    /// </para>
    /// </summary>
    public sealed class TableMappingStore
    {
        public const int SchemaVersion = 1;

        internal const string MetaPartition = "Meta";
        internal const string SchemaRow = "Schema";
        internal const string MappingPartition = "Mapping";

        // '~' sorts after every character of a customer id, so mappings and history are two key ranges.
        internal const string HistoryPrefix = "~h";

        /// <summary>Azure's limit of operations in one entity-group transaction; one of them is the history entity.</summary>
        internal const int TransactionLimit = 100;

        // A history entity holds its entries as JSON lines in string properties of at most 32K characters each.
        private const int HistoryChunkChars = 30000;

        // Rounds of "re-read, decide again, write" before a save gives up under constant contention.
        private const int MaxRounds = 25;

        private readonly TableStoreClient _client;
        private bool _schemaChecked;

        public TableMappingStore(TableStoreSettings settings, TableStoreOptions? options = null)
        {
            _client = new TableStoreClient(settings, options);
        }

        public TableStoreSettings Settings => _client.Settings;

        /// <summary>Every request this store sent, retries included.</summary>
        public RequestCounter Requests => _client.Requests;

        /// <summary>
        /// Creates the table when it is missing and records the schema version in a new one. Refuses a table
        /// written by a newer schema. Connect-PsaMappingStore runs it once; the other commands only read the version.
        /// </summary>
        /// <exception cref="PsaMappingException">MappingStoreTableMissing (no right to create it), MappingStoreNewer, MappingStoreAccessDenied, MappingStoreUnavailable.</exception>
        public void Initialize(CancellationToken cancellationToken = default)
        {
            var schema = new TableEntity(MetaPartition, SchemaRow) { ["SchemaVersion"] = SchemaVersion, ["CreatedAt"] = _client.Time.GetUtcNow() };
            // Adding the schema row says in one request whether the table exists and whether it is new.
            string outcome = AddSchema(schema, cancellationToken);
            if (outcome == "TableNotFound")
            {
                try
                {
                    _client.Run(token => _client.Table.CreateIfNotExists(token), cancellationToken);
                }
                // Azure answers 403 to a SAS that may not create tables; Azurite answers 400 to a table's own SAS.
                catch (PsaMappingException denied) when (denied.ErrorId == "MappingStoreAccessDenied" || denied.ErrorId == "MappingStoreRequestFailed")
                {
                    throw _client.TableMissing();
                }
                outcome = AddSchema(schema, cancellationToken);
            }
            if (outcome == "Exists") CheckSchema(ReadSchemaEntity(cancellationToken));
            _schemaChecked = true;
        }

        private string AddSchema(TableEntity schema, CancellationToken cancellationToken) =>
            _client.Run(token =>
            {
                try
                {
                    _client.Table.AddEntity(schema, token);
                    return "Added";
                }
                catch (RequestFailedException ex) when (ex.Status == 409)
                {
                    return "Exists"; // initialized before (or by another process at the same moment)
                }
                catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == "TableNotFound")
                {
                    return "TableNotFound";
                }
            }, cancellationToken);

        /// <summary>The saved mappings, in as many requests as the table has pages of 1,000 (plus one for the schema, once).</summary>
        public MappingSnapshot Load(CancellationToken cancellationToken = default) => Read(cancellationToken).Snapshot;

        /// <summary>
        /// Applies the edits <paramref name="decide"/> returns for the current content, as the folder store does:
        /// in order (the same customer twice: the last wins), unchanged mappings left alone, the others stamped
        /// with the time and <paramref name="who"/>. They are written in entity-group transactions of up to 99
        /// mappings and the history entity of their audit entries, each conditional on what was read. When one
        /// meets a change made meanwhile, the table is read again and <paramref name="decide"/> runs again on
        /// what it now holds (what this save already wrote comes out unchanged), so nothing is overwritten unseen.
        /// </summary>
        public MappingSaveResult Save(Func<MappingSnapshot, IEnumerable<MappingEdit>> decide, string who, CancellationToken cancellationToken = default)
        {
            if (decide == null) throw new ArgumentNullException(nameof(decide));
            if (string.IsNullOrWhiteSpace(who)) throw new ArgumentException("Say who is saving (for example MappingStore.CurrentUser()).", nameof(who));

            // What earlier rounds of this save wrote, by customer, in the order first written.
            var written = new Dictionary<Guid, MappingChange>();
            var order = new List<Guid>();
            for (int round = 1; ; round++)
            {
                TableContent current = Read(cancellationToken);
                List<MappingChange> changes = Decide(current.Snapshot, decide, who, out var working);
                List<MappingChange> real = changes.Where(c => c.Kind != MappingChangeKind.Unchanged).ToList();

                long revision = current.Snapshot.Revision + 1;
                bool conflict = false;
                foreach (List<MappingChange> batch in Batches(real))
                {
                    if (!TryCommit(batch, current, who, revision, cancellationToken))
                    {
                        conflict = true;
                        break;
                    }
                    foreach (MappingChange change in batch)
                    {
                        if (!written.ContainsKey(change.SophosCustomerId)) order.Add(change.SophosCustomerId);
                        written[change.SophosCustomerId] = written.TryGetValue(change.SophosCustomerId, out MappingChange? earlier)
                            ? Merge(earlier, change)
                            : change;
                    }
                }

                if (!conflict)
                {
                    var result = new List<MappingChange>();
                    var listed = new HashSet<Guid>();
                    foreach (MappingChange change in changes)
                    {
                        listed.Add(change.SophosCustomerId);
                        // A customer an earlier round wrote reads as unchanged now; report what was really done.
                        result.Add(change.Kind == MappingChangeKind.Unchanged && written.TryGetValue(change.SophosCustomerId, out MappingChange? done) ? done : change);
                    }
                    foreach (Guid id in order)
                        if (!listed.Contains(id)) result.Add(written[id]);

                    bool any = written.Count > 0;
                    var snapshot = new MappingSnapshot(SchemaVersion, any ? revision : current.Snapshot.Revision,
                        any ? _client.Time.GetUtcNow() : current.Snapshot.SavedAt, working.Values);
                    return new MappingSaveResult(result, snapshot, any);
                }

                if (round == MaxRounds)
                    throw new PsaMappingException("MappingStoreBusy", PsaErrorKind.Unavailable,
                        $"The table store {Settings} kept changing under this save ({MaxRounds} attempts): other hosts are saving the same mappings. " +
                        "What was saved is listed in the history; run the command again.")
                    { Target = Settings.ToString() };
                // Others are writing the same rows: step aside briefly so that the rounds do not collide again.
                Thread.Sleep(Jitter.Next(10, 40 * Math.Min(round, 5)));
            }
        }

        public MappingSaveResult Save(IEnumerable<MappingEdit> edits, string who, CancellationToken cancellationToken = default)
        {
            if (edits == null) throw new ArgumentNullException(nameof(edits));
            List<MappingEdit> list = edits.ToList();
            return Save(_ => list, who, cancellationToken);
        }

        /// <summary>Takes the sync lock for <paramref name="duration"/> (dispose to release it); one request when nobody holds it.</summary>
        /// <exception cref="PsaMappingException">SyncLockHeld, naming the holder, its host and when its lease ends.</exception>
        public TableSyncLease AcquireSyncLock(string holder, TimeSpan duration, CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrWhiteSpace(holder)) throw new ArgumentException("Say who takes the lock.", nameof(holder));
            EnsureSchema(cancellationToken);
            return TableSyncLease.Acquire(_client, holder, duration, cancellationToken);
        }

        /// <summary>The audit history, oldest first, filtered like the folder store's.</summary>
        public AuditHistory ReadHistory(Guid? sophosCustomerId = null, DateTimeOffset? since = null, int? last = null, CancellationToken cancellationToken = default)
        {
            if (last < 0) throw new ArgumentOutOfRangeException(nameof(last), "Ask for zero or more entries.");
            EnsureSchema(cancellationToken);
            string filter = $"PartitionKey eq '{MappingPartition}' and RowKey ge '{HistoryPrefix}' and RowKey lt '~i'";
            List<TableEntity> rows = _client.Run(token => _client.Table.Query<TableEntity>(filter, maxPerPage: 1000, cancellationToken: token).ToList(), cancellationToken);

            var entries = new List<AuditEntry>();
            int skipped = 0;
            foreach (TableEntity row in rows.OrderBy(r => r.RowKey, StringComparer.Ordinal))
            {
                foreach (string line in HistoryLines(row))
                {
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

        private static readonly Random SharedRandom = new Random();

        private static class Jitter
        {
            public static int Next(int min, int max)
            {
                lock (SharedRandom) return SharedRandom.Next(min, Math.Max(min + 1, max));
            }
        }

        private static MappingChange Merge(MappingChange first, MappingChange later)
        {
            if (first.Before == null && later.After == null) return later; // added then removed: report the removal
            MappingChangeKind kind = later.After == null ? MappingChangeKind.Removed
                : first.Before == null ? MappingChangeKind.Added : MappingChangeKind.Changed;
            return new MappingChange(kind, first.Before, later.After);
        }

        /// <summary>The same decision as the folder store's, against the table's content.</summary>
        private List<MappingChange> Decide(MappingSnapshot current, Func<MappingSnapshot, IEnumerable<MappingEdit>> decide, string who,
                                           out Dictionary<Guid, CustomerMapping> working)
        {
            working = current.Mappings.ToDictionary(m => m.SophosCustomerId);
            var touched = new List<Guid>();
            var seen = new HashSet<Guid>();
            foreach (MappingEdit edit in decide(current) ?? Enumerable.Empty<MappingEdit>())
            {
                if (edit == null) throw new ArgumentException("An edit is null.", nameof(decide));
                if (seen.Add(edit.SophosCustomerId)) touched.Add(edit.SophosCustomerId);
                if (edit.Mapping == null) working.Remove(edit.SophosCustomerId);
                else working[edit.SophosCustomerId] = edit.Mapping;
            }

            DateTimeOffset now = _client.Time.GetUtcNow();
            var changes = new List<MappingChange>();
            foreach (Guid id in touched)
            {
                CustomerMapping? before = current.Find(id);
                working.TryGetValue(id, out CustomerMapping? after);
                if (before == null && after == null) continue;
                if (after == null)
                {
                    changes.Add(new MappingChange(MappingChangeKind.Removed, before, null));
                }
                else if (before != null && before.SameAs(after))
                {
                    working[id] = before;
                    changes.Add(new MappingChange(MappingChangeKind.Unchanged, before, before));
                }
                else
                {
                    CustomerMapping stamped = after.Stamped(now, who);
                    working[id] = stamped;
                    changes.Add(new MappingChange(before == null ? MappingChangeKind.Added : MappingChangeKind.Changed, before, stamped));
                }
            }
            return changes;
        }

        private static IEnumerable<List<MappingChange>> Batches(List<MappingChange> changes)
        {
            for (int i = 0; i < changes.Count; i += TransactionLimit - 1)
                yield return changes.GetRange(i, Math.Min(TransactionLimit - 1, changes.Count - i));
        }

        /// <summary>Writes one batch and its history entity in one transaction; false when a row changed since it was read.</summary>
        private bool TryCommit(List<MappingChange> batch, TableContent read, string who, long revision, CancellationToken cancellationToken)
        {
            DateTimeOffset now = _client.Time.GetUtcNow();
            var actions = new List<TableTransactionAction>(batch.Count + 1);
            foreach (MappingChange change in batch)
            {
                string rowKey = RowKey(change.SophosCustomerId);
                ETag etag = read.ETags.TryGetValue(change.SophosCustomerId, out ETag known) ? known : default;
                if (change.After == null)
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(MappingPartition, rowKey), etag));
                else if (change.Before == null)
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, ToEntity(change.After, revision)));
                else
                    // Merge keeps properties this version does not know (added by a newer minor version or by the sync).
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateMerge, ToEntity(change.After, revision), etag));
            }
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, HistoryEntity(batch, now, who, revision)));

            return _client.Run(token =>
            {
                try
                {
                    _client.Table.SubmitTransaction(actions, token);
                    return true;
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 409 || ex.Status == 412 || ex.Status == 404 && ex.ErrorCode != "TableNotFound")
                {
                    return false; // EntityAlreadyExists, UpdateConditionNotSatisfied or ResourceNotFound: someone else wrote first
                }
            }, cancellationToken);
        }

        private TableEntity HistoryEntity(List<MappingChange> batch, DateTimeOffset now, string who, long revision)
        {
            // Time first, so the history reads in order; a random tail keeps two hosts' keys apart.
            var entity = new TableEntity(MappingPartition, $"{HistoryPrefix}{now.UtcTicks:D19}-{Guid.NewGuid():N}")
            {
                ["When"] = now,
                ["Who"] = who,
                ["Revision"] = revision,
                ["Count"] = batch.Count,
            };
            var chunk = new StringBuilder();
            int part = 0;
            foreach (MappingChange change in batch)
            {
                string line = MappingJson.WriteAuditLine(new AuditEntry(now, who, change.Kind, change.SophosCustomerId, change.Before, change.After, revision));
                if (chunk.Length > 0 && chunk.Length + line.Length + 1 > HistoryChunkChars)
                {
                    entity["Entries" + part++] = chunk.ToString();
                    chunk.Clear();
                }
                chunk.Append(line).Append('\n');
            }
            entity["Entries" + part] = chunk.ToString();
            return entity;
        }

        private static IEnumerable<string> HistoryLines(TableEntity row)
        {
            for (int part = 0; row.TryGetValue("Entries" + part, out object? value); part++)
                if (value is string text)
                    foreach (string line in text.Split('\n'))
                        if (line.Trim().Length > 0) yield return line;
        }

        private sealed class TableContent
        {
            public TableContent(MappingSnapshot snapshot, Dictionary<Guid, ETag> etags)
            {
                Snapshot = snapshot;
                ETags = etags;
            }

            public MappingSnapshot Snapshot { get; }
            public Dictionary<Guid, ETag> ETags { get; }
        }

        private TableContent Read(CancellationToken cancellationToken)
        {
            EnsureSchema(cancellationToken);
            string filter = $"PartitionKey eq '{MappingPartition}' and RowKey lt '~'";
            List<TableEntity> rows = _client.Run(token => _client.Table.Query<TableEntity>(filter, maxPerPage: 1000, cancellationToken: token).ToList(), cancellationToken);

            var mappings = new List<CustomerMapping>(rows.Count);
            var etags = new Dictionary<Guid, ETag>(rows.Count);
            long revision = 0;
            DateTimeOffset? savedAt = null;
            foreach (TableEntity row in rows)
            {
                CustomerMapping mapping = FromEntity(row);
                mappings.Add(mapping);
                etags[mapping.SophosCustomerId] = row.ETag;
                revision = Math.Max(revision, row.GetInt64("Revision") ?? 0);
                if (mapping.UpdatedAt > savedAt || savedAt == null) savedAt = mapping.UpdatedAt;
            }
            return new TableContent(new MappingSnapshot(SchemaVersion, revision, savedAt, mappings), etags);
        }

        private void EnsureSchema(CancellationToken cancellationToken)
        {
            if (_schemaChecked) return;
            CheckSchema(ReadSchemaEntity(cancellationToken));
            _schemaChecked = true;
        }

        private TableEntity? ReadSchemaEntity(CancellationToken cancellationToken)
        {
            NullableResponse<TableEntity> found = _client.Run(token => _client.Table.GetEntityIfExists<TableEntity>(MetaPartition, SchemaRow, cancellationToken: token), cancellationToken);
            return found.HasValue ? found.Value : null;
        }

        private void CheckSchema(TableEntity? meta)
        {
            int version = meta?.GetInt32("SchemaVersion") ?? SchemaVersion;
            if (version > SchemaVersion)
                throw new PsaMappingException("MappingStoreNewer", PsaErrorKind.InvalidArgument,
                    $"The table store {Settings} was written by a newer version of PsaMapping (schema version {version}; this version reads up to {SchemaVersion}). " +
                    "It was left untouched. Update the PsaMapping module to the latest version on this host, then run the command again.")
                { Target = Settings.ToString() };
        }

        internal static string RowKey(Guid sophosCustomerId) => sophosCustomerId.ToString("D");

        private static TableEntity ToEntity(CustomerMapping mapping, long revision) =>
            new TableEntity(MappingPartition, RowKey(mapping.SophosCustomerId))
            {
                ["SophosCustomerName"] = mapping.SophosCustomerName,
                ["AutotaskCompanyId"] = mapping.AutotaskCompanyId,
                ["AutotaskCompanyName"] = mapping.AutotaskCompanyName,
                ["ContractId"] = mapping.ContractId,
                ["ContractName"] = mapping.ContractName,
                ["SyncEnabled"] = mapping.SyncEnabled,
                ["UpdatedAt"] = mapping.UpdatedAt,
                ["UpdatedBy"] = mapping.UpdatedBy,
                ["Revision"] = revision,
            };

        private CustomerMapping FromEntity(TableEntity row)
        {
            try
            {
                if (!Guid.TryParseExact(row.RowKey, "D", out Guid id) || id == Guid.Empty) throw new FormatException("its row key is not a customer id");
                return new CustomerMapping(id,
                    row.GetString("SophosCustomerName") ?? throw new FormatException("it has no SophosCustomerName"),
                    row.GetInt64("AutotaskCompanyId") ?? throw new FormatException("it has no AutotaskCompanyId"),
                    row.GetString("AutotaskCompanyName") ?? throw new FormatException("it has no AutotaskCompanyName"),
                    row.GetInt64("ContractId") ?? throw new FormatException("it has no ContractId"),
                    row.GetString("ContractName") ?? throw new FormatException("it has no ContractName"),
                    row.GetBoolean("SyncEnabled") ?? throw new FormatException("it has no SyncEnabled"),
                    row.GetDateTimeOffset("UpdatedAt"),
                    row.GetString("UpdatedBy"));
            }
            catch (Exception ex) when (ex is FormatException || ex is InvalidOperationException || ex is InvalidCastException || ex is ArgumentException)
            {
                throw new PsaMappingException("MappingStoreUnreadable", PsaErrorKind.InvalidArgument,
                    $"The table store {Settings} holds a mapping row that cannot be read (partition '{row.PartitionKey}', row '{row.RowKey}'): {ex.Message}. " +
                    "Nothing was changed. Fix or delete that row (Azure portal, Storage browser), then run the command again.", ex)
                { Target = row.RowKey };
            }
        }
    }
}
