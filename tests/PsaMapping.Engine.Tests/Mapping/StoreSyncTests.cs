using Microsoft.Extensions.Time.Testing;
using PsaMapping.Engine.Mapping;

namespace PsaMapping.Engine.Tests
{
    /// <summary>
    /// What every store does with product mappings, sync status, the sync log and the sync lock, whatever its home:
    /// these facts run on the folder (<see cref="FolderStoreSyncTests"/>, which adds the facts about its files) and on
    /// the Azure Table store (<see cref="Store.TableStoreSyncTests"/>), with the same fake clock.
    /// </summary>
    public abstract class StoreSyncTests
    {
        protected static readonly DateTimeOffset Start = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);

        protected FakeTimeProvider Time { get; } = new(Start);

        /// <summary>A store object on the test's store: a new one each call, as another process would have.</summary>
        protected abstract IMappingStore Store();

        protected static Guid Id(int n) => new($"00000000-0000-0000-0000-{n:D12}");

        protected static CustomerMapping Map(int n, bool sync = true) => new(Id(n), $"Customer {n}", 1000 + n, $"Company {n}", 500 + n, $"Contract {n}", sync);

        protected static SyncLogEntry Log(SyncLogEvent what, int customer, int month, Guid adjustment, long? itemId = null) =>
            new(Start, "tester", Id(99), adjustment, what, Id(customer), $"Customer {customer}", 2026, month,
                500 + customer, 7000 + customer, 30, 3m, new DateTime(2026, month % 12 + 1, 1), itemId);

        [Fact]
        public void Several_product_codes_map_to_one_service_and_each_change_is_audited()
        {
            var store = Store();
            var first = store.SaveProducts(new[]
            {
                ProductMappingEdit.Upsert(new ProductMapping("CIXA", 30, "Intercept X Advanced")),
                ProductMappingEdit.Upsert(new ProductMapping("CIXAXDR", 30, "Intercept X Advanced")),
            }, "alice");
            Time.Advance(TimeSpan.FromHours(1));
            var second = store.SaveProducts(new[] { ProductMappingEdit.Upsert(new ProductMapping("cixa", 31, "Intercept X (new)")), ProductMappingEdit.Remove("CIXAXDR") }, "bob");

            Assert.Equal(2, first.Added);
            Assert.Equal((1, 1), (second.Changed, second.Removed));
            MappingSnapshot loaded = store.Load();
            ProductMapping cixa = Assert.Single(loaded.Products);
            Assert.Same(cixa, loaded.FindProduct("CIXA"));
            Assert.Equal((31L, "bob", Start.AddHours(1)), (cixa.AutotaskServiceId, cixa.UpdatedBy, cixa.UpdatedAt!.Value));
            Assert.Equal(2, loaded.Revision);

            var history = store.ReadProductHistory();
            Assert.Equal(new[] { MappingChangeKind.Added, MappingChangeKind.Added, MappingChangeKind.Changed, MappingChangeKind.Removed }, history.Select(e => e.Kind));
            Assert.Equal(new long[] { 30, 31 }, store.ReadProductHistory("Cixa").Select(e => e.After!.AutotaskServiceId));
            Assert.Empty(store.ReadHistory()); // customer history holds customer entries only
        }

        [Fact]
        public void Sync_status_is_kept_on_the_row_without_an_audit_entry_and_survives_mapping_saves()
        {
            var store = Store();
            store.Save(new[] { MappingEdit.Upsert(Map(1)), MappingEdit.Upsert(Map(2)) }, "alice");

            int updated = store.RecordSyncStatusAsync(new[]
            {
                new SyncStatusUpdate(Id(1), new SyncStatus(Start, SyncOutcome.Partial, "1 product has no mapping")),
                new SyncStatusUpdate(Id(9), new SyncStatus(Start, SyncOutcome.Succeeded)), // not mapped: skipped
            }).GetAwaiter().GetResult();
            store.Save(new[] { MappingEdit.Upsert(Map(1, sync: false)) }, "bob");

            Assert.Equal(1, updated);
            CustomerMapping one = store.Load().Find(Id(1))!;
            Assert.Equal((SyncOutcome.Partial, "1 product has no mapping", Start), (one.LastSync!.Outcome, one.LastSync.Message, one.LastSync.At));
            Assert.False(one.SyncEnabled);
            Assert.Null(store.Load().Find(Id(2))!.LastSync);
            Assert.Equal(3, store.ReadHistory().Count); // two adds and bob's change; the status is not a change
            Assert.Equal(2, store.Load().Revision);
        }

