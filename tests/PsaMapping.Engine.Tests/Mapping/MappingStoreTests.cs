using Microsoft.Extensions.Time.Testing;
using PsaMapping.Engine.Mapping;

namespace PsaMapping.Engine.Tests
{
    /// <summary>
    /// What every <see cref="IMappingStore"/> does with customer mappings and their history, whatever its home: these
    /// facts run on the folder (<see cref="FolderMappingStoreTests"/>, which adds the facts about its files) and on an
    /// Azure table in Azurite (<see cref="Store.TableStoreMappingTests"/>), with the same fake clock.
    /// </summary>
    public abstract class MappingStoreTests
    {
        protected static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 30, 0, TimeSpan.Zero);

        protected FakeTimeProvider Time { get; } = new(Start);

        /// <summary>A store object on the test's store: a new one each call, as another process would have.</summary>
        protected abstract IMappingStore Store();

        /// <summary>
        /// True when saves happen one after the other, each with the next revision (the folder's lock); the table lets
        /// saves of different customers run at once, and two of them may then write the same revision.
        /// </summary>
        protected abstract bool SavesAreSerialized { get; }

        /// <summary>What a crashed or concurrent save might leave behind that should not be there (the folder's temp files).</summary>
        protected virtual void AssertNothingLeftOver()
        {
        }

        protected static Guid Id(int n) => new($"00000000-0000-0000-0000-{n:D12}");

        protected static CustomerMapping Map(int n, long contractId = 500, bool sync = true, string? name = null) =>
            new(Id(n), name ?? $"Customer {n:D3}", 1000 + n, $"Company {n}", contractId, $"Contract {contractId}", sync);

        protected static MappingEdit[] Upserts(params CustomerMapping[] mappings) => mappings.Select(MappingEdit.Upsert).ToArray();

        [Fact]
        public void Saved_mappings_load_back_with_who_and_when()
        {
            var result = Store().Save(Upserts(Map(2, sync: false), Map(1)), "CONTOSO\\admin");

            MappingSnapshot loaded = Store().Load();

            Assert.True(result.Written);
            Assert.Equal(1, loaded.Revision);
            Assert.Equal(MappingStore.SchemaVersion, loaded.SchemaVersion);
            Assert.Equal(Start, loaded.SavedAt);
            Assert.Equal(new[] { Map(1), Map(2, sync: false) }, loaded.Mappings); // ordered by name
            CustomerMapping first = loaded.Find(Id(1))!;
            Assert.Equal("Customer 001", first.SophosCustomerName);
            Assert.Equal(1001, first.AutotaskCompanyId);
            Assert.Equal("Company 1", first.AutotaskCompanyName);
            Assert.Equal(500, first.ContractId);
            Assert.Equal("Contract 500", first.ContractName);
            Assert.True(first.SyncEnabled);
            Assert.Equal(Start, first.UpdatedAt);
            Assert.Equal("CONTOSO\\admin", first.UpdatedBy);
            Assert.False(loaded.Find(Id(2))!.SyncEnabled);
            Assert.Null(loaded.Find(Id(3)));
        }

        [Fact]
        public void Nothing_saved_loads_as_empty()
        {
            MappingSnapshot snapshot = Store().Load();

            Assert.Equal(0, snapshot.Revision);
            Assert.Empty(snapshot.Mappings);
            Assert.Empty(snapshot.Products);
            Assert.Empty(Store().ReadHistory());
        }

        [Fact]
        public void A_save_reports_added_changed_unchanged_and_removed()
        {
            var store = Store();
            store.Save(Upserts(Map(1), Map(2), Map(3)), "a");
            Time.Advance(TimeSpan.FromHours(1));

            var result = store.Save(new[]
            {
                MappingEdit.Upsert(Map(1)),                  // same as saved
                MappingEdit.Upsert(Map(2, contractId: 777)), // another contract
                MappingEdit.Upsert(Map(4)),                  // new
                MappingEdit.Remove(Id(3)),
                MappingEdit.Remove(Id(99)),                  // not mapped: no change, not an error
            }, "b");

            Assert.True(result.Written);
            Assert.Equal((1, 1, 1, 1), (result.Added, result.Changed, result.Unchanged, result.Removed));
            Assert.Equal(new[] { Id(1), Id(2), Id(4), Id(3) }, result.Changes.Select(c => c.SophosCustomerId));
            Assert.Equal(2, result.Revision);

            MappingChange changed = result.Changes.Single(c => c.Kind == MappingChangeKind.Changed);
            Assert.Equal(500, changed.Before!.ContractId);
            Assert.Equal(777, changed.After!.ContractId);
            Assert.Equal(Start.AddHours(1), changed.After.UpdatedAt);
            Assert.Equal("b", changed.After.UpdatedBy);

            MappingSnapshot loaded = Store().Load();
            Assert.Equal(new[] { Id(1), Id(2), Id(4) }, loaded.Mappings.Select(m => m.SophosCustomerId));
            // The unchanged mapping keeps the stamp of when it really last changed.
            Assert.Equal(Start, loaded.Find(Id(1))!.UpdatedAt);
            Assert.Equal("a", loaded.Find(Id(1))!.UpdatedBy);
            Assert.Equal(777, loaded.Find(Id(2))!.ContractId);
        }

