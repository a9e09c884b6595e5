using System;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>How a customer's last sync went, as the Sophos page's Sync Status column says it.</summary>
    public enum SyncOutcome
    {
        Succeeded,
        Failed,

        /// <summary>Some lines were adjusted (or unchanged) and others skipped or failed.</summary>
        Partial,
    }

    /// <summary>A mapping row's last sync: when, how it went, and what to know about it.</summary>
    public sealed class SyncStatus
    {
        public SyncStatus(DateTimeOffset at, SyncOutcome outcome, string? message = null)
        {
            At = at;
            Outcome = outcome;
            Message = message;
        }

        public DateTimeOffset At { get; }
        public SyncOutcome Outcome { get; }
        public string? Message { get; }

        public override string ToString() => $"{Outcome} at {At:u}" + (Message == null ? "" : ": " + Message);
    }

    /// <summary>One customer's new sync status, for <see cref="IMappingStore.RecordSyncStatusAsync"/>.</summary>
    public sealed class SyncStatusUpdate
    {
        public SyncStatusUpdate(Guid sophosCustomerId, SyncStatus status)
        {
            SophosCustomerId = sophosCustomerId;
            Status = status ?? throw new ArgumentNullException(nameof(status));
        }

        public Guid SophosCustomerId { get; }
        public SyncStatus Status { get; }
    }

    /// <summary>What a sync-log entry records about one adjustment.</summary>
    public enum SyncLogEvent
    {
        /// <summary>Written before the POST: this adjustment is about to be posted.</summary>
        Intent,

        /// <summary>Autotask accepted it; <see cref="SyncLogEntry.AutotaskItemId"/> is its id.</summary>
        Posted,

        /// <summary>Autotask refused it definitively (its message in <see cref="SyncLogEntry.Message"/>); nothing was posted.</summary>
        Refused,

        /// <summary>The outcome is unknown (timeout, dropped connection): the units must be read again before any retry.</summary>
        Unknown,
    }

    /// <summary>
    /// One line of the sync log: an adjustment's intent (before the POST) or its outcome (after). The intent
    /// and its outcome share <see cref="AdjustmentId"/>; the entries of one Sync-PsaUsage run share <see cref="RunId"/>.
    /// </summary>
    public sealed class SyncLogEntry
    {
        public SyncLogEntry(DateTimeOffset when, string who, Guid runId, Guid adjustmentId, SyncLogEvent @event,
                            Guid sophosCustomerId, string sophosCustomerName, int year, int month,
                            long contractId, long? contractServiceId, long autotaskServiceId,
                            decimal unitChange, DateTime effectiveDate, long? autotaskItemId = null, string? message = null)
        {
            if (month < 1 || month > 12) throw new ArgumentOutOfRangeException(nameof(month), "A month is 1 to 12.");
            When = when;
            Who = who ?? throw new ArgumentNullException(nameof(who));
            RunId = runId;
            AdjustmentId = adjustmentId;
            Event = @event;
            SophosCustomerId = sophosCustomerId;
            SophosCustomerName = sophosCustomerName ?? throw new ArgumentNullException(nameof(sophosCustomerName));
            Year = year;
            Month = month;
            ContractId = contractId;
            ContractServiceId = contractServiceId;
            AutotaskServiceId = autotaskServiceId;
            UnitChange = unitChange;
            EffectiveDate = effectiveDate.Date;
            AutotaskItemId = autotaskItemId;
            Message = message;
        }

        public DateTimeOffset When { get; }
        public string Who { get; }
        public Guid RunId { get; }
        public Guid AdjustmentId { get; }
        public SyncLogEvent Event { get; }
        public Guid SophosCustomerId { get; }
        public string SophosCustomerName { get; }

        /// <summary>The usage month.</summary>
        public int Year { get; }
        public int Month { get; }
        public long ContractId { get; }

        /// <summary>Null when the adjustment adds a service the contract did not have yet (-AddMissingService).</summary>
        public long? ContractServiceId { get; }
        public long AutotaskServiceId { get; }
        public decimal UnitChange { get; }
        public DateTime EffectiveDate { get; }

        /// <summary>The id Autotask gave the adjustment (on <see cref="SyncLogEvent.Posted"/>).</summary>
        public long? AutotaskItemId { get; }
        public string? Message { get; }
    }

    /// <summary>The sync lock as held: who, since and until when. <see cref="Token"/> proves the holder on renew and release.</summary>
    public sealed class SyncLease
    {
        public SyncLease(string holder, string token, DateTimeOffset acquiredAt, DateTimeOffset expiresAt)
        {
            Holder = holder;
            Token = token;
            AcquiredAt = acquiredAt;
            ExpiresAt = expiresAt;
        }

        public string Holder { get; }

        /// <summary>Opaque to callers: a lease id (the folder), or the lease entity's ETag (a table).</summary>
        public string Token { get; }
        public DateTimeOffset AcquiredAt { get; }
        public DateTimeOffset ExpiresAt { get; }

        public override string ToString() => $"{Holder} since {AcquiredAt:u} until {ExpiresAt:u}";
    }
}