        [Fact]
        public void The_sync_log_keeps_intent_and_outcome_and_filters_by_customer_month_time_and_count()
        {
            var store = Store();
            Guid a = Guid.NewGuid(), b = Guid.NewGuid();
            store.AppendSyncLogAsync(Log(SyncLogEvent.Intent, 1, 11, a)).GetAwaiter().GetResult();
            store.AppendSyncLogAsync(Log(SyncLogEvent.Posted, 1, 11, a, itemId: 123456)).GetAwaiter().GetResult();
            store.AppendSyncLogAsync(Log(SyncLogEvent.Intent, 2, 10, b)).GetAwaiter().GetResult();

            var all = store.ReadSyncLog();
            Assert.Equal(new[] { SyncLogEvent.Intent, SyncLogEvent.Posted, SyncLogEvent.Intent }, all.Select(e => e.Event));
            Assert.Equal(123456, all[1].AutotaskItemId);
            Assert.Equal(a, all[1].AdjustmentId);
            Assert.Equal(3m, all[1].UnitChange);
            Assert.Equal(new DateTime(2026, 12, 1), all[1].EffectiveDate);
            Assert.Equal(2, store.ReadSyncLog(new SyncLogQuery { SophosCustomerId = Id(1) }).Count);
            Assert.Single(store.ReadSyncLog(new SyncLogQuery { Year = 2026, Month = 10 }));
            Assert.Equal(b, Assert.Single(store.ReadSyncLog(new SyncLogQuery { Last = 1 })).AdjustmentId);
            Assert.Equal(2, store.ReadSyncLog(new SyncLogQuery { SophosCustomerName = _ => n => n.EndsWith('1') }).Count);
        }

        [Fact]
        public void The_sync_lock_is_refused_to_a_second_holder_with_who_and_until_when_and_frees_itself_on_expiry()
        {
            var store = Store();
            SyncLease first = store.AcquireSyncLockAsync("alice@host1 (pid 10)", TimeSpan.FromMinutes(10)).GetAwaiter().GetResult();

            var refused = Assert.Throws<PsaMappingException>(() => Store().AcquireSyncLockAsync("bob@host2", TimeSpan.FromMinutes(10)).GetAwaiter().GetResult());
            Assert.Equal("SyncLocked", refused.ErrorId);
            Assert.Equal(PsaErrorKind.Unavailable, refused.Kind);
            Assert.Contains("alice@host1 (pid 10)", refused.Message);
            Assert.Contains(first.ExpiresAt.ToString("u"), refused.Message);

            Time.Advance(TimeSpan.FromMinutes(5));
            SyncLease renewed = store.RenewSyncLockAsync(first, TimeSpan.FromMinutes(10)).GetAwaiter().GetResult();
            Assert.Equal(Start.AddMinutes(15), renewed.ExpiresAt);

            Time.Advance(TimeSpan.FromMinutes(16)); // alice crashed: her lease runs out
            SyncLease second = Store().AcquireSyncLockAsync("bob@host2", TimeSpan.FromMinutes(10)).GetAwaiter().GetResult();
            Assert.Equal("bob@host2", second.Holder);

            var lost = Assert.Throws<PsaMappingException>(() => store.RenewSyncLockAsync(renewed, TimeSpan.FromMinutes(10)).GetAwaiter().GetResult());
            Assert.Equal("SyncLockLost", lost.ErrorId);
            Assert.Contains("bob@host2", lost.Message);

            store.ReleaseSyncLockAsync(renewed).GetAwaiter().GetResult(); // alice's late release leaves bob's lock alone
            Assert.Throws<PsaMappingException>(() => Store().AcquireSyncLockAsync("carol", TimeSpan.FromMinutes(1)).GetAwaiter().GetResult());
            Store().ReleaseSyncLockAsync(second).GetAwaiter().GetResult();
            Assert.Equal("carol", Store().AcquireSyncLockAsync("carol", TimeSpan.FromMinutes(1)).GetAwaiter().GetResult().Holder);
        }
    }
}
