using PsaMapping.Engine.Mapping;

namespace PsaMapping.Engine.Tests
{
    /// <summary>
    /// Short synchronous forms of the store's calls, so that store tests read as what they check. Any
    /// <see cref="IMappingStore"/> works; each call waits for the store's task.
    /// </summary>
    internal static class StoreTestExtensions
    {
        public static MappingSnapshot Load(this IMappingStore store) => store.LoadAsync().GetAwaiter().GetResult();

        public static MappingSaveResult Save(this IMappingStore store, IEnumerable<MappingEdit> edits, string who) =>
            store.SaveAsync(_ => edits, who).GetAwaiter().GetResult();

        public static MappingSaveResult Save(this IMappingStore store, Func<MappingSnapshot, IEnumerable<MappingEdit>> decide, string who) =>
            store.SaveAsync(decide, who).GetAwaiter().GetResult();

        public static ProductSaveResult SaveProducts(this IMappingStore store, IEnumerable<ProductMappingEdit> edits, string who) =>
            store.SaveProductsAsync(_ => edits, who).GetAwaiter().GetResult();

        public static StoredEntries<AuditEntry> ReadHistory(this IMappingStore store, Guid? sophosCustomerId = null, DateTimeOffset? since = null, int? last = null) =>
            store.ReadHistoryAsync(new HistoryQuery { SophosCustomerId = sophosCustomerId, Since = since, Last = last }).GetAwaiter().GetResult();

        public static StoredEntries<ProductAuditEntry> ReadProductHistory(this IMappingStore store, string? productCode = null) =>
            store.ReadProductHistoryAsync(new HistoryQuery { ProductCode = productCode }).GetAwaiter().GetResult();

        public static StoredEntries<SyncLogEntry> ReadSyncLog(this IMappingStore store, SyncLogQuery? query = null) =>
            store.ReadSyncLogAsync(query ?? SyncLogQuery.All).GetAwaiter().GetResult();
    }
}
