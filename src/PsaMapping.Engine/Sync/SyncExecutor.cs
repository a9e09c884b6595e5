using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsaMapping.Engine.Autotask;

namespace PsaMapping.Engine.Sync
{
    /// <summary>What the executor needs of Autotask: post one adjustment, and read one line's units again.</summary>
    public interface IAdjustmentGateway
    {
        Task<AutotaskWriteResult> PostAdjustmentAsync(ServiceAdjustment adjustment, CancellationToken cancellationToken);

        /// <summary>The units of <paramref name="serviceId"/> on the contract in force on <paramref name="effectiveDate"/> (0 when the contract has no line for it).</summary>
        Task<decimal> ReadUnitsAsync(long contractId, long serviceId, DateTime effectiveDate, CancellationToken cancellationToken);
    }

    /// <summary>The sync log as the executor writes it: the intent before each post, the outcome after.</summary>
    public interface ISyncJournal
    {
        /// <summary>
        /// Written durably before the post (a crash after it leaves a record of what may have been posted); returns
        /// the id the outcome is recorded under. A journal that cannot write throws, and then nothing is posted.
        /// </summary>
        Task<Guid> IntentAsync(SyncLine line, ServiceAdjustment adjustment);

        Task OutcomeAsync(SyncLine line, ServiceAdjustment adjustment, Guid intentId, AutotaskWriteResult outcome);
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

            Exception? broken = null; // the journal could not write: post nothing more
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

                    if (broken != null) continue;
                    if (stop.IsCancellationRequested)
                    {
                        result[index] = result[index].WithStatus(SyncLineStatus.Skipped,
                            "Stopped before this line was posted; nothing was posted for it. Run Sync-PsaUsage again to finish.", ErrorIds.SyncStopped);
                        continue;
                    }

                    // Not cancelled by Ctrl+C: a post already sent is waited for, so its outcome is known and logged.
                    try
                    {
                        result[index] = await ApplyAsync(result[index]).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        Interlocked.CompareExchange(ref broken, ex, null);
                        continue;
                    }

                    int completed = Interlocked.Increment(ref done);
                    observer.Progress(new OperationProgress(activity, $"{completed} of {total}: {result[index].SophosCustomerName}", completed, total));
                }
            }

            await Task.WhenAll(Enumerable.Range(0, Math.Min(_parallelism, total)).Select(_ => Task.Run(Worker))).ConfigureAwait(false);
            if (broken != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(broken).Throw();
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
                var adjustment = new ServiceAdjustment(contractId, contractServiceId, serviceId, line.EffectiveDate, target - current);
                Guid intent = await _journal.IntentAsync(line, adjustment).ConfigureAwait(false);
                AutotaskWriteResult outcome = await _gateway.PostAdjustmentAsync(adjustment, CancellationToken.None).ConfigureAwait(false);
                await _journal.OutcomeAsync(line, adjustment, intent, outcome).ConfigureAwait(false);
                switch (outcome.Outcome)
                {
                    case AutotaskWriteOutcome.Applied:
                        return line.WithUnits(line.CurrentUnits, target).WithAdjustment(outcome.ItemId, contractServiceId)
                            .WithStatus(SyncLineStatus.Adjusted, $"From {SyncPlanner.Units(line.CurrentUnits!.Value)} to {SyncPlanner.Units(target)} on {line.EffectiveDate:yyyy-MM-dd}.");
                    case AutotaskWriteOutcome.Refused:
                        return line.WithStatus(SyncLineStatus.Failed,
                            $"Autotask refused the adjustment: {string.Join(" ", outcome.Errors.DefaultIfEmpty(outcome.Message))} Nothing was changed on this line; fix the cause in Autotask (a posted period needs a later -EffectiveDate), then sync again.",
                            ErrorIds.AutotaskAdjustmentRefused);
                    case AutotaskWriteOutcome.NotProcessed:
                        return line.WithStatus(SyncLineStatus.Failed,
                            $"Autotask was too busy to take the adjustment ({outcome.Message}); nothing was posted for this line. Run Sync-PsaUsage again later.",
                            ErrorIds.AutotaskAdjustmentRefused);
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
                    return Unconfirmed(line.WithUnits(current, target), outcome.Message);
            }
        }

        private static SyncLine Unconfirmed(SyncLine line, string why) =>
            line.WithStatus(SyncLineStatus.Failed,
                $"Autotask's answer to the adjustment was lost ({why.Trim()}), so whether it was applied is not known. Nothing was repeated blindly. " +
                "Run Sync-PsaUsage again: it reads the units first and posts only what is still missing.",
                ErrorIds.SyncAdjustmentUnconfirmed);
    }
}
