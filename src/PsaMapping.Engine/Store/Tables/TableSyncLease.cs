using System;
using System.Threading;
using Azure;
using Azure.Data.Tables;
using PsaMapping.Engine.Mapping;

namespace PsaMapping.Engine.Store.Tables
{
    /// <summary>
    /// The sync lock of a table store: a lease row (partition <c>Lock</c>, row <c>Sync</c>) naming its holder,
    /// host and expiry, taken by inserting it (or, once expired, by replacing it on its ETag) and released by
    /// deleting it on the ETag taken (the <see cref="SyncLease.Token"/>). Two hosts starting a sync at once: one
    /// insert wins, the other learns at once who holds the lock and until when. A crashed holder's lease simply
    /// expires. An uncontended sync costs two requests: the insert and the delete.
    /// </summary>
    internal static class TableSyncLease
    {
        internal const string Partition = "Lock";
        internal const string Row = "Sync";

        /// <exception cref="PsaMappingException">SyncLocked when another holder's lease has not expired.</exception>
        public static SyncLease Acquire(TableStoreClient client, string holder, TimeSpan duration, CancellationToken cancellationToken)
        {
            if (duration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration));
            for (int attempt = 0; attempt < 3; attempt++)
            {
                DateTimeOffset now = client.Time.GetUtcNow();
                TableEntity lease = LeaseRow(holder, now, now + duration);

                ETag? taken = Conditional(client, (table, token) => table.AddEntity(lease, token), 409, cancellationToken);
                if (taken.HasValue) return new SyncLease(holder, taken.Value.ToString(), now, now + duration);

                NullableResponse<TableEntity> found = client.Run(token => client.Table.GetEntityIfExists<TableEntity>(Partition, Row, cancellationToken: token), cancellationToken);
                if (!found.HasValue) continue; // released in between: insert again
                TableEntity current = found.Value!;
                DateTimeOffset expires = current.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue;
                if (expires > now) throw Held(client, current, expires);

                // Expired: take it over, but only if nobody else did since it was read.
                ETag? replaced = Conditional(client, (table, token) => table.UpdateEntity(lease, current.ETag, TableUpdateMode.Replace, token), 412, cancellationToken);
                if (replaced.HasValue) return new SyncLease(holder, replaced.Value.ToString(), now, now + duration);
            }
            throw new PsaMappingException(ErrorIds.SyncLocked, PsaErrorKind.Unavailable,
                $"The sync lock of {client.Settings} changed hands several times while being taken: another host is starting a sync. Run the command again later.")
            { Target = client.Settings.ToString() };
        }

        /// <exception cref="PsaMappingException">SyncLockLost when the lease expired and another host took it.</exception>
        public static SyncLease Renew(TableStoreClient client, SyncLease lease, TimeSpan duration, CancellationToken cancellationToken)
        {
            DateTimeOffset now = client.Time.GetUtcNow();
            TableEntity row = LeaseRow(lease.Holder, lease.AcquiredAt, now + duration);
            ETag? renewed = Conditional(client, (table, token) => table.UpdateEntity(row, new ETag(lease.Token), TableUpdateMode.Replace, token), 412, cancellationToken);
            if (!renewed.HasValue)
            {
                NullableResponse<TableEntity> current = client.Run(token => client.Table.GetEntityIfExists<TableEntity>(Partition, Row, cancellationToken: token), cancellationToken);
                string taker = current.HasValue ? $"{current.Value!.GetString("Holder")} on {current.Value.GetString("Host")}" : "another host, which has released it since";
                throw new PsaMappingException(ErrorIds.SyncLockLost, PsaErrorKind.Unavailable,
                    $"The sync lock of {client.Settings} expired and was taken by {taker}. Stop this sync; run it again once that one has finished.")
                { Target = client.Settings.ToString() };
            }
            return new SyncLease(lease.Holder, renewed.Value.ToString(), lease.AcquiredAt, now + duration);
        }

        /// <summary>Deletes the lease on the ETag this holder took, so a lease someone else took over is left alone.</summary>
        public static void Release(TableStoreClient client, SyncLease lease, CancellationToken cancellationToken)
        {
            client.Run(token =>
            {
                try
                {
                    client.Table.DeleteEntity(Partition, Row, new ETag(lease.Token), token);
                }
                catch (RequestFailedException ex) when (ex.Status == 412 || ex.Status == 404)
                {
                    // Expired and taken over, or already gone: nothing of ours to give back.
                }
            }, cancellationToken);
        }

        private static TableEntity LeaseRow(string holder, DateTimeOffset acquiredAt, DateTimeOffset expiresAt) =>
            new TableEntity(Partition, Row)
            {
                ["Holder"] = holder,
                ["Host"] = Environment.MachineName,
                ["AcquiredAt"] = acquiredAt,
                ["ExpiresAt"] = expiresAt,
            };

        /// <summary>The new ETag of a conditional write; null when the condition failed (the status given, or 404).</summary>
        private static ETag? Conditional(TableStoreClient client, Func<TableClient, CancellationToken, Response> write, int refused, CancellationToken cancellationToken) =>
            client.Run(token =>
            {
                try
                {
                    return (ETag?)write(client.Table, token).Headers.ETag;
                }
                catch (RequestFailedException ex) when (ex.Status == refused || ex.Status == 404 && ex.ErrorCode != "TableNotFound")
                {
                    return null;
                }
            }, cancellationToken);

        private static PsaMappingException Held(TableStoreClient client, TableEntity current, DateTimeOffset expires)
        {
            string holder = current.GetString("Holder") ?? "someone";
            string host = current.GetString("Host") ?? "an unknown host";
            DateTimeOffset? since = current.GetDateTimeOffset("AcquiredAt");
            return new PsaMappingException(ErrorIds.SyncLocked, PsaErrorKind.Unavailable,
                $"Another sync holds the lock of {client.Settings}: {holder} on {host}" + (since.HasValue ? $" since {since.Value:u}" : string.Empty) +
                $", until {expires:u} at the latest. Wait for it to finish (or, if that host crashed, for the lock to expire at {expires:u}), then run the command again.")
            { Target = holder + "@" + host };
        }
    }
}
