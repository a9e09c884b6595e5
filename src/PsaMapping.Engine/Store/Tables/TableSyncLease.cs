using System;
using System.Threading;
using Azure;
using Azure.Data.Tables;

namespace PsaMapping.Engine.Store.Tables
{
    /// <summary>
    /// The sync lock of a table store: a lease entity (partition <c>Lock</c>, row <c>Sync</c>) with its holder
    /// and an expiry, taken by inserting it (or, once expired, by replacing it on its ETag) and released by
    /// deleting it on the ETag taken. Two hosts starting a sync at once: one insert wins, the other learns at
    /// once who holds the lock and until when. A crashed holder's lease simply expires. An uncontended sync
    /// costs two requests: the insert and the delete.
    /// </summary>
    public sealed class TableSyncLease : IDisposable
    {
        internal const string Partition = "Lock";
        internal const string Row = "Sync";

        private readonly TableStoreClient _client;
        private ETag _etag;
        private bool _released;

        private TableSyncLease(TableStoreClient client, string holder, string host, DateTimeOffset expiresAt, ETag etag)
        {
            _client = client;
            Holder = holder;
            Host = host;
            ExpiresAt = expiresAt;
            _etag = etag;
        }

        public string Holder { get; }
        public string Host { get; }
        public DateTimeOffset ExpiresAt { get; private set; }

        /// <exception cref="PsaMappingException">SyncLockHeld when another holder's lease has not expired.</exception>
        internal static TableSyncLease Acquire(TableStoreClient client, string holder, TimeSpan duration, CancellationToken cancellationToken)
        {
            if (duration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration));
            string host = Environment.MachineName;
            for (int attempt = 0; attempt < 3; attempt++)
            {
                DateTimeOffset now = client.Time.GetUtcNow();
                var lease = new TableEntity(Partition, Row)
                {
                    ["Holder"] = holder,
                    ["Host"] = host,
                    ["AcquiredAt"] = now,
                    ["ExpiresAt"] = now + duration,
                };

                ETag? taken = client.Run(token =>
                {
                    try
                    {
                        return (ETag?)client.Table.AddEntity(lease, token).Headers.ETag;
                    }
                    catch (RequestFailedException ex) when (ex.Status == 409)
                    {
                        return null;
                    }
                }, cancellationToken);
                if (taken.HasValue) return new TableSyncLease(client, holder, host, now + duration, taken.Value);

                NullableResponse<TableEntity> found = client.Run(token => client.Table.GetEntityIfExists<TableEntity>(Partition, Row, cancellationToken: token), cancellationToken);
                if (!found.HasValue) continue; // released in between: try the insert again
                TableEntity current = found.Value!;
                DateTimeOffset expires = current.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue;
                if (expires > now) throw Held(client, current, expires);

                // Expired: take it over, but only if nobody else did since we read it.
                ETag? replaced = client.Run(token =>
                {
                    try
                    {
                        return (ETag?)client.Table.UpdateEntity(lease, current.ETag, TableUpdateMode.Replace, token).Headers.ETag;
                    }
                    catch (RequestFailedException ex) when (ex.Status == 412 || ex.Status == 404)
                    {
                        return null;
                    }
                }, cancellationToken);
                if (replaced.HasValue) return new TableSyncLease(client, holder, host, now + duration, replaced.Value);
            }
            throw new PsaMappingException("SyncLockHeld", PsaErrorKind.Unavailable,
                $"The sync lock of {client.Settings} changed hands several times while being taken: another host is starting a sync. Run the command again later.")
            { Target = client.Settings.ToString() };
        }

        /// <summary>Extends the lease (a long sync calls it before the lease runs out).</summary>
        /// <exception cref="PsaMappingException">SyncLockLost when another host took the lease over after it expired.</exception>
        public void Renew(TimeSpan duration, CancellationToken cancellationToken = default)
        {
            DateTimeOffset now = _client.Time.GetUtcNow();
            var lease = new TableEntity(Partition, Row)
            {
                ["Holder"] = Holder,
                ["Host"] = Host,
                ["AcquiredAt"] = now,
                ["ExpiresAt"] = now + duration,
            };
            ETag? renewed = _client.Run(token =>
            {
                try
                {
                    return (ETag?)_client.Table.UpdateEntity(lease, _etag, TableUpdateMode.Replace, token).Headers.ETag;
                }
                catch (RequestFailedException ex) when (ex.Status == 412 || ex.Status == 404)
                {
                    return null;
                }
            }, cancellationToken);
            if (!renewed.HasValue)
                throw new PsaMappingException("SyncLockLost", PsaErrorKind.Unavailable,
                    $"The sync lock of {_client.Settings} expired and was taken by another host. Stop this sync; the other host's sync carries on.")
                { Target = _client.Settings.ToString() };
            _etag = renewed.Value;
            ExpiresAt = now + duration;
        }

        /// <summary>Releases the lease: deletes it, on the ETag this holder took, so a lease someone else took over is left alone.</summary>
        public void Dispose()
        {
            if (_released) return;
            _released = true;
            _client.Run(token =>
            {
                try
                {
                    _client.Table.DeleteEntity(Partition, Row, _etag, token);
                }
                catch (RequestFailedException ex) when (ex.Status == 412 || ex.Status == 404)
                {
                    // Expired and taken over (or already removed): not ours to delete.
                }
            });
        }

        private static PsaMappingException Held(TableStoreClient client, TableEntity current, DateTimeOffset expires)
        {
            string holder = current.GetString("Holder") ?? "someone";
            string host = current.GetString("Host") ?? "an unknown host";
            DateTimeOffset? since = current.GetDateTimeOffset("AcquiredAt");
            return new PsaMappingException("SyncLockHeld", PsaErrorKind.Unavailable,
                $"Another sync holds the lock of {client.Settings}: {holder} on {host}" + (since.HasValue ? $" since {since.Value:u}" : string.Empty) +
                $", until {expires:u} at the latest. Wait for it to finish (or, if that host crashed, for the lock to expire at {expires:u}), then run the command again.")
            { Target = holder + "@" + host };
        }
    }
}
