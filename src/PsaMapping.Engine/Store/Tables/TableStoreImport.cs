using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Azure.Data.Tables;
using PsaMapping.Engine.Mapping;

namespace PsaMapping.Engine.Store.Tables
{
    /// <summary>What Import-PsaMappingStore copied (or, under -WhatIf, would copy) from a folder store into a table.</summary>
    public sealed class StoreImport
    {
        public string Source { get; internal set; } = string.Empty;
        public string Target { get; internal set; } = string.Empty;
        public bool Applied { get; internal set; }

        public int MappingsAdded { get; internal set; }
        public int MappingsAlreadyThere { get; internal set; }
        /// <summary>Customers the table maps differently: the table's mapping is kept (it is the shared truth).</summary>
        public int MappingsKeptFromTable { get; internal set; }
        public int ProductMappingsAdded { get; internal set; }
        public int ProductMappingsAlreadyThere { get; internal set; }
        public int ProductMappingsKeptFromTable { get; internal set; }
        public int HistoryEntriesAdded { get; internal set; }
        public int HistoryEntriesAlreadyThere { get; internal set; }
        public int SyncLogEntriesAdded { get; internal set; }
        public int SyncLogEntriesAlreadyThere { get; internal set; }

        public override string ToString() =>
            $"{(Applied ? "Imported" : "Would import")} {MappingsAdded} mappings ({MappingsAlreadyThere} already there, {MappingsKeptFromTable} mapped differently in the table and kept), " +
            $"{ProductMappingsAdded} product mappings ({ProductMappingsAlreadyThere} already there, {ProductMappingsKeptFromTable} kept), " +
            $"{HistoryEntriesAdded} history entries ({HistoryEntriesAlreadyThere} already there) and {SyncLogEntriesAdded} sync-log entries ({SyncLogEntriesAlreadyThere} already there).";
    }

    /// <summary>
    /// Copies a store (the folder) into a table store, idempotently: each history and sync-log entry gets a row
    /// key made of its time and a hash of its content, so an entry already copied is recognised and a second
    /// import adds nothing; a mapping the table lacks is added, one it holds differently is left as the table has it.
    /// </summary>
    internal static class TableStoreImporter
    {
        public static async Task<StoreImport> ImportAsync(TableMappingStore target, TableStoreClient client, IMappingStore source, bool apply, CancellationToken cancellationToken)
        {
            MappingSnapshot from = await source.LoadAsync(cancellationToken).ConfigureAwait(false);
            var customerHistory = await source.ReadHistoryAsync(HistoryQuery.All, cancellationToken).ConfigureAwait(false);
            var productHistory = await source.ReadProductHistoryAsync(HistoryQuery.All, cancellationToken).ConfigureAwait(false);
            var syncLog = await source.ReadSyncLogAsync(SyncLogQuery.All, cancellationToken).ConfigureAwait(false);
            MappingSnapshot to = await target.LoadAsync(cancellationToken).ConfigureAwait(false);

            var result = new StoreImport { Source = source.Location, Target = target.Location, Applied = apply };
            var mappingRows = new List<TableTransactionAction>();
            foreach (CustomerMapping mapping in from.Mappings)
            {
                CustomerMapping? there = to.Find(mapping.SophosCustomerId);
                if (there == null) { result.MappingsAdded++; mappingRows.Add(new TableTransactionAction(TableTransactionActionType.Add, TableMappingStore.CustomerEntity(mapping, to.Revision + 1))); }
                else if (there.SameAs(mapping)) result.MappingsAlreadyThere++;
                else result.MappingsKeptFromTable++;
            }
            foreach (ProductMapping product in from.Products)
            {
                ProductMapping? there = to.FindProduct(product.ProductCode);
                if (there == null) { result.ProductMappingsAdded++; mappingRows.Add(new TableTransactionAction(TableTransactionActionType.Add, TableMappingStore.ProductEntity(product, to.Revision + 1))); }
                else if (there.SameAs(product)) result.ProductMappingsAlreadyThere++;
                else result.ProductMappingsKeptFromTable++;
            }

            HashSet<string> present = ExistingKeys(client, TableMappingStore.MappingPartition, "!", cancellationToken);
            var historyRows = new List<TableTransactionAction>();
            foreach ((object entry, string prefix, DateTimeOffset when) in customerHistory.Select(e => ((object)e, TableMappingStore.CustomerHistoryPrefix, e.When))
                         .Concat(productHistory.Select(e => ((object)e, TableMappingStore.ProductHistoryPrefix, e.When))))
            {
                string line = MappingJson.WriteAuditLine(entry);
                string key = $"{prefix}{when.UtcTicks:D19}-i{Hash(line)}";
                if (!present.Add(key)) { result.HistoryEntriesAlreadyThere++; continue; }
                result.HistoryEntriesAdded++;
                historyRows.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                    new TableEntity(TableMappingStore.MappingPartition, key) { ["When"] = when, ["Who"] = "import", ["Count"] = 1, ["Entries0"] = line + "\n" }));
            }

