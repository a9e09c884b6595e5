using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Data.Tables;
using PsaMapping.Engine.Http;
using PsaMapping.Engine.Mapping;

namespace PsaMapping.Engine.Store.Tables
{
    /// <summary>
    /// Everything PsaMapping keeps, in one Azure Table Storage table shared by a team, with the folder store's
    /// guarantees kept by the table's own means (see <see cref="IMappingStore"/>).
    /// <para>
    /// Layout: one table, a partition per kind, like CIPP's CippMapping.
    /// <list type="bullet">
    /// <item><c>Meta</c>/<c>Schema</c>: the table's schema version; a newer one is refused, never written to.</item>
    /// <item><c>Mapping</c>: one row per mapped customer (row key: the customer id), one per product mapping
    /// (<c>~p</c> and the product code), and the history: one row per saved batch holding that batch's audit
    /// entries (<c>!h</c> for customers, <c>!p</c> for products, then the time). A batch of rows and its
    /// history row share the partition, so one entity-group transaction writes both: a save is never half
    /// applied per batch and never loses an entry, even killed mid-way. The mappings are one key range
    /// (from <c>0</c>), so reading them all costs one request per 1,000 rows.</item>
    /// <item><c>SyncLog</c>: one row per sync-log entry, keyed by time.</item>
    /// <item><c>Lock</c>/<c>Sync</c>: the sync lock's lease (<see cref="TableSyncLease"/>).</item>
    /// </list>
    /// </para>
    /// <para>
    /// No lost update: every write is conditional on the ETag read (a new row on its absence); a save that
    /// meets a change made meanwhile reads again and decides again on top of it.
    /// </para>
    /// </summary>
    public sealed class TableMappingStore : IMappingStore
    {
        /// <summary>The table's layout version (the rows above); a table with a higher one is refused.</summary>
        public const int SchemaVersion = 1;

        internal const string MetaPartition = "Meta";
        internal const string SchemaRow = "Schema";
        internal const string MappingPartition = "Mapping";
        internal const string SyncLogPartition = "SyncLog";
        internal const string CustomerHistoryPrefix = "!h";
        internal const string ProductHistoryPrefix = "!p";
        internal const string ProductPrefix = "~p";

        /// <summary>
        /// The revision and time of the last save, and its writer's schema version, written with every save, so that a
        /// save that only removes rows still moves them on. Its key sorts after the history rows and before the
        /// mappings: a read gets it first, and readers of the previous version (which read from '0') never see it.
        /// </summary>
        internal const string LastSaveRow = "!r";

        /// <summary>Azure's limit of operations in one entity-group transaction.</summary>
        internal const int TransactionLimit = 100;

        /// <summary>Mapping rows in one save transaction: the other two operations are its history row and the last-save row.</summary>
        internal const int RowsPerSaveTransaction = TransactionLimit - 2;

        // A history row holds its entries as JSON lines in string properties of at most 32K characters each.
        private const int HistoryChunkChars = 30000;

        // Rounds of "read again, decide again, write" before a save gives up under constant contention.
        private const int MaxRounds = 25;

        private static readonly Random SharedRandom = new Random();

        private readonly TableStoreClient _client;
        private int _schemaChecked;

        // What LoadAsync returned, with the ETags it was read with, for a save that says it decided on it.
        private readonly ConditionalWeakTable<MappingSnapshot, TableContent> _loaded = new ConditionalWeakTable<MappingSnapshot, TableContent>();

        public TableMappingStore(TableStoreSettings settings, TableStoreOptions? options = null)
        {
            _client = new TableStoreClient(settings, options);
        }

        public TableStoreSettings Settings => _client.Settings;

        /// <summary>The table and its endpoint; never the secret.</summary>
        public string Location => Settings.ToString();

        /// <summary>Every request this store sent, retries included; those for the sync lock under <see cref="SyncLockRequests"/> as well.</summary>
        public RequestCounter Requests => _client.Requests;

        /// <summary>The <see cref="RequestCounter"/> endpoint of the sync lock's requests (its lease), within <see cref="Requests"/>.</summary>
        public const string SyncLockRequests = TableStoreClient.SyncLockRequests;

