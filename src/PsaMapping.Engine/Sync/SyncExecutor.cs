using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace PsaMapping.Engine.Sync
{
    /// <summary>One adjustment to post: a signed change of units from the effective date, never a price.</summary>
    public sealed class AdjustmentRequest
    {
        public AdjustmentRequest(long contractId, long serviceId, long? contractServiceId, DateTime effectiveDate, decimal unitChange)
        {
            ContractId = contractId;
            ServiceId = serviceId;
            ContractServiceId = contractServiceId;
            EffectiveDate = effectiveDate;
            UnitChange = unitChange;
        }

        public long ContractId { get; }
        public long ServiceId { get; }

        /// <summary>Empty when the adjustment adds the service to the contract.</summary>
        public long? ContractServiceId { get; }
        public DateTime EffectiveDate { get; }
        public decimal UnitChange { get; }
    }

    public enum AdjustmentOutcomeKind
    {
        /// <summary>Autotask answered with the new adjustment's id.</summary>
        Applied,

        /// <summary>Autotask refused it with its errors body (for example a posted period): nothing was applied.</summary>
        Refused,

        /// <summary>Refused before processing (429, thread limit) even after retries: nothing was applied.</summary>
        NotProcessed,

        /// <summary>No answer that says either way (timeout, dropped connection, a 5xx without an errors body).</summary>
        Unknown,
    }

    public sealed class AdjustmentOutcome
    {
        public AdjustmentOutcome(AdjustmentOutcomeKind kind, long? adjustmentId = null, string? message = null)
        {
            Kind = kind;
            AdjustmentId = adjustmentId;
            Message = message;
        }

        public AdjustmentOutcomeKind Kind { get; }
        public long? AdjustmentId { get; }
        public string? Message { get; }
    }

    /// <summary>What the executor needs of Autotask: post one adjustment, and read one line's units again.</summary>
    public interface IAdjustmentGateway
    {
        Task<AdjustmentOutcome> PostAdjustmentAsync(AdjustmentRequest request, CancellationToken cancellationToken);

        /// <summary>The units of <paramref name="serviceId"/> on the contract in force on <paramref name="date"/> (0 when the contract has no line for it).</summary>
        Task<decimal> ReadUnitsAsync(long contractId, long serviceId, DateTime date, CancellationToken cancellationToken);
    }

    /// <summary>The sync log as the executor writes it: the intent before each post, the outcome after.</summary>
    public interface ISyncJournal
    {
        /// <summary>Written (durably) before the post: a crash after this line leaves a record of what may have been posted.</summary>
        void Intent(SyncLine line, AdjustmentRequest request);

        void Outcome(SyncLine line, AdjustmentRequest request, AdjustmentOutcome outcome);
    }

    /// <summary>
    /// Posts the adjustments of a plan, a few at a time (Autotask allows 3 requests in flight per endpoint). Every
    /// post is logged before and after. A post whose outcome is unknown is never repeated blindly: the line's units
    /// are read again and only what is still missing is posted. Ctrl+C stops between posts: posts in flight finish
    /// (so their outcome is known and logged), the rest are left as Skipped.
    /// </summary>
    public sealed class SyncExecutor
    {
        /// <summary>How many times one line may end in an unknown outcome before it is reported rather than tried again.</summary>
        public const int MaxUnknownOutcomes = 5;

        private readonly IAdjustmentGateway _gateway;
        private readonly ISyncJournal _journal;
        private readonly int _parallelism;

        public SyncExecutor(IAdjustmentGateway gateway, ISyncJournal journal, int parallelism = 3)
        {
            _gateway = gateway ?? throw new ArgumentNullException(nameof(gateway));
            _journal = journal ?? throw new ArgumentNullException(nameof(journal));
            _parallelism = Math.Max(1, parallelism);
        }

        /// <summary>The plan's lines, in order, those that needed an adjustment now Adjusted, Failed or Skipped.</summary>
        public async Task<IReadOnlyList<SyncLine>> ExecuteAsync(IReadOnlyList<SyncLine> lines, IOperationObserver? observer, CancellationToken stop)
        {
            observer = observer ?? NullObserver.Instance;
            var result = lines.ToArray();
            var pending = new Queue<int>(Enumerable.Range(0, result.Length).Where(i => result[i].NeedsAdjustment));
            int total = pending.Count, done = 0;
            if (total == 0) return result;

            const string activity = "Posting usage adjustments to Autotask";
            observer.Progress(new OperationProgress(activity, $"0 of {total}", 0, total));

            async Task Worker()
            {
                while (true)
                {
                    int index;
                    lock (pending)
                    {
                        if (pending.Count == 0) return;
                        index = pending.Dequeue();
                    }

                    if (stop.IsCancellationRequested)
                    {
                        result[index] = result[index].WithStatus(SyncLineStatus.Skipped,
                            "Stopped before this line was posted; nothing was posted for it. Run Sync-PsaUsage again to finish.", SyncErrors.Stopped);
                        continue;
                    }

                    // Not cancelled by Ctrl+C: a post already sent is waited for, so its outcome is known and logged.
                    result[index] = await ApplyAsync(result[index]).ConfigureAwait(false);
                    int completed = Interlocked.Increment(ref done);
                    observer.Progress(new OperationProgress(activity, $"{completed} of {total}: {result[index].SophosCustomerName}", completed, total));
                }
            }

            await Task.WhenAll(Enumerable.Range(0, Math.Min(_parallelism, total)).Select(_ => Task.Run(Worker))).ConfigureAwait(false);
            return result;
        }

        private async Task<SyncLine> ApplyAsync(SyncLine line)
        {
            decimal target = line.TargetUnits!.Value;
            decimal current = line.CurrentUnits!.Value;
            long contractId = line.ContractId!.Value;
            long serviceId = line.AutotaskServiceId!.Value;
            long? contractServiceId = line.ContractServiceId;

            for (int unknowns = 0; ; )
            {
                var request = new AdjustmentRequest(contractId, serviceId, contractServiceId, line.EffectiveDate, target - current);
                _journal.Intent(line, request);
                AdjustmentOutcome outcome;
                try
                {
                    outcome = await _gateway.PostAdjustmentAsync(request, CancellationToken.None).ConfigureAwait(false);
                }
                catch (PsaMappingException ex)
                {
                    outcome = new AdjustmentOutcome(AdjustmentOutcomeKind.Unknown, message: ex.Message);
                }

                _journal.Outcome(line, request, outcome);
                switch (outcome.Kind)
                {
                    case AdjustmentOutcomeKind.Applied:
                        return line.WithUnits(line.CurrentUnits, target).WithAdjustment(outcome.AdjustmentId, contractServiceId)
                            .WithStatus(SyncLineStatus.Adjusted, $"From {SyncPlanner.Units(line.CurrentUnits!.Value)} to {SyncPlanner.Units(target)} on {line.EffectiveDate:yyyy-MM-dd}.");
                    case AdjustmentOutcomeKind.Refused:
                        return line.WithStatus(SyncLineStatus.Failed,
                            $"Autotask refused the adjustment: {outcome.Message} Nothing was changed on this line; fix the cause in Autotask (a posted period needs a later -EffectiveDate), then sync again.",
                            SyncErrors.AdjustmentRefused);
                    case AdjustmentOutcomeKind.NotProcessed:
                        return line.WithStatus(SyncLineStatus.Failed,
                            $"Autotask was too busy to take the adjustment ({outcome.Message}); nothing was posted for this line. Run Sync-PsaUsage again later.",
                            SyncErrors.AdjustmentRefused);
                }

                // Unknown: it may have been applied. Read what Autotask holds now and post only what is still missing.
                unknowns++;
                try
                {
                    current = await _gateway.ReadUnitsAsync(contractId, serviceId, line.EffectiveDate, CancellationToken.None).ConfigureAwait(false);
                }
                catch (PsaMappingException ex)
                {
                    return Unconfirmed(line, $"{outcome.Message} Reading the units again failed too: {ex.Message}");
                }

                if (current == target)
                    return line.WithAdjustment(null, contractServiceId).WithStatus(SyncLineStatus.Adjusted,
                        $"From {SyncPlanner.Units(line.CurrentUnits!.Value)} to {SyncPlanner.Units(target)} on {line.EffectiveDate:yyyy-MM-dd} (the answer was lost; the units were read again to confirm).");
                if (unknowns >= MaxUnknownOutcomes)
                    return Unconfirmed(line.WithUnits(current, target), outcome.Message ?? "");
            }
        }

        private static SyncLine Unconfirmed(SyncLine line, string why) =>
            line.WithStatus(SyncLineStatus.Failed,
                $"Autotask's answer to the adjustment was lost ({why.Trim()}), so whether it was applied is not known. Nothing was repeated blindly. " +
                "Run Sync-PsaUsage again: it reads the units first and posts only what is still missing.",
                SyncErrors.AdjustmentUnconfirmed);
    }
}
