using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Sync;

namespace PsaMapping.Engine.Tests.Sync
{
    public sealed class SyncExecutorTests
    {
        private static readonly DateTime Effective = new(2026, 12, 1);

        /// <summary>An Autotask stand-in: units per (contract, service), and a script of what each post does.</summary>
        private sealed class FakeAutotask : IAdjustmentGateway
        {
            public readonly Dictionary<(long, long), decimal> Units = new();
            public readonly List<ServiceAdjustment> Received = new();
            public Func<ServiceAdjustment, int, AutotaskWriteOutcome> Behaviour = (_, _) => AutotaskWriteOutcome.Applied;
            public readonly List<string> Events;
            private int _inFlight;
            public int MaxInFlight;
            private long _nextId = 90000;

            public FakeAutotask(List<string> events) => Events = events;

            public async Task<AutotaskWriteResult> PostAdjustmentAsync(ServiceAdjustment request, CancellationToken cancellationToken)
            {
                int now = Interlocked.Increment(ref _inFlight);
                lock (this) MaxInFlight = Math.Max(MaxInFlight, now);
                await Task.Yield();
                try
                {
                    lock (this)
                    {
                        Events.Add($"post {request.ContractId}/{request.AutotaskServiceId} {request.UnitChange}");
                        int attempt = Received.Count(r => r.ContractId == request.ContractId && r.AutotaskServiceId == request.AutotaskServiceId);
                        Received.Add(request);
                        AutotaskWriteOutcome kind = Behaviour(request, attempt);
                        switch (kind)
                        {
                            case AutotaskWriteOutcome.Applied:
                                Apply(request);
                                return Result(kind, ++_nextId, "Created.");
                            case AutotaskWriteOutcome.Unknown: // applied, then the connection dropped
                                Apply(request);
                                return Result(kind, null, "The connection was closed.");
                            case AutotaskWriteOutcome.Refused:
                                return Result(kind, null, "Refused.", "The adjustment would modify an already approved and posted contract period.");
                            default:
                                return Result(kind, null, "thread threshold exceeded");
                        }
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref _inFlight);
                }
            }

            private void Apply(ServiceAdjustment request)
            {
                Units.TryGetValue((request.ContractId, request.AutotaskServiceId!.Value), out decimal units);
                Units[(request.ContractId, request.AutotaskServiceId!.Value)] = units + request.UnitChange;
            }

            public Task<decimal> ReadUnitsAsync(long contractId, long serviceId, DateTime date, CancellationToken cancellationToken)
            {
                lock (this)
                {
                    Events.Add($"read {contractId}/{serviceId}");
                    return Task.FromResult(Units.TryGetValue((contractId, serviceId), out decimal units) ? units : 0m);
                }
            }
        }

        private static AutotaskWriteResult Result(AutotaskWriteOutcome kind, long? id, string message, params string[] errors) => new(kind, id, message, errors);

        private sealed class ListJournal : ISyncJournal
        {
            private readonly List<string> _events;
            public bool Broken;
            public ListJournal(List<string> events) => _events = events;

            public Task<Guid> IntentAsync(SyncLine line, ServiceAdjustment request)
            {
                if (Broken) throw new PsaMappingException("StoreUnwritable", PsaErrorKind.Unavailable, "The store cannot be written.");
                lock (_events) _events.Add($"intent {request.ContractId}/{request.AutotaskServiceId} {request.UnitChange}");
                return Task.FromResult(Guid.NewGuid());
            }

            public Task OutcomeAsync(SyncLine line, ServiceAdjustment request, Guid intentId, AutotaskWriteResult outcome)
            {
                lock (_events) _events.Add($"outcome {request.ContractId}/{request.AutotaskServiceId} {outcome.Outcome}");
                return Task.CompletedTask;
            }
        }

        private static SyncLine Planned(long contract, long service, decimal current, decimal target) =>
            new SyncLine(Guid.NewGuid(), $"Customer {contract}", 1, contract, $"Contract {contract}", 2026, 11, Effective)
                .ForService(service, "Intercept X", 5000 + service, new[] { "CIXA" })
                .WithUnits(current, target)
                .WithStatus(current == target ? SyncLineStatus.Unchanged : SyncLineStatus.WouldAdjust);