        /// <summary>
        /// Creates the table when it is missing and records the schema version in a new one; refuses a table
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
                // Azure answers 403 to a SAS that may not create tables; Azurite answers 400 to some.
                catch (PsaMappingException denied) when (denied.ErrorId == ErrorIds.MappingStoreAccessDenied || denied.ErrorId == ErrorIds.MappingStoreRequestFailed)
                {
                    throw _client.TableMissing();
                }
                outcome = AddSchema(schema, cancellationToken);
            }
            if (outcome == "Exists") CheckSchema(ReadSchemaEntity(cancellationToken));
            Interlocked.Exchange(ref _schemaChecked, 1);
        }

        // ---- IMappingStore ----

        public Task<MappingSnapshot> LoadAsync(CancellationToken cancellationToken = default) =>
            Task.Run(() =>
            {
                TableContent content = Read(cancellationToken);
                _loaded.Add(content.Snapshot, content);
                return content.Snapshot;
            }, cancellationToken);

        public Task<MappingSaveResult> SaveAsync(Func<MappingSnapshot, IEnumerable<MappingEdit>> decide, string who, MappingSnapshot? loaded, CancellationToken cancellationToken = default)
        {
            if (decide == null) throw new ArgumentNullException(nameof(decide));
            CheckWho(who);
            return Task.Run(() => SaveRounds(CustomerRows, Loaded(loaded), who, snapshot =>
            {
                var edited = SnapshotEdits.Apply(snapshot, decide(snapshot), _client.Time.GetUtcNow(), who);
                return (edited.Result, edited.Next, edited.Entries.ToList<object>());
            }, cancellationToken), cancellationToken);
        }

        public Task<ProductSaveResult> SaveProductsAsync(Func<MappingSnapshot, IEnumerable<ProductMappingEdit>> decide, string who, MappingSnapshot? loaded, CancellationToken cancellationToken = default)
        {
            if (decide == null) throw new ArgumentNullException(nameof(decide));
            CheckWho(who);
            return Task.Run(() => SaveRounds(ProductRows, Loaded(loaded), who, snapshot =>
            {
                var edited = SnapshotEdits.Apply(snapshot, decide(snapshot), _client.Time.GetUtcNow(), who);
                return (edited.Result, edited.Next, edited.Entries.ToList<object>());
            }, cancellationToken), cancellationToken);
        }

        public Task<int> RecordSyncStatusAsync(IEnumerable<SyncStatusUpdate> updates, CancellationToken cancellationToken = default)
        {
            List<SyncStatusUpdate> pending = (updates ?? throw new ArgumentNullException(nameof(updates))).ToList();
            return Task.Run(() =>
            {
                var recorded = new HashSet<Guid>();
                for (int round = 1; ; round++)
                {
                    TableContent current = Read(cancellationToken);
                    // The last update of a customer wins; customers no longer mapped are skipped.
                    var byCustomer = new Dictionary<Guid, SyncStatusUpdate>();
                    foreach (SyncStatusUpdate update in pending)
                        if (current.Snapshot.Find(update.SophosCustomerId) != null) byCustomer[update.SophosCustomerId] = update;

                    if (byCustomer.Count > 0) EnsureSchema(cancellationToken);
                    bool conflict = false;
                    foreach (List<SyncStatusUpdate> batch in Chunks(byCustomer.Values.ToList(), TransactionLimit))
                    {
                        var actions = batch.Select(u =>
                        {
                            var entity = new TableEntity(MappingPartition, CustomerRowKey(u.SophosCustomerId));
                            SetSyncStatus(entity, u.Status);
                            // Merge on the ETag read: a row removed or changed meanwhile fails the batch, which is read again.
                            return new TableTransactionAction(TableTransactionActionType.UpdateMerge, entity, current.ETags[CustomerRowKey(u.SophosCustomerId)]);
                        }).ToList();
                        if (!TrySubmit(actions, cancellationToken))
                        {
                            conflict = true;
                            break;
                        }
                        recorded.UnionWith(batch.Select(u => u.SophosCustomerId));
                        foreach (SyncStatusUpdate update in batch) pending.RemoveAll(p => p.SophosCustomerId == update.SophosCustomerId);
                    }
                    if (!conflict) return recorded.Count;
                    if (round == MaxRounds) throw Busy();
                    StepAside(round);
                }
            }, cancellationToken);
        }

        public Task<StoredEntries<AuditEntry>> ReadHistoryAsync(HistoryQuery query, CancellationToken cancellationToken = default) =>
            Task.Run(() =>
            {
                List<object> entries = ReadHistoryRows(CustomerHistoryPrefix, out int skipped, cancellationToken);
                return new StoredEntries<AuditEntry>((query ?? HistoryQuery.All).Apply(entries.OfType<AuditEntry>()), skipped);
            }, cancellationToken);

        public Task<StoredEntries<ProductAuditEntry>> ReadProductHistoryAsync(HistoryQuery query, CancellationToken cancellationToken = default) =>
            Task.Run(() =>
            {
                List<object> entries = ReadHistoryRows(ProductHistoryPrefix, out int skipped, cancellationToken);
                return new StoredEntries<ProductAuditEntry>((query ?? HistoryQuery.All).Apply(entries.OfType<ProductAuditEntry>()), skipped);
            }, cancellationToken);

        public Task AppendSyncLogAsync(SyncLogEntry entry, CancellationToken cancellationToken = default)
        {
            if (entry == null) throw new ArgumentNullException(nameof(entry));
            return Task.Run(() =>
            {
                EnsureSchema(cancellationToken);
                var row = new TableEntity(SyncLogPartition, OrderedKey(string.Empty, entry.When))
                {
                    ["Entry"] = MappingJson.WriteSyncLogLine(entry),
                    ["Event"] = entry.Event.ToString(),
                    ["SophosCustomerId"] = entry.SophosCustomerId,
                    ["Year"] = entry.Year,
                    ["Month"] = entry.Month,
                };
                // Returns once the service has stored it: an add is durable when it is acknowledged.
                _client.Run(token => _client.Table.AddEntity(row, token), cancellationToken);
            }, cancellationToken);
        }

        public Task<StoredEntries<SyncLogEntry>> ReadSyncLogAsync(SyncLogQuery query, CancellationToken cancellationToken = default) =>
            Task.Run(() =>
            {
                EnsureSchema(cancellationToken);
                string filter = $"PartitionKey eq '{SyncLogPartition}'";
                List<TableEntity> rows = _client.Run(token => _client.Table.Query<TableEntity>(filter, maxPerPage: 1000, cancellationToken: token).ToList(), cancellationToken);
                var entries = new List<SyncLogEntry>(rows.Count);
                int skipped = 0;
                foreach (TableEntity row in rows.OrderBy(r => r.RowKey, StringComparer.Ordinal))
                {
                    try
                    {
                        entries.Add(MappingJson.ReadSyncLogLine(row.GetString("Entry") ?? throw new MappingFormatException("no Entry")));
                    }
                    catch (MappingFormatException)
                    {
                        skipped++;
                    }
                }
                return new StoredEntries<SyncLogEntry>((query ?? SyncLogQuery.All).Apply(entries), skipped);
            }, cancellationToken);

        public Task<SyncLease> AcquireSyncLockAsync(string holder, TimeSpan duration, CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrWhiteSpace(holder)) throw new ArgumentException("Say who takes the lock.", nameof(holder));
            return Task.Run(() =>
            {
                EnsureSchema(cancellationToken);
                using (TableStoreClient.CountAs(TableStoreClient.SyncLockRequests))
                    return TableSyncLease.Acquire(_client, holder, duration, cancellationToken);
            }, cancellationToken);
        }

        public Task<SyncLease> RenewSyncLockAsync(SyncLease lease, TimeSpan duration, CancellationToken cancellationToken = default)
        {
            if (lease == null) throw new ArgumentNullException(nameof(lease));
            return Task.Run(() =>
            {
                using (TableStoreClient.CountAs(TableStoreClient.SyncLockRequests))
                    return TableSyncLease.Renew(_client, lease, duration, cancellationToken);
            }, cancellationToken);
        }

        public Task ReleaseSyncLockAsync(SyncLease lease, CancellationToken cancellationToken = default)
        {
            if (lease == null) throw new ArgumentNullException(nameof(lease));
            return Task.Run(() =>
            {
                using (TableStoreClient.CountAs(TableStoreClient.SyncLockRequests))
                    TableSyncLease.Release(_client, lease, cancellationToken);
            }, cancellationToken);
        }

        /// <summary>
        /// Copies <paramref name="source"/> (a folder store) into this table: mappings the table lacks, and every
        /// history and sync-log entry not copied before. Idempotent; with <paramref name="apply"/> false it only counts.
        /// </summary>
        public Task<StoreImport> ImportAsync(IMappingStore source, bool apply, CancellationToken cancellationToken = default) =>
            TableStoreImporter.ImportAsync(this, _client, source ?? throw new ArgumentNullException(nameof(source)), apply, cancellationToken);

        // ---- saving ----

        /// <summary>One row to write: null entity for a delete; the ETag read, or none for a new row.</summary>
        private sealed class RowWrite
        {
            public RowWrite(string rowKey, TableEntity? entity, ETag? etag)
            {
                RowKey = rowKey;
                Entity = entity;
                ETag = etag;
            }

            public string RowKey { get; }
            public TableEntity? Entity { get; }
            public ETag? ETag { get; }

            public TableTransactionAction Action() =>
                Entity == null ? new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(MappingPartition, RowKey), ETag!.Value)
                : ETag == null ? new TableTransactionAction(TableTransactionActionType.Add, Entity)
                // Merge keeps properties this version does not write (the sync status, or a newer minor version's).
                : new TableTransactionAction(TableTransactionActionType.UpdateMerge, Entity, ETag.Value);
        }

        /// <summary>The content <paramref name="snapshot"/> was read as, when this store's LoadAsync returned it.</summary>
        private TableContent? Loaded(MappingSnapshot? snapshot) =>
            snapshot != null && _loaded.TryGetValue(snapshot, out TableContent? content) ? content : null;

        private static RowWrite Write(string rowKey, TableEntity? entity, TableContent current) =>
            new RowWrite(rowKey, entity, current.ETags.TryGetValue(rowKey, out ETag etag) ? etag : (ETag?)null);

        /// <summary>
        /// What differs between saving customer mappings and product mappings: their rows, their history rows and
        /// their result type. Everything else is the one path both take, <see cref="SaveRounds"/>.
        /// </summary>
        private sealed class RowKind<TMapping, TChange, TResult> where TMapping : class
        {
            public RowKind(string historyPrefix, Func<TMapping, string> rowKey, Func<TMapping, long, TableEntity> entity,
                           Func<TChange, (MappingChangeKind Kind, TMapping? Before, TMapping? After)> parts,
                           Func<MappingChangeKind, TMapping?, TMapping?, TChange> change,
                           Func<TResult, IReadOnlyList<TChange>> changesOf,
                           Func<IReadOnlyList<TChange>, MappingSnapshot, bool, TResult> result)
            {
                HistoryPrefix = historyPrefix;
                RowKey = rowKey;
                Entity = entity;
                Parts = parts;
                Change = change;
                ChangesOf = changesOf;
                Result = result;
            }

            public string HistoryPrefix { get; }
            public Func<TMapping, string> RowKey { get; }
            public Func<TMapping, long, TableEntity> Entity { get; }
            public Func<TChange, (MappingChangeKind Kind, TMapping? Before, TMapping? After)> Parts { get; }
            public Func<MappingChangeKind, TMapping?, TMapping?, TChange> Change { get; }
            public Func<TResult, IReadOnlyList<TChange>> ChangesOf { get; }
            public Func<IReadOnlyList<TChange>, MappingSnapshot, bool, TResult> Result { get; }

            public string KeyOf(TChange change)
            {
                var (_, before, after) = Parts(change);
                return RowKey((after ?? before)!);
            }

            /// <summary>One change written in an earlier round, then another in a later one: what the two did together.</summary>
            public TChange Merge(TChange first, TChange later)
            {
                TMapping? before = Parts(first).Before, after = Parts(later).After;
                if (before == null && after == null) return later; // added, then removed: report the removal
                return Change(after == null ? MappingChangeKind.Removed : before == null ? MappingChangeKind.Added : MappingChangeKind.Changed, before, after);
            }
        }

        private static readonly RowKind<CustomerMapping, MappingChange, MappingSaveResult> CustomerRows = new RowKind<CustomerMapping, MappingChange, MappingSaveResult>(
            CustomerHistoryPrefix, m => CustomerRowKey(m.SophosCustomerId), CustomerEntity, c => (c.Kind, c.Before, c.After),
            (kind, before, after) => new MappingChange(kind, before, after), r => r.Changes, (changes, snapshot, written) => new MappingSaveResult(changes, snapshot, written));

        private static readonly RowKind<ProductMapping, ProductChange, ProductSaveResult> ProductRows = new RowKind<ProductMapping, ProductChange, ProductSaveResult>(
            ProductHistoryPrefix, p => ProductRowKey(p.ProductCode), ProductEntity, c => (c.Kind, c.Before, c.After),
            (kind, before, after) => new ProductChange(kind, before, after), r => r.Changes, (changes, snapshot, written) => new ProductSaveResult(changes, snapshot, written));

        /// <summary>
        /// The one save path. Decides on what the table holds (or on what the caller loaded), writes the changes in
        /// batches of 98 rows plus their history row and the last-save row, and when a batch meets a row changed meanwhile, reads again and
        /// decides again; what earlier rounds wrote then reads as unchanged, so the result reports what was really done.
        /// </summary>
        private TResult SaveRounds<TMapping, TChange, TResult>(
            RowKind<TMapping, TChange, TResult> rows, TableContent? loaded, string who,
            Func<MappingSnapshot, (TResult Result, MappingSnapshot Next, List<object> Entries)> apply,
            CancellationToken cancellationToken)
            where TMapping : class
        {
            var written = new Dictionary<string, TChange>(StringComparer.Ordinal);
            var order = new List<string>();
            for (int round = 1; ; round++)
            {
                // The first round may decide on what the caller loaded: every write is conditional on the ETags
                // read with it, so a row changed since fails its batch and the next round reads again.
                TableContent current = round == 1 && loaded != null ? loaded : Read(cancellationToken);
                var decided = apply(current.Snapshot);
                IReadOnlyList<TChange> decidedChanges = rows.ChangesOf(decided.Result);
                List<TChange> real = decidedChanges.Where(c => rows.Parts(c).Kind != MappingChangeKind.Unchanged).ToList();
                List<RowWrite> writes = real.Select(c =>
                {
                    TMapping? after = rows.Parts(c).After;
                    return Write(rows.KeyOf(c), after == null ? null : rows.Entity(after, decided.Next.Revision), current);
                }).ToList();

                if (writes.Count > 0) EnsureSchema(cancellationToken);
                bool conflict = false;
                int start = 0;
                foreach (List<RowWrite> batch in Chunks(writes, RowsPerSaveTransaction))
                {
                    List<object> entries = decided.Entries.GetRange(start, batch.Count);
                    var actions = batch.Select(w => w.Action()).ToList();
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, HistoryRow(rows.HistoryPrefix, entries, who)));
                    // Unconditional: saves of different customers by two hosts still run at once, as they may write the
                    // same revision (the rows' ETags, not the revision, guard the updates).
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(MappingPartition, LastSaveRow)
                    {
                        ["Revision"] = decided.Next.Revision,
                        ["SavedAt"] = decided.Next.SavedAt,
                        ["SchemaVersion"] = SchemaVersion,
                    }));
                    if (!TrySubmit(actions, cancellationToken))
                    {
                        conflict = true;
                        break;
                    }
                    foreach (TChange change in real.GetRange(start, batch.Count))
                    {
                        string key = rows.KeyOf(change);
                        if (!written.ContainsKey(key)) order.Add(key);
                        written[key] = written.TryGetValue(key, out TChange? earlier) ? rows.Merge(earlier!, change) : change;
                    }
                    start += batch.Count;
                }

                if (!conflict)
                {
                    var changes = new List<TChange>();
                    var listed = new HashSet<string>(StringComparer.Ordinal);
                    foreach (TChange change in decidedChanges)
                    {
                        string key = rows.KeyOf(change);
                        listed.Add(key);
                        changes.Add(rows.Parts(change).Kind == MappingChangeKind.Unchanged && written.TryGetValue(key, out TChange? done) ? done! : change);
                    }
                    foreach (string key in order)
                        if (!listed.Contains(key)) changes.Add(written[key]);
                    return rows.Result(changes, written.Count > 0 ? decided.Next : current.Snapshot, written.Count > 0);
                }
                if (round == MaxRounds) throw Busy();
                StepAside(round);
            }
        }

        /// <summary>Submits one transaction; false when a row changed since it was read (someone else wrote first).</summary>
        private bool TrySubmit(List<TableTransactionAction> actions, CancellationToken cancellationToken) =>
            _client.Run(token =>
            {
                try
                {
                    _client.Table.SubmitTransaction(actions, token);
                    return true;
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 409 || ex.Status == 412 || ex.Status == 404 && ex.ErrorCode != "TableNotFound")
                {
                    return false; // EntityAlreadyExists, UpdateConditionNotSatisfied or ResourceNotFound
                }
            }, cancellationToken);

        private TableEntity HistoryRow(string prefix, List<object> entries, string who)
        {
            DateTimeOffset now = _client.Time.GetUtcNow();
            var row = new TableEntity(MappingPartition, OrderedKey(prefix, now))
            {
                ["When"] = now,
                ["Who"] = who,
                ["Count"] = entries.Count,
            };
            var chunk = new StringBuilder();
            int part = 0;
            foreach (object entry in entries)
            {
                string line = MappingJson.WriteAuditLine(entry);
                if (chunk.Length > 0 && chunk.Length + line.Length + 1 > HistoryChunkChars)
                {
                    row["Entries" + part++] = chunk.ToString();
                    chunk.Clear();
                }
                chunk.Append(line).Append('\n');
            }
            row["Entries" + part] = chunk.ToString();
            return row;
        }

        private List<object> ReadHistoryRows(string prefix, out int skipped, CancellationToken cancellationToken)
        {
            EnsureSchema(cancellationToken);
            string end = prefix.Substring(0, prefix.Length - 1) + (char)(prefix[prefix.Length - 1] + 1);
            string filter = $"PartitionKey eq '{MappingPartition}' and RowKey ge '{prefix}' and RowKey lt '{end}'";
            List<TableEntity> rows = _client.Run(token => _client.Table.Query<TableEntity>(filter, maxPerPage: 1000, cancellationToken: token).ToList(), cancellationToken);
            var entries = new List<object>();
            skipped = 0;
            foreach (TableEntity row in rows.OrderBy(r => r.RowKey, StringComparer.Ordinal))
                for (int part = 0; row.TryGetValue("Entries" + part, out object? value); part++)
                    foreach (string line in (value as string ?? string.Empty).Split('\n'))
                    {
                        if (line.Trim().Length == 0) continue;
                        try
                        {
                            entries.Add(MappingJson.ReadAuditLine(line));
                        }
                        catch (MappingFormatException)
                        {
                            skipped++;
                        }
                    }
            return entries;
        }

        // ---- reading ----

        private sealed class TableContent
        {
            public TableContent(MappingSnapshot snapshot, Dictionary<string, ETag> etags)
            {
                Snapshot = snapshot;
                ETags = etags;
            }

            public MappingSnapshot Snapshot { get; }

            /// <summary>By row key.</summary>
            public Dictionary<string, ETag> ETags { get; }
        }

        private TableContent Read(CancellationToken cancellationToken)
        {
            // From the last-save row (!r): it, the customer rows (ids) and the product rows (~p); not the history rows (!h, !p).
            string filter = $"PartitionKey eq '{MappingPartition}' and RowKey ge '{LastSaveRow}'";
            List<TableEntity> rows = _client.Run(token => _client.Table.Query<TableEntity>(filter, maxPerPage: 1000, cancellationToken: token).ToList(), cancellationToken);
            // A read trusts the schema version of the last save's writer, which spares a new process the schema row's
            // request; a table no save of this version has written yet is checked against the schema row. Every write
            // still checks the schema row first (EnsureSchema), the one a newer version changes when it migrates.
            if (rows.Count > 0 && rows[0].RowKey == LastSaveRow && rows[0].GetInt32("SchemaVersion") != null) CheckSchema(rows[0]);
            else EnsureSchema(cancellationToken);

            var mappings = new List<CustomerMapping>(rows.Count);
            var products = new List<ProductMapping>();
            var etags = new Dictionary<string, ETag>(rows.Count, StringComparer.Ordinal);
            long revision = 0;
            DateTimeOffset? savedAt = null;
            foreach (TableEntity row in rows)
            {
                DateTimeOffset? updated;
                if (row.RowKey == LastSaveRow)
                {
                    revision = Math.Max(revision, row.GetInt64("Revision") ?? 0);
                    updated = row.GetDateTimeOffset("SavedAt");
                    if (updated > savedAt || savedAt == null) savedAt = updated;
                    continue;
                }
                if (row.RowKey.StartsWith(ProductPrefix, StringComparison.Ordinal))
                {
                    ProductMapping product = ReadProduct(row);
                    products.Add(product);
                    updated = product.UpdatedAt;
                }
                else
                {
                    CustomerMapping mapping = ReadCustomer(row);
                    mappings.Add(mapping);
                    updated = mapping.UpdatedAt;
                }
                etags[row.RowKey] = row.ETag;
                revision = Math.Max(revision, row.GetInt64("Revision") ?? 0);
                if (updated > savedAt || savedAt == null) savedAt = updated;
            }
            // The revision is the highest any row or the last-save row was written in: it goes up with every save, though
            // two hosts saving at once can both write the same number (each row's ETag, not the revision, guards updates).
            return new TableContent(new MappingSnapshot(MappingStore.SchemaVersion, revision, savedAt, mappings, products), etags);
        }

        private void EnsureSchema(CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref _schemaChecked) == 1) return;
            CheckSchema(ReadSchemaEntity(cancellationToken));
            Interlocked.Exchange(ref _schemaChecked, 1);
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

        private TableEntity? ReadSchemaEntity(CancellationToken cancellationToken)
        {
            NullableResponse<TableEntity> found = _client.Run(token => _client.Table.GetEntityIfExists<TableEntity>(MetaPartition, SchemaRow, cancellationToken: token), cancellationToken);
            return found.HasValue ? found.Value : null;
        }

        private void CheckSchema(TableEntity? meta)
        {
            int version = meta?.GetInt32("SchemaVersion") ?? SchemaVersion;
            if (version > SchemaVersion)
                throw new PsaMappingException(ErrorIds.MappingStoreNewer, PsaErrorKind.InvalidArgument,
                    $"The table store {Settings} was written by a newer version of PsaMapping (table schema {version}; this version reads up to {SchemaVersion}). " +
                    "It was left untouched. Update the PsaMapping module to the latest version on this host, then run the command again.")
                { Target = Settings.ToString() };
        }

        // ---- rows ----

        internal static string CustomerRowKey(Guid sophosCustomerId) => sophosCustomerId.ToString("D");

        /// <summary>Product codes are matched case-insensitively, and row keys may not hold / \ # ? or control characters.</summary>
        internal static string ProductRowKey(string productCode) => ProductPrefix + Uri.EscapeDataString(productCode.Trim().ToUpperInvariant());

        internal static TableEntity CustomerEntity(CustomerMapping mapping, long revision)
        {
            var entity = new TableEntity(MappingPartition, CustomerRowKey(mapping.SophosCustomerId))
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
            if (mapping.LastSync != null) SetSyncStatus(entity, mapping.LastSync);
            return entity;
        }

        private static void SetSyncStatus(TableEntity entity, SyncStatus status)
        {
            entity["LastSyncAt"] = status.At;
            entity["LastSyncOutcome"] = status.Outcome.ToString();
            entity["LastSyncMessage"] = status.Message;
        }

        internal static TableEntity ProductEntity(ProductMapping product, long revision) =>
            new TableEntity(MappingPartition, ProductRowKey(product.ProductCode))
            {
                ["ProductCode"] = product.ProductCode,
                ["AutotaskServiceId"] = product.AutotaskServiceId,
                ["ServiceName"] = product.ServiceName,
                ["UpdatedAt"] = product.UpdatedAt,
                ["UpdatedBy"] = product.UpdatedBy,
                ["Revision"] = revision,
            };

        private CustomerMapping ReadCustomer(TableEntity row) => Readable(row, () =>
        {
            if (!Guid.TryParseExact(row.RowKey, "D", out Guid id) || id == Guid.Empty) throw new FormatException("its row key is not a customer id");
            SyncStatus? lastSync = null;
            DateTimeOffset? at = row.GetDateTimeOffset("LastSyncAt");
            if (at.HasValue)
            {
                if (!Enum.TryParse(row.GetString("LastSyncOutcome"), out SyncOutcome outcome)) throw new FormatException("its LastSyncOutcome is not one PsaMapping knows");
                lastSync = new SyncStatus(at.Value, outcome, row.GetString("LastSyncMessage"));
            }
            return new CustomerMapping(id,
                Required(row.GetString("SophosCustomerName"), "SophosCustomerName"),
                Required(row.GetInt64("AutotaskCompanyId"), "AutotaskCompanyId"),
                Required(row.GetString("AutotaskCompanyName"), "AutotaskCompanyName"),
                Required(row.GetInt64("ContractId"), "ContractId"),
                Required(row.GetString("ContractName"), "ContractName"),
                Required(row.GetBoolean("SyncEnabled"), "SyncEnabled"),
                row.GetDateTimeOffset("UpdatedAt"),
                row.GetString("UpdatedBy"),
                lastSync);
        });

        private ProductMapping ReadProduct(TableEntity row) => Readable(row, () =>
            new ProductMapping(
                Required(row.GetString("ProductCode"), "ProductCode"),
                Required(row.GetInt64("AutotaskServiceId"), "AutotaskServiceId"),
                Required(row.GetString("ServiceName"), "ServiceName"),
                row.GetDateTimeOffset("UpdatedAt"),
                row.GetString("UpdatedBy")));

        private static T Required<T>(T? value, string name) where T : class =>
            value ?? throw new FormatException("it has no " + name);

        private static T Required<T>(T? value, string name) where T : struct =>
            value ?? throw new FormatException("it has no " + name);

        private T Readable<T>(TableEntity row, Func<T> read)
        {
            try
            {
                return read();
            }
            catch (Exception ex) when (ex is FormatException || ex is InvalidOperationException || ex is InvalidCastException || ex is ArgumentException)
            {
                throw new PsaMappingException(ErrorIds.MappingStoreUnreadable, PsaErrorKind.InvalidArgument,
                    $"The table store {Settings} holds a row that cannot be read (partition '{row.PartitionKey}', row '{row.RowKey}'): {ex.Message}. " +
                    "Nothing was changed. Fix or delete that row (Azure portal, Storage browser), then run the command again.", ex)
                { Target = row.RowKey };
            }
        }

        // ---- helpers ----

        /// <summary>
        /// A row key that sorts in the order rows were written: the time, then this machine's monotonic clock
        /// (entries stamped with the same time, as a fast sync or a test's fixed clock makes them, keep their
        /// order), then a random tail that keeps two hosts' keys apart.
        /// </summary>
        private static string OrderedKey(string prefix, DateTimeOffset when) =>
            $"{prefix}{when.UtcTicks:D19}-{System.Diagnostics.Stopwatch.GetTimestamp():D19}-{Guid.NewGuid():N}";

        private static void CheckWho(string who)
        {
            if (string.IsNullOrWhiteSpace(who)) throw new ArgumentException("Say who is saving (for example MappingStore.CurrentUser()).", nameof(who));
        }

        private static IEnumerable<List<T>> Chunks<T>(List<T> items, int size)
        {
            for (int i = 0; i < items.Count; i += size)
                yield return items.GetRange(i, Math.Min(size, items.Count - i));
        }

        private PsaMappingException Busy() =>
            new PsaMappingException(ErrorIds.MappingStoreBusy, PsaErrorKind.Unavailable,
                $"The table store {Settings} kept changing under this save ({MaxRounds} attempts): other hosts are saving the same rows. " +
                "What was saved is in the history; run the command again.")
            { Target = Settings.ToString() };

        /// <summary>Others are writing the same rows: wait a moment, at random, so the next round does not collide again.</summary>
        private static void StepAside(int round)
        {
            int wait;
            lock (SharedRandom) wait = SharedRandom.Next(10, 40 * Math.Min(round, 5));
            Thread.Sleep(wait);
        }
    }
}