            HashSet<string> logged = ExistingKeys(client, TableMappingStore.SyncLogPartition, null, cancellationToken);
            var logRows = new List<TableTransactionAction>();
            foreach (SyncLogEntry entry in syncLog)
            {
                string line = MappingJson.WriteSyncLogLine(entry);
                string key = $"{entry.When.UtcTicks:D19}-i{Hash(line)}";
                if (!logged.Add(key)) { result.SyncLogEntriesAlreadyThere++; continue; }
                result.SyncLogEntriesAdded++;
                logRows.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                    new TableEntity(TableMappingStore.SyncLogPartition, key) { ["Entry"] = line, ["Event"] = entry.Event.ToString(), ["SophosCustomerId"] = entry.SophosCustomerId, ["Year"] = entry.Year, ["Month"] = entry.Month }));
            }

            if (!apply) return result;
            // History first: a mapping is never in the table without the history it came with.
            foreach (List<TableTransactionAction> batch in Chunks(historyRows.Concat(logRows).ToList()))
                client.Run(token => client.Table.SubmitTransaction(batch, token), cancellationToken);
            foreach (List<TableTransactionAction> batch in Chunks(mappingRows))
                client.Run(token => client.Table.SubmitTransaction(batch, token), cancellationToken);
            return result;
        }

        // One partition per transaction, at most 100 rows each.
        private static IEnumerable<List<TableTransactionAction>> Chunks(List<TableTransactionAction> actions) =>
            actions.GroupBy(a => a.Entity.PartitionKey).SelectMany(group =>
            {
                List<TableTransactionAction> all = group.ToList();
                return Enumerable.Range(0, (all.Count + TableMappingStore.TransactionLimit - 1) / TableMappingStore.TransactionLimit)
                    .Select(i => all.GetRange(i * TableMappingStore.TransactionLimit, Math.Min(TableMappingStore.TransactionLimit, all.Count - i * TableMappingStore.TransactionLimit)));
            });

        private static readonly string[] RowKeyOnly = { "RowKey" };

        private static HashSet<string> ExistingKeys(TableStoreClient client, string partition, string? below, CancellationToken cancellationToken)
        {
            string filter = $"PartitionKey eq '{partition}'" + (below == null ? string.Empty : " and RowKey lt '0'");
            return client.Run(token => new HashSet<string>(
                client.Table.Query<TableEntity>(filter, maxPerPage: 1000, select: RowKeyOnly, cancellationToken: token).Select(r => r.RowKey),
                StringComparer.Ordinal), cancellationToken);
        }

        private static string Hash(string line)
        {
            using (SHA256 sha = SHA256.Create())
                return BitConverter.ToString(sha.ComputeHash(Encoding.UTF8.GetBytes(line)), 0, 12).Replace("-", string.Empty).ToLowerInvariant();
        }
    }
}