        [Fact]
        public void The_same_customer_twice_in_one_save_the_last_edit_wins()
        {
            var store = Store();
            store.Save(Upserts(Map(1)), "a");

            var setBack = store.Save(new[] { MappingEdit.Upsert(Map(1, contractId: 9)), MappingEdit.Upsert(Map(1)) }, "a");
            var addThenRemove = store.Save(new[] { MappingEdit.Upsert(Map(2)), MappingEdit.Remove(Id(2)) }, "a");
            var removeThenAdd = store.Save(new[] { MappingEdit.Remove(Id(1)), MappingEdit.Upsert(Map(1, sync: false)) }, "a");

            Assert.Equal(MappingChangeKind.Unchanged, Assert.Single(setBack.Changes).Kind);
            Assert.False(setBack.Written);
            Assert.Empty(addThenRemove.Changes);
            Assert.False(addThenRemove.Written);
            Assert.Equal(MappingChangeKind.Changed, Assert.Single(removeThenAdd.Changes).Kind);
            Assert.False(Store().Load().Find(Id(1))!.SyncEnabled);
        }

        [Fact]
        public void When_nothing_changes_nothing_is_saved_and_nothing_is_audited()
        {
            var store = Store();
            store.Save(Upserts(Map(1), Map(2)), "a");
            store.Save(Upserts(Map(1, contractId: 8)), "a");
            Time.Advance(TimeSpan.FromMinutes(5));

            var result = store.Save(new[] { MappingEdit.Upsert(Map(2)), MappingEdit.Remove(Id(42)) }, "b");

            Assert.False(result.Written);
            Assert.Equal(1, result.Unchanged);
            Assert.Equal(2, result.Revision);
            MappingSnapshot loaded = Store().Load();
            Assert.Equal(2, loaded.Revision);
            Assert.Equal((Start, "a"), (loaded.Find(Id(2))!.UpdatedAt!.Value, loaded.Find(Id(2))!.UpdatedBy!));
            Assert.Equal(3, Store().ReadHistory().Count);
        }

        [Fact]
        public void Every_change_is_in_the_history_with_before_after_who_when_and_revision()
        {
            var store = Store();
            store.Save(Upserts(Map(1), Map(2)), "alice@host");
            Time.Advance(TimeSpan.FromDays(1));
            store.Save(new[] { MappingEdit.Upsert(Map(1, sync: false)), MappingEdit.Upsert(Map(2)), MappingEdit.Remove(Id(2)) }, "bob@host");

            StoredEntries<AuditEntry> history = Store().ReadHistory();

            Assert.Equal(0, history.Skipped);
            Assert.Equal(4, history.Count);
            Assert.Equal(new[] { MappingChangeKind.Added, MappingChangeKind.Added, MappingChangeKind.Changed, MappingChangeKind.Removed }, history.Select(e => e.Kind));
            Assert.Equal(new long[] { 1, 1, 2, 2 }, history.Select(e => e.Revision));

            AuditEntry added = history[0];
            Assert.Equal("alice@host", added.Who);
            Assert.Equal(Start, added.When);
            Assert.Null(added.Before);
            Assert.Equal(Map(1), added.After);
            Assert.Equal(Start, added.After!.UpdatedAt);

            AuditEntry changed = history[2];
            Assert.Equal(Id(1), changed.SophosCustomerId);
            Assert.Equal("bob@host", changed.Who);
            Assert.Equal(Start.AddDays(1), changed.When);
            Assert.True(changed.Before!.SyncEnabled);
            Assert.Equal("alice@host", changed.Before.UpdatedBy);
            Assert.False(changed.After!.SyncEnabled);
            Assert.Equal("bob@host", changed.After.UpdatedBy);

            AuditEntry removed = history[3];
            Assert.Equal(Id(2), removed.SophosCustomerId);
            Assert.Equal(Map(2), removed.Before);
            Assert.Null(removed.After);
        }

