using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Engine.Sync
{
    /// <summary>What Sync-PsaUsage was asked to do.</summary>
    public sealed class UsageSyncRequest
    {
        public UsageSyncRequest(int year, int month, DateTime effectiveDate, IReadOnlyList<SyncSubject> subjects, bool addMissingService, bool whatIf)
        {
            Year = year;
            Month = month;
            EffectiveDate = effectiveDate.Date;
            Subjects = subjects;
            AddMissingService = addMissingService;
            WhatIf = whatIf;
        }

        public int Year { get; }
        public int Month { get; }
        public DateTime EffectiveDate { get; }
        public IReadOnlyList<SyncSubject> Subjects { get; }
        public bool AddMissingService { get; }
        public bool WhatIf { get; }

        /// <summary>
        /// The usage month a command was given: -Year and -Month together, or neither for the month before the one
        /// <paramref name="now"/> is in (UTC).
        /// </summary>
        /// <exception cref="PsaMappingException">SyncMonthIncomplete when only one of them is given.</exception>
        public static (int Year, int Month) UsageMonth(int? year, int? month, DateTimeOffset now)
        {
            if (year.HasValue != month.HasValue)
                throw new PsaMappingException(ErrorIds.SyncMonthIncomplete, PsaErrorKind.InvalidArgument,
                    "Give -Year and -Month together, or neither for the previous calendar month.") { Target = year.HasValue ? (object)year.Value : month!.Value };
            return year.HasValue ? (year.Value, month!.Value) : PreviousMonth(now);
        }

        /// <summary>The month before the one <paramref name="now"/> is in (UTC): usage of the month in progress is not final.</summary>
        public static (int Year, int Month) PreviousMonth(DateTimeOffset now)
        {
            DateTime first = new DateTime(now.UtcDateTime.Year, now.UtcDateTime.Month, 1).AddMonths(-1);
            return (first.Year, first.Month);
        }

        /// <summary>The first day of the month after the usage month: the next invoice bills it without a proration.</summary>
        public static DateTime DefaultEffectiveDate(int year, int month) => new DateTime(year, month, 1).AddMonths(1);
    }

    /// <summary>What a sync did: every line, the product codes with no mapping, and whether Sophos had data for the month.</summary>
    public sealed record UsageSyncResult(IReadOnlyList<SyncLine> Lines, IReadOnlyList<UnmappedProduct> UnmappedProducts, bool UsageAvailable, Guid RunId);

    /// <summary>A sync read and planned, holding the sync lock until released (none under -WhatIf).</summary>
    public sealed class PreparedSync
    {
        internal PreparedSync(UsageSyncRequest request, Guid runId, SyncLease? lease, bool usageAvailable, SyncPlan plan)
        {
            Request = request;
            RunId = runId;
            Lease = lease;
            UsageAvailable = usageAvailable;
            Plan = plan;
        }

        public UsageSyncRequest Request { get; }
        public Guid RunId { get; }
        public SyncLease? Lease { get; internal set; }
        public bool UsageAvailable { get; }
        public SyncPlan Plan { get; }

        /// <summary>The plan as the result: what -WhatIf outputs.</summary>
        public UsageSyncResult Planned() => new UsageSyncResult(Plan.Lines, Plan.UnmappedProducts, UsageAvailable, RunId);
    }

    /// <summary>
    /// One usage sync from start to end: take the store's sync lock (a real run only), read everything at once (the
    /// month's usage, the mapped contracts, their service lines and the units that may be in force on the effective
    /// date, in `in`-filtered pages), plan, post through <see cref="SyncExecutor"/> with the intent and outcome of each
    /// adjustment in the sync log, and record each customer's sync status on its mapping row.
    /// </summary>
    public sealed class UsageSync
    {
        /// <summary>How long the sync lock is taken for by default; it is renewed while posting, so only a crashed holder lets it lapse.</summary>
        public static readonly TimeSpan DefaultLockDuration = TimeSpan.FromMinutes(10);

        private readonly SophosCentralClient _sophos;
        private readonly AutotaskDirectory _autotask;
        private readonly AutotaskBilling _billing;
        private readonly IMappingStore _store;
        private readonly TimeProvider _time;
        private readonly string _who;
        private readonly TimeSpan _lockDuration;

        public UsageSync(SophosCentralClient sophos, AutotaskDirectory autotask, IMappingStore store, string who, TimeProvider? time = null,
            TimeSpan? lockDuration = null)
        {
            _lockDuration = lockDuration ?? DefaultLockDuration;
            _sophos = sophos ?? throw new ArgumentNullException(nameof(sophos));
            _autotask = autotask ?? throw new ArgumentNullException(nameof(autotask));
            _billing = new AutotaskBilling(autotask.Client);
            _store = store ?? throw new ArgumentNullException(nameof(store));
            _who = who;
            _time = time ?? TimeProvider.System;
        }

        /// <summary>Plans and posts in one go, without asking anyone: what scripts, the benchmark and the kill test run.</summary>
        public async Task<UsageSyncResult> RunAsync(UsageSyncRequest request, IOperationObserver? observer, CancellationToken stop)
        {
            PreparedSync prepared = await PrepareAsync(request, observer, stop).ConfigureAwait(false);
            try
            {
                return request.WhatIf ? prepared.Planned() : await ExecuteAsync(prepared, prepared.Plan.Lines, observer, stop).ConfigureAwait(false);
            }
            finally
            {
                await ReleaseAsync(prepared).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Takes the sync lock (not under -WhatIf: nothing will be posted), then reads and plans. The caller may ask
        /// about each line before <see cref="ExecuteAsync"/>, and must call <see cref="ReleaseAsync"/> in any case.
        /// </summary>
        public async Task<PreparedSync> PrepareAsync(UsageSyncRequest request, IOperationObserver? observer, CancellationToken stop)
        {
            observer = observer ?? NullObserver.Instance;
            var runId = Guid.NewGuid();
            SyncLease? lease = request.WhatIf ? null
                : await _store.AcquireSyncLockAsync($"{_who} (Sync-PsaUsage {request.Year:D4}-{request.Month:D2}, run {runId:N})", _lockDuration, stop).ConfigureAwait(false);
            try
            {
                MappingSnapshot snapshot = await _store.LoadAsync(stop).ConfigureAwait(false);
                SyncFacts facts = await GatherAsync(request, snapshot, observer, stop).ConfigureAwait(false);
                return new PreparedSync(request, runId, lease, facts.UsageAvailable, SyncPlanner.Plan(facts));
            }
            catch
            {
                if (lease != null) await _store.ReleaseSyncLockAsync(lease, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>
        /// Posts the adjustments of <paramref name="lines"/> (the prepared plan's, some perhaps declined by the user
        /// and so no longer WouldAdjust), then records each customer's sync status. Ctrl+C stops between posts.
        /// </summary>
        public async Task<UsageSyncResult> ExecuteAsync(PreparedSync prepared, IReadOnlyList<SyncLine> lines, IOperationObserver? observer, CancellationToken stop)
        {
            if (prepared.Lease == null) throw new InvalidOperationException("A sync prepared under -WhatIf posts nothing.");
            using var journal = new StoreSyncJournal(_store, prepared.RunId, _who, prepared.Request.Year, prepared.Request.Month, _time, prepared.Lease, _lockDuration);
            IReadOnlyList<SyncLine> done;
            try
            {
                done = await new SyncExecutor(new BillingGateway(_billing), journal, AutotaskDirectory.Parallelism)
                    .ExecuteAsync(lines, observer, stop).ConfigureAwait(false);
            }
            finally
            {
                prepared.Lease = journal.Lease;
            }

            DateTimeOffset now = _time.GetUtcNow();
            var updates = SyncSummary.PerCustomer(done)
                .Select(c => new SyncStatusUpdate(c.SophosCustomerId, new SyncStatus(now, c.Status, c.Message))).ToList();
            if (updates.Count > 0) await _store.RecordSyncStatusAsync(updates, CancellationToken.None).ConfigureAwait(false);
            return new UsageSyncResult(done, prepared.Plan.UnmappedProducts, prepared.UsageAvailable, prepared.RunId);
        }

        /// <summary>Gives the sync lock back, if one was taken.</summary>
        public async Task ReleaseAsync(PreparedSync prepared)
        {
            SyncLease? lease = prepared.Lease;
            prepared.Lease = null;
            if (lease != null) await _store.ReleaseSyncLockAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }

        /// <summary>Reads what the plan needs, the Sophos and the Autotask side side by side.</summary>
        public async Task<SyncFacts> GatherAsync(UsageSyncRequest request, MappingSnapshot snapshot, IOperationObserver observer, CancellationToken stop)
        {
            var contractIds = request.Subjects.Where(s => s.Mapping != null && s.Mapping.SyncEnabled).Select(s => s.Mapping!.ContractId).Distinct().ToList();
            Task<SophosUsageReport> usage = _sophos.GetUsageAsync(request.Year, request.Month, refresh: false, observer, stop);
            Task<IReadOnlyList<AutotaskContract>> contracts = contractIds.Count == 0
                ? Task.FromResult<IReadOnlyList<AutotaskContract>>(Array.Empty<AutotaskContract>())
                : _autotask.GetContractsByIdAsync(contractIds, stop);
            Task<IReadOnlyList<AutotaskContractService>> lines = _billing.GetContractServicesAsync(contractIds, stop);
            Task<IReadOnlyList<AutotaskServiceUnits>> units = _billing.GetContractServiceUnitsAsync(contractIds, request.EffectiveDate, stop);
            try
            {
                await Task.WhenAll(usage, contracts, lines, units).ConfigureAwait(false);
            }
            catch
            {
                _ = Task.WhenAll(usage, contracts, lines, units).ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                throw;
            }

            observer.Verbose($"Read {usage.Result.Items.Count} usage items, {contracts.Result.Count} contracts, {lines.Result.Count} service lines and {units.Result.Count} unit rows.");
            return new SyncFacts
            {
                Year = request.Year,
                Month = request.Month,
                EffectiveDate = request.EffectiveDate,
                AddMissingService = request.AddMissingService,
                UsageAvailable = usage.Result.HasData,
                Subjects = request.Subjects,
                Usage = usage.Result.Items,
                ProductMap = snapshot.Products.ToDictionary(p => p.ProductCode, p => p.AutotaskServiceId, ProductMapping.CodeComparer),
                ServiceNames = snapshot.Products.GroupBy(p => p.AutotaskServiceId).ToDictionary(g => g.Key, g => g.First().ServiceName),
                Contracts = contracts.Result.ToDictionary(c => c.ContractId),
                Lines = lines.Result,
                Units = units.Result,
            };
        }

        /// <summary>Autotask as the executor sees it: the adjustment POST, and one contract's units read again.</summary>
        private sealed class BillingGateway : IAdjustmentGateway
        {
            private readonly AutotaskBilling _billing;

            public BillingGateway(AutotaskBilling billing) => _billing = billing;

            public Task<AutotaskWriteResult> PostAdjustmentAsync(ServiceAdjustment adjustment, CancellationToken cancellationToken) =>
                _billing.PostAdjustmentAsync(adjustment, cancellationToken);

            public async Task<decimal> ReadUnitsAsync(long contractId, long serviceId, DateTime date, CancellationToken cancellationToken)
            {
                // The unit rows carry their service, so one query answers (a line added by the lost post has rows too).
                IReadOnlyList<AutotaskServiceUnits> rows = await _billing.GetContractServiceUnitsAsync(new[] { contractId }, date, cancellationToken).ConfigureAwait(false);
                var lines = rows.Where(r => r.AutotaskServiceId == serviceId).GroupBy(r => r.ContractServiceId).ToList();
                if (lines.Count > 1)
                    throw new PsaMappingException(ErrorIds.SyncServiceAmbiguous, PsaErrorKind.InvalidResponse,
                        $"The contract {contractId} now has service {serviceId} on {lines.Count} lines, so its units cannot be confirmed.");
                return lines.Count == 0 ? 0m : AutotaskBilling.UnitsInForce(lines[0], date)?.Units ?? 0m;
            }
        }
    }

    /// <summary>The executor's journal in the store's sync log, renewing the sync lock as it goes.</summary>
    internal sealed class StoreSyncJournal : ISyncJournal, IDisposable
    {
        private readonly IMappingStore _store;
        private readonly Guid _runId;
        private readonly string _who;
        private readonly int _year, _month;
        private readonly TimeProvider _time;
        private readonly SemaphoreSlim _renewing = new SemaphoreSlim(1, 1);
        private readonly TimeSpan _duration;

        public void Dispose() => _renewing.Dispose();

        public StoreSyncJournal(IMappingStore store, Guid runId, string who, int year, int month, TimeProvider time, SyncLease lease, TimeSpan duration)
        {
            _duration = duration;
            _store = store;
            _runId = runId;
            _who = who;
            _year = year;
            _month = month;
            _time = time;
            Lease = lease;
        }

        public SyncLease Lease { get; private set; }

        public async Task<Guid> IntentAsync(SyncLine line, ServiceAdjustment adjustment)
        {
            await RenewIfDueAsync().ConfigureAwait(false);
            var id = Guid.NewGuid();
            await _store.AppendSyncLogAsync(Entry(line, adjustment, id, SyncLogEvent.Intent, null, null), CancellationToken.None).ConfigureAwait(false);
            return id;
        }

        public Task OutcomeAsync(SyncLine line, ServiceAdjustment adjustment, Guid intentId, AutotaskWriteResult outcome)
        {
            SyncLogEvent what = outcome.Outcome == AutotaskWriteOutcome.Applied ? SyncLogEvent.Posted
                : outcome.Outcome == AutotaskWriteOutcome.Unknown ? SyncLogEvent.Unknown
                : SyncLogEvent.Refused; // refused, or not processed: either way nothing was applied
            string message = outcome.Errors.Count > 0 ? string.Join(" ", outcome.Errors) : outcome.Message;
            return _store.AppendSyncLogAsync(Entry(line, adjustment, intentId, what, outcome.ItemId, message), CancellationToken.None);
        }

        private SyncLogEntry Entry(SyncLine line, ServiceAdjustment adjustment, Guid id, SyncLogEvent what, long? itemId, string? message) =>
            new SyncLogEntry(_time.GetUtcNow(), _who, _runId, id, what, line.SophosCustomerId, line.SophosCustomerName, _year, _month,
                adjustment.ContractId, adjustment.ContractServiceId, adjustment.AutotaskServiceId ?? line.AutotaskServiceId ?? 0,
                adjustment.UnitChange, adjustment.EffectiveDate, itemId, message);

        /// <summary>Renews the lock when less than half its time is left, so a long sync never posts without holding it.</summary>
        private async Task RenewIfDueAsync()
        {
            await _renewing.WaitAsync().ConfigureAwait(false);
            try
            {
                if (Lease.ExpiresAt - _time.GetUtcNow() < TimeSpan.FromTicks(_duration.Ticks / 2))
                    Lease = await _store.RenewSyncLockAsync(Lease, _duration, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                _renewing.Release();
            }
        }
    }
}
