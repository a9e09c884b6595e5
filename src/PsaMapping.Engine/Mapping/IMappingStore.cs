using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>
    /// Everything PsaMapping keeps, behind one interface with two homes: the folder on this machine
    /// (<see cref="FolderMappingStore"/>, the default) and a shared Azure table. Every cmdlet talks to this
    /// interface only, so each works unchanged on either.
    /// <para>
    /// What it keeps: the customer mappings and the product mappings (one <see cref="MappingSnapshot"/>), the
    /// audit history of both, the sync status of each mapping row, the sync log, and the sync lock.
    /// </para>
    /// <para>
    /// The guarantees every implementation gives, and the tests of both hold it to:
    /// <list type="bullet">
    /// <item>No lost update. A save is a function of the current content (<c>decide</c>), applied to the
    /// content as the store holds it at that moment: under the folder's cross-process lock, or against the
    /// ETags the table returned. A store that detects a conflict reads again and calls <c>decide</c> again,
    /// so <c>decide</c> must compute only from the snapshot it is given, without side effects, and may run
    /// more than once.</item>
    /// <item>No lost history entry. A save's audit entries are kept with the save itself: never a saved
    /// change without its entries, never entries for a change that was not saved.</item>
    /// <item>Nothing half done. A save is applied whole or not at all (the table: per entity-group batch of
    /// at most 100 rows, each batch carrying its own audit entries).</item>
    /// <item>A store it cannot read or write is reported as a <see cref="PsaMappingException"/> with its own
    /// error id and left untouched.</item>
    /// </list>
    /// </para>
    /// What a save does to the content is the same in every store: <see cref="SnapshotEdits.Apply(MappingSnapshot, IEnumerable{MappingEdit}, DateTimeOffset, string)"/>.
    /// Queries filter through <see cref="HistoryQuery"/> and <see cref="SyncLogQuery"/>. <see cref="MappingStore"/> has the schema version and
    /// the current user. Every method may be called from any thread; none writes to PowerShell.
    /// </summary>
    public interface IMappingStore
    {
        /// <summary>Where the store is, for messages: a folder path, or a table name and endpoint (never a secret).</summary>
        string Location { get; }

        // ---- customer and product mappings ----

        /// <summary>The saved customer and product mappings; <see cref="MappingSnapshot.Empty"/> when nothing was saved. Never writes.</summary>
        Task<MappingSnapshot> LoadAsync(CancellationToken cancellationToken = default);

        /// <summary>
        /// Applies the customer-mapping edits <paramref name="decide"/> returns for the current content (see the
        /// interface's notes: it may run more than once). Edits apply in order; the same customer twice: the
        /// last wins. Added and changed mappings are stamped with the time and <paramref name="who"/>; a
        /// mapping's sync status (<see cref="CustomerMapping.LastSync"/>) is always carried over from the stored
        /// row, never set by a save. One audit entry per added, changed or removed mapping is kept with the
        /// save. When nothing changed nothing is written.
        /// <para>
        /// <paramref name="loaded"/>: what this store's <see cref="LoadAsync"/> returned, when the caller read it
        /// before deciding (a command checks its rows against it). A store that checks at write time that nothing
        /// written since is overwritten (the table, by ETags) decides first on it and so saves reading everything
        /// again; a change written since then still makes it read again and decide again. The folder, which reads
        /// under its lock, ignores it.
        /// </para>
        /// </summary>
        Task<MappingSaveResult> SaveAsync(Func<MappingSnapshot, IEnumerable<MappingEdit>> decide, string who, MappingSnapshot? loaded, CancellationToken cancellationToken = default);

        /// <summary>The same as <see cref="SaveAsync"/>, for product mappings (ProductCode -> Autotask service).</summary>
        Task<ProductSaveResult> SaveProductsAsync(Func<MappingSnapshot, IEnumerable<ProductMappingEdit>> decide, string who, MappingSnapshot? loaded, CancellationToken cancellationToken = default);

        /// <summary>
        /// Records each customer's last sync (the Sophos page's Sync Status column) on its mapping row. Not a
        /// mapping change: no audit entry, no new revision, UpdatedAt/UpdatedBy untouched. A customer with no
        /// mapping (removed meanwhile) is skipped. Returns how many rows were updated.
        /// </summary>
        Task<int> RecordSyncStatusAsync(IEnumerable<SyncStatusUpdate> updates, CancellationToken cancellationToken = default);

        // ---- audit history ----

        /// <summary>Customer-mapping audit entries, oldest first, filtered by <paramref name="query"/> (<see cref="HistoryQuery.Apply{T}"/>).</summary>
        Task<StoredEntries<AuditEntry>> ReadHistoryAsync(HistoryQuery query, CancellationToken cancellationToken = default);

        /// <summary>Product-mapping audit entries, oldest first, filtered by <paramref name="query"/>.</summary>
        Task<StoredEntries<ProductAuditEntry>> ReadProductHistoryAsync(HistoryQuery query, CancellationToken cancellationToken = default);

        // ---- sync log ----

        /// <summary>
        /// Appends one sync-log entry and returns only once it is durable: write the <see cref="SyncLogEvent.Intent"/>
        /// entry before each adjustment POST and the outcome entry after it, so a crash at any point leaves a
        /// log that says what may have been posted.
        /// </summary>
        Task AppendSyncLogAsync(SyncLogEntry entry, CancellationToken cancellationToken = default);

        /// <summary>Sync-log entries, oldest first, filtered by <paramref name="query"/> (<see cref="SyncLogQuery.Apply"/>).</summary>
        Task<StoredEntries<SyncLogEntry>> ReadSyncLogAsync(SyncLogQuery query, CancellationToken cancellationToken = default);

        // ---- sync lock ----

        /// <summary>
        /// Takes the store's sync lock for <paramref name="duration"/>, so that two syncs (two processes, two
        /// hosts) never post at once. A lock whose holder crashed is free again once it expires.
        /// </summary>
        /// <exception cref="PsaMappingException"><c>SyncLocked</c> at once (no waiting) when someone else holds it; the message names the holder and until when.</exception>
        Task<SyncLease> AcquireSyncLockAsync(string holder, TimeSpan duration, CancellationToken cancellationToken = default);

        /// <summary>Extends a held lock to now + <paramref name="duration"/> (a long sync renews before it expires).</summary>
        /// <exception cref="PsaMappingException"><c>SyncLockLost</c> when the lease expired and someone else took the lock: stop posting.</exception>
        Task<SyncLease> RenewSyncLockAsync(SyncLease lease, TimeSpan duration, CancellationToken cancellationToken = default);

        /// <summary>Gives the lock back. Releasing a lease that expired or was taken over is not an error (nothing to give back).</summary>
        Task ReleaseSyncLockAsync(SyncLease lease, CancellationToken cancellationToken = default);
    }

    /// <summary>Saves without a loaded snapshot: the store reads what it decides on (see <see cref="IMappingStore.SaveAsync"/>).</summary>
    public static class MappingStoreSaves
    {
        public static Task<MappingSaveResult> SaveAsync(this IMappingStore store, Func<MappingSnapshot, IEnumerable<MappingEdit>> decide, string who, CancellationToken cancellationToken = default) =>
            (store ?? throw new ArgumentNullException(nameof(store))).SaveAsync(decide, who, null, cancellationToken);

        public static Task<ProductSaveResult> SaveProductsAsync(this IMappingStore store, Func<MappingSnapshot, IEnumerable<ProductMappingEdit>> decide, string who, CancellationToken cancellationToken = default) =>
            (store ?? throw new ArgumentNullException(nameof(store))).SaveProductsAsync(decide, who, null, cancellationToken);
    }
}