        [Fact]
        public void History_can_be_filtered_by_customer_time_and_count()
        {
            var store = Store();
            for (int round = 0; round < 3; round++)
            {
                store.Save(Upserts(Map(1, contractId: round), Map(2, contractId: round)), "a");
                Time.Advance(TimeSpan.FromHours(1));
            }

            Assert.Equal(6, store.ReadHistory().Count);
            Assert.Equal(new long[] { 1, 2, 3 }, store.ReadHistory(Id(1)).Select(e => e.Revision));
            Assert.Equal(new long[] { 2, 2, 3, 3 }, store.ReadHistory(since: Start.AddHours(1)).Select(e => e.Revision));
            Assert.Equal(new long[] { 2, 3 }, store.ReadHistory(Id(2), last: 2).Select(e => e.Revision));
            Assert.Equal(new long[] { 3 }, store.ReadHistory(Id(2), Start.AddMinutes(90), 5).Select(e => e.Revision));
            Assert.Empty(store.ReadHistory(last: 0));
            Assert.Empty(store.ReadHistory(Id(3)));
        }

        [Fact]
        public void A_save_that_only_removes_still_moves_the_revision_and_saved_time_on()
        {
            Store().Save(Upserts(Map(1)), "a");
            Store().Save(Upserts(Map(2)), "a");
            Time.Advance(TimeSpan.FromHours(1));

            Store().Save(new[] { MappingEdit.Remove(Id(2)) }, "a");
            MappingSnapshot afterRemove = Store().Load();
            Store().Save(Upserts(Map(3)), "a");

            Assert.Equal(3, afterRemove.Revision);
            Assert.Equal(Start.AddHours(1), afterRemove.SavedAt);
            // Every save has its own revision in the history, the removal's included.
            Assert.Equal(new long[] { 1, 2, 3, 4 }, Store().ReadHistory().Select(e => e.Revision));
        }

        [Fact]
        public void The_decision_sees_the_content_saved_at_that_moment()
        {
            var store = Store();
            store.Save(Upserts(Map(1), Map(2, sync: false)), "a");

            // "Turn sync off for everyone who has it on", decided against what is saved right now.
            var result = store.Save(current => current.Mappings.Where(m => m.SyncEnabled)
                .Select(m => MappingEdit.Upsert(new CustomerMapping(m.SophosCustomerId, m.SophosCustomerName, m.AutotaskCompanyId,
                    m.AutotaskCompanyName, m.ContractId, m.ContractName, syncEnabled: false))), "a");

            Assert.Equal(1, result.Changed);
            Assert.All(Store().Load().Mappings, m => Assert.False(m.SyncEnabled));
        }

        [Fact]
        public void Concurrent_saves_of_different_customers_all_land_and_are_all_audited()
        {
            const int threads = 20, perThread = 10;
            var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            using var go = new ManualResetEventSlim();
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                try
                {
                    var store = Store(); // each its own instance, as separate processes would
                    go.Wait();
                    for (int i = 0; i < perThread; i++)
                        store.Save(Upserts(Map(t * perThread + i + 1)), $"worker{t}");
                }
                catch (Exception ex)
                {
                    failures.Add(ex);
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            go.Set();
            workers.ForEach(w => w.Join());

            Assert.Empty(failures);
            var check = Store();
            MappingSnapshot final = check.Load();
            Assert.Equal(threads * perThread, final.Mappings.Count);
            StoredEntries<AuditEntry> history = check.ReadHistory();
            Assert.Equal(threads * perThread, history.Count);
            Assert.Equal(0, history.Skipped);
            Assert.Equal(final.Mappings.Select(m => m.SophosCustomerId).OrderBy(g => g), history.Select(e => e.SophosCustomerId).OrderBy(g => g));
            if (SavesAreSerialized)
            {
                Assert.Equal(threads * perThread, final.Revision);
                Assert.Equal(Enumerable.Range(1, threads * perThread).Select(n => (long)n), history.Select(e => e.Revision));
            }
            AssertNothingLeftOver();
        }
    }
}