        private static (FakeAutotask autotask, SyncExecutor executor, List<string> events) Setup(params SyncLine[] lines)
        {
            var events = new List<string>();
            var autotask = new FakeAutotask(events);
            foreach (SyncLine line in lines) autotask.Units[(line.ContractId!.Value, line.AutotaskServiceId!.Value)] = line.CurrentUnits!.Value;
            return (autotask, new SyncExecutor(autotask, new ListJournal(events)), events);
        }

        [Fact]
        public async Task Each_change_is_posted_once_with_its_intent_logged_before_and_its_outcome_after()
        {
            SyncLine line = Planned(700, 10, 4, 9);
            var (autotask, executor, events) = Setup(line);

            var result = await executor.ExecuteAsync(new[] { line, Planned(701, 10, 3, 3) }, null, CancellationToken.None);

            Assert.Equal(new[] { "intent 700/10 5", "post 700/10 5", "outcome 700/10 Applied" }, events);
            Assert.Equal(SyncLineStatus.Adjusted, result[0].Status);
            Assert.NotNull(result[0].AdjustmentId);
            Assert.Equal(SyncLineStatus.Unchanged, result[1].Status);
            Assert.Equal(9, autotask.Units[(700, 10)]);
        }

        [Fact]
        public async Task A_post_applied_but_unanswered_is_confirmed_by_reading_the_units_not_posted_again()
        {
            SyncLine line = Planned(700, 10, 4, 9);
            var (autotask, executor, events) = Setup(line);
            autotask.Behaviour = (_, attempt) => attempt == 0 ? AutotaskWriteOutcome.Unknown : AutotaskWriteOutcome.Applied;

            var result = await executor.ExecuteAsync(new[] { line }, null, CancellationToken.None);

            Assert.Single(autotask.Received);
            Assert.Equal(new[] { "intent 700/10 5", "post 700/10 5", "outcome 700/10 Unknown", "read 700/10" }, events);
            Assert.Equal(SyncLineStatus.Adjusted, result[0].Status);
            Assert.Equal(9, autotask.Units[(700, 10)]);
        }

        [Fact]
        public async Task A_post_lost_before_Autotask_applied_it_is_posted_again_for_what_is_still_missing_only()
        {
            SyncLine line = Planned(700, 10, 4, 9);
            var (autotask, executor, _) = Setup(line);
            // The first answer is lost and Autotask applied only part of the way (as if another writer changed the line meanwhile).
            autotask.Behaviour = (_, attempt) => attempt == 0 ? AutotaskWriteOutcome.Unknown : AutotaskWriteOutcome.Applied;
            autotask.Units[(700, 10)] = 4;

            var lost = new FakeAutotaskDroppingBeforeApply(autotask);
            var result = await new SyncExecutor(lost, new ListJournal(new List<string>())).ExecuteAsync(new[] { line }, null, CancellationToken.None);

            Assert.Equal(new decimal[] { 5, 5 }, autotask.Received.Select(r => r.UnitChange));
            Assert.Equal(SyncLineStatus.Adjusted, result[0].Status);
            Assert.Equal(9, autotask.Units[(700, 10)]);
        }

        /// <summary>Loses the first post before it reaches Autotask: nothing applied, outcome unknown.</summary>
        private sealed class FakeAutotaskDroppingBeforeApply : IAdjustmentGateway
        {
            private readonly FakeAutotask _inner;
            private bool _dropped;
            public FakeAutotaskDroppingBeforeApply(FakeAutotask inner) => _inner = inner;

            public Task<AutotaskWriteResult> PostAdjustmentAsync(ServiceAdjustment request, CancellationToken cancellationToken)
            {
                if (!_dropped)
                {
                    _dropped = true;
                    _inner.Received.Add(request);
                    return Task.FromResult(Result(AutotaskWriteOutcome.Unknown, null, "Timed out."));
                }
                _inner.Behaviour = (_, _) => AutotaskWriteOutcome.Applied;
                return _inner.PostAdjustmentAsync(request, cancellationToken);
            }

            public Task<decimal> ReadUnitsAsync(long contractId, long serviceId, DateTime date, CancellationToken cancellationToken) =>
                _inner.ReadUnitsAsync(contractId, serviceId, date, cancellationToken);
        }

