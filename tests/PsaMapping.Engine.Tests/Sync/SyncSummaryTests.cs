using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sync;

namespace PsaMapping.Engine.Tests.Sync
{
    public sealed class SyncSummaryTests
    {
        private static readonly Guid A = Guid.NewGuid(), B = Guid.NewGuid(), C = Guid.NewGuid(), D = Guid.NewGuid();

        private static SyncLine Line(Guid customer, SyncLineStatus status, string? reason = null) =>
            new SyncLine(customer, "Customer", 1, 700, "Contract", 2026, 11, new DateTime(2026, 12, 1)).WithStatus(status, reason == null ? null : "because " + reason, reason);

        [Fact]
        public void A_customer_is_Succeeded_Partial_or_Failed_by_its_lines_and_skipped_unmapped_customers_are_not_listed()
        {
            var lines = new[]
            {
                Line(A, SyncLineStatus.Adjusted), Line(A, SyncLineStatus.Unchanged),
                Line(B, SyncLineStatus.Adjusted), Line(B, SyncLineStatus.Skipped, ErrorIds.SyncProductUnmapped),
                Line(C, SyncLineStatus.Failed, ErrorIds.SyncContractInactive),
                Line(D, SyncLineStatus.Skipped, ErrorIds.SyncDisabled),
            };

            var results = SyncSummary.PerCustomer(lines).ToDictionary(r => r.SophosCustomerId);

            Assert.Equal(SyncOutcome.Succeeded, results[A].Status);
            Assert.Equal(SyncOutcome.Partial, results[B].Status);
            Assert.Contains(ErrorIds.SyncProductUnmapped, results[B].Message);
            Assert.Equal(SyncOutcome.Failed, results[C].Status);
            Assert.False(results.ContainsKey(D));
        }

        [Fact]
        public void The_summary_sentence_counts_customers_and_lines()
        {
            var lines = new[] { Line(A, SyncLineStatus.Adjusted), Line(A, SyncLineStatus.Unchanged), Line(B, SyncLineStatus.Failed, "x") };
            Assert.Equal("Synced 2 customers: 1 line adjusted, 1 unchanged, 0 skipped, 1 failed.", SyncSummary.Sentence(lines, whatIf: false));
            Assert.StartsWith("What if: sync of 1 customer: 1 line would be adjusted", SyncSummary.Sentence(new[] { Line(A, SyncLineStatus.WouldAdjust) }, whatIf: true));
        }
    }
}