        [Fact]
        public async Task A_refusal_fails_that_line_with_Autotasks_message_and_the_others_go_on()
        {
            SyncLine refused = Planned(700, 10, 4, 9), fine = Planned(701, 10, 1, 2);
            var (autotask, executor, _) = Setup(refused, fine);
            autotask.Behaviour = (r, _) => r.ContractId == 700 ? AutotaskWriteOutcome.Refused : AutotaskWriteOutcome.Applied;

            var result = await executor.ExecuteAsync(new[] { refused, fine }, null, CancellationToken.None);

            Assert.Equal(SyncLineStatus.Failed, result[0].Status);
            Assert.Equal(ErrorIds.AutotaskAdjustmentRefused, result[0].Reason);
            Assert.Contains("approved and posted", result[0].Message);
            Assert.Single(autotask.Received, r => r.ContractId == 700); // a definitive refusal is not retried
            Assert.Equal(SyncLineStatus.Adjusted, result[1].Status);
        }

        [Fact]
        public async Task An_outcome_that_stays_unknown_is_reported_not_retried_forever()
        {
            SyncLine line = Planned(700, 10, 4, 9);
            var (autotask, executor, _) = Setup(line);
            var neverApplies = new AlwaysLost(autotask);

            var result = await new SyncExecutor(neverApplies, new ListJournal(new List<string>())).ExecuteAsync(new[] { line }, null, CancellationToken.None);

            Assert.Equal(SyncLineStatus.Failed, result[0].Status);
            Assert.Equal(ErrorIds.SyncAdjustmentUnconfirmed, result[0].Reason);
            Assert.Equal(SyncExecutor.MaxUnknownOutcomes, neverApplies.Posts);
        }

        private sealed class AlwaysLost : IAdjustmentGateway
        {
            private readonly FakeAutotask _inner;
            public int Posts;
            public AlwaysLost(FakeAutotask inner) => _inner = inner;
            public Task<AutotaskWriteResult> PostAdjustmentAsync(ServiceAdjustment request, CancellationToken cancellationToken)
            {
                Posts++;
                return Task.FromResult(Result(AutotaskWriteOutcome.Unknown, null, "HTTP 502 without Autotask's errors body."));
            }
            public Task<decimal> ReadUnitsAsync(long contractId, long serviceId, DateTime date, CancellationToken cancellationToken) =>
                _inner.ReadUnitsAsync(contractId, serviceId, date, cancellationToken);
        }

        [Fact]
        public async Task At_most_three_posts_are_in_flight()
        {
            SyncLine[] lines = Enumerable.Range(0, 20).Select(i => Planned(700 + i, 10, 0, 1)).ToArray();
            var (autotask, executor, _) = Setup(lines);

            var result = await executor.ExecuteAsync(lines, null, CancellationToken.None);

            Assert.All(result, l => Assert.Equal(SyncLineStatus.Adjusted, l.Status));
            Assert.InRange(autotask.MaxInFlight, 1, 3);
        }

        [Fact]
        public async Task Stopping_leaves_the_lines_not_yet_posted_skipped_and_unposted()
        {
            SyncLine[] lines = Enumerable.Range(0, 6).Select(i => Planned(700 + i, 10, 0, 1)).ToArray();
            var (autotask, _, events) = Setup(lines);
            using var stop = new CancellationTokenSource();
            autotask.Behaviour = (_, _) =>
            {
                stop.Cancel();
                return AutotaskWriteOutcome.Applied;
            };

            var result = await new SyncExecutor(autotask, new ListJournal(events), parallelism: 1).ExecuteAsync(lines, null, stop.Token);

            Assert.Equal(SyncLineStatus.Adjusted, result[0].Status);
            Assert.All(result.Skip(1), l => Assert.Equal(ErrorIds.SyncStopped, l.Reason));
            Assert.Single(autotask.Received);
        }

        [Fact]
        public async Task A_journal_that_cannot_write_the_intent_stops_every_post()
        {
            SyncLine[] lines = Enumerable.Range(0, 5).Select(i => Planned(700 + i, 10, 0, 1)).ToArray();
            var (autotask, _, events) = Setup(lines);
            var journal = new ListJournal(events) { Broken = true };

            await Assert.ThrowsAsync<PsaMappingException>(() => new SyncExecutor(autotask, journal).ExecuteAsync(lines, null, CancellationToken.None));

            Assert.Empty(autotask.Received);
        }
    }
}
