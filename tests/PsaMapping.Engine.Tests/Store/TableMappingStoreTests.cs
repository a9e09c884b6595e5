using System.Net;
using Azure.Data.Tables;
using Azure.Data.Tables.Sas;
using Microsoft.Extensions.Time.Testing;
using PsaMapping.Engine.Http;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Store.Tables;

namespace PsaMapping.Engine.Tests.Store
{
    using PsaMapping.Engine.Tests;

    /// <summary>The Azure Table store against Azurite: the folder store's behaviour, by the table's own means.</summary>
    [Collection(AzuriteCollection.Name)]
    public sealed class TableMappingStoreTests(AzuriteFixture azurite)
    {
        private static CustomerMapping Mapping(int n, bool sync = false, string contract = "Contract") =>
            new(new Guid(7, (short)(n >> 16), (short)(n & 0xFFFF), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }),
                $"Customer {n}", 1000 + n, $"Company {n}", 100_000 + n, $"{contract} {n}", sync);

        [Fact]
        public void Saves_load_back_with_one_history_entry_per_added_changed_and_removed_mapping()
        {
            TableMappingStore store = azurite.NewStore(out _);
            Assert.Empty(store.Load().Mappings);

            MappingSaveResult first = store.Save(new[] { MappingEdit.Upsert(Mapping(1)), MappingEdit.Upsert(Mapping(2)) }, "alice");
            Assert.Equal(2, first.Added);
            MappingSaveResult second = store.Save(new[]
            {
                MappingEdit.Upsert(Mapping(1)),                    // unchanged
                MappingEdit.Upsert(Mapping(2, sync: true)),        // changed
                MappingEdit.Remove(Mapping(1).SophosCustomerId),   // then removed
                MappingEdit.Remove(Mapping(9).SophosCustomerId),   // never mapped: no change
            }, "bob");
            Assert.Equal((0, 1, 1), (second.Added, second.Changed, second.Removed));

            MappingSnapshot loaded = store.Load();
            CustomerMapping only = Assert.Single(loaded.Mappings);
            Assert.True(Mapping(2, sync: true).SameAs(only));
            Assert.Equal("bob", only.UpdatedBy);

            StoredEntries<AuditEntry> history = store.ReadHistory();
            Assert.Equal(new[] { MappingChangeKind.Added, MappingChangeKind.Added, MappingChangeKind.Changed, MappingChangeKind.Removed },
                history.Select(e => e.Kind).OrderBy(k => k).ToArray());
            Assert.Equal(2, store.ReadHistory(Mapping(2).SophosCustomerId).Count);
            Assert.Equal(0, history.Skipped);

            // Nothing to change writes nothing.
            long before = store.Requests.Total;
            MappingSaveResult none = store.Save(new[] { MappingEdit.Upsert(Mapping(2, sync: true)) }, "carol");
            Assert.False(none.Written);
            Assert.Equal(1, store.Requests.Total - before); // the read only
        }

        [Fact]
        public async Task A_save_decided_on_what_the_command_loaded_reads_nothing_again_unless_a_row_changed_since()
        {
            TableMappingStore store = azurite.NewStore(out string table);
            store.Save(new[] { MappingEdit.Upsert(Mapping(1)), MappingEdit.Upsert(Mapping(2)) }, "setup");

            // Nothing changed since the load: the batch alone, no second read.
            MappingSnapshot loaded = await store.LoadAsync();
            long before = store.Requests.Total;
            await store.SaveAsync(_ => new[] { MappingEdit.Upsert(Mapping(1, contract: "Renewed")) }, "alice", loaded);
            Assert.Equal(1, store.Requests.Total - before);

            // Another host turns customer 2's sync on after this command loaded: the save's write of customer 2 fails its
            // ETag, the store reads again and decides again, and the sync switch it did not ask to change is kept.
            loaded = await store.LoadAsync();
            var other = new TableMappingStore(azurite.Settings(table));
            other.Save(new[] { MappingEdit.Upsert(Mapping(2, sync: true)) }, "bob");
            MappingSaveResult saved = await store.SaveAsync(
                current => new[] { MappingEdit.Upsert(Mapping(2, sync: current.Find(Mapping(2).SophosCustomerId)!.SyncEnabled, contract: "Renewed")) },
                "alice", loaded);
            Assert.Equal(1, saved.Changed);
            CustomerMapping two = store.Load().Find(Mapping(2).SophosCustomerId)!;
            Assert.True(two.SyncEnabled, "bob's change was kept");
            Assert.Equal("Renewed 2", two.ContractName);
            Assert.Equal(5, store.ReadHistory().Count); // 2 added, then alice, bob and alice again: one entry each, none lost
        }

        [Fact]
        public void A_1000_row_save_costs_at_most_15_requests_and_reading_2000_mappings_at_most_3()
        {
            TableMappingStore store = azurite.NewStore(out string table);
            long start = store.Requests.Total;
            MappingSaveResult saved = store.Save(Enumerable.Range(1, 1000).Select(n => MappingEdit.Upsert(Mapping(n))), "bulk");
            long saveRequests = store.Requests.Total - start;
            Assert.Equal(1000, saved.Added);
            Assert.InRange(saveRequests, 1, 15); // one read, then 11 transactions of 98 mappings, their history row and the last-save row

            store.Save(Enumerable.Range(1001, 1000).Select(n => MappingEdit.Upsert(Mapping(n))), "bulk");
            var fresh = new TableMappingStore(azurite.Settings(table)); // a new process
            Assert.Equal(2000, fresh.Load().Count);
            Assert.InRange(fresh.Requests.Total, 1, 3); // 2,001 rows (the mappings and the last-save row, which also says the schema) in 3 pages
            Assert.Equal(2000, fresh.ReadHistory().Count);
        }

        [Fact]
        public void A_change_made_meanwhile_by_another_host_is_decided_on_again_not_overwritten()
        {
            TableMappingStore mine = azurite.NewStore(out string table);
            var theirs = new TableMappingStore(azurite.Settings(table));
            mine.Save(new[] { MappingEdit.Upsert(Mapping(1)) }, "setup");

            // My command read sync off, then (before my save) the other host switched sync on. My change is
            // "another contract, keep sync as it is": it must keep their sync on.
            int decisions = 0;
            MappingSaveResult result = mine.Save(current =>
            {
                if (decisions++ == 0) theirs.Save(new[] { MappingEdit.Upsert(Mapping(1, sync: true)) }, "them");
                CustomerMapping now = current.Find(Mapping(1).SophosCustomerId)!;
                return new[] { MappingEdit.Upsert(Mapping(1, sync: now.SyncEnabled, contract: "Other")) };
            }, "me");

            Assert.Equal(2, decisions);
            CustomerMapping saved = mine.Load().Find(Mapping(1).SophosCustomerId)!;
            Assert.True(saved.SyncEnabled, "their change was overwritten");
            Assert.Equal("Other 1", saved.ContractName);
            Assert.Equal(1, result.Changed);
            Assert.Equal(3, mine.ReadHistory().Count);
        }

        [Fact]
        public void A_customer_another_host_removed_meanwhile_is_not_brought_back_by_an_update()
        {
            TableMappingStore mine = azurite.NewStore(out string table);
            var theirs = new TableMappingStore(azurite.Settings(table));
            mine.Save(new[] { MappingEdit.Upsert(Mapping(1)) }, "setup");

            int decisions = 0;
            mine.Save(current =>
            {
                if (decisions++ == 0) theirs.Save(new[] { MappingEdit.Remove(Mapping(1).SophosCustomerId) }, "them");
                // An update renames only mappings that still exist.
                return current.Mappings.Select(m => MappingEdit.Upsert(Mapping(1, contract: "Renamed")));
            }, "me");

            Assert.Equal(2, decisions);
            Assert.Empty(mine.Load().Mappings);
        }

        [Fact]
        public void A_sync_lock_is_one_request_to_take_and_one_to_release_and_a_second_holder_is_told_who_and_until_when()
        {
            var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
            TableMappingStore first = azurite.NewStore(out string table, new TableStoreOptions { Time = clock });
            var second = new TableMappingStore(azurite.Settings(table), new TableStoreOptions { Time = clock });
            second.Load();

            long before = first.Requests.Total;
            SyncLease lease = first.AcquireSyncLockAsync("alice", TimeSpan.FromMinutes(10)).GetAwaiter().GetResult();
            Assert.Equal(1, first.Requests.Total - before);
            var held = Assert.Throws<PsaMappingException>(() => second.AcquireSyncLockAsync("bob", TimeSpan.FromMinutes(10)).GetAwaiter().GetResult());
            Assert.Equal("SyncLocked", held.ErrorId);
            Assert.Contains("alice", held.Message);
            Assert.Contains("2026-12-01 08:10:00Z", held.Message);
            first.ReleaseSyncLockAsync(lease).GetAwaiter().GetResult();
            Assert.Equal(2, first.Requests.Total - before);

            // Released: the other host takes it at once.
            Assert.Equal("bob", second.AcquireSyncLockAsync("bob", TimeSpan.FromMinutes(10)).GetAwaiter().GetResult().Holder);
        }

        [Fact]
        public void A_crashed_holders_lease_expires_and_is_taken_over_and_the_late_holder_cannot_renew_or_release_it()
        {
            var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
            TableMappingStore first = azurite.NewStore(out string table, new TableStoreOptions { Time = clock });
            var second = new TableMappingStore(azurite.Settings(table), new TableStoreOptions { Time = clock });

            SyncLease crashed = first.AcquireSyncLockAsync("alice", TimeSpan.FromMinutes(10)).GetAwaiter().GetResult(); // never released: the host died
            clock.Advance(TimeSpan.FromMinutes(11));
            SyncLease taken = second.AcquireSyncLockAsync("bob", TimeSpan.FromMinutes(10)).GetAwaiter().GetResult();
            Assert.Equal("bob", taken.Holder);

            Assert.Equal("SyncLockLost", Assert.Throws<PsaMappingException>(() => first.RenewSyncLockAsync(crashed, TimeSpan.FromMinutes(10)).GetAwaiter().GetResult()).ErrorId);
            first.ReleaseSyncLockAsync(crashed).GetAwaiter().GetResult(); // deleting on its old ETag must leave bob's lease alone
            var third = new TableMappingStore(azurite.Settings(table), new TableStoreOptions { Time = clock });
            Assert.Equal("SyncLocked", Assert.Throws<PsaMappingException>(() => third.AcquireSyncLockAsync("carol", TimeSpan.FromMinutes(1)).GetAwaiter().GetResult()).ErrorId);
            SyncLease renewed = second.RenewSyncLockAsync(taken, TimeSpan.FromMinutes(30)).GetAwaiter().GetResult();
            Assert.Equal(clock.GetUtcNow().AddMinutes(30), renewed.ExpiresAt);
        }

        [Fact]
        public void A_table_written_by_a_newer_schema_is_refused_and_left_untouched()
        {
            TableMappingStore store = azurite.NewStore(out string table);
            store.Save(new[] { MappingEdit.Upsert(Mapping(1)) }, "setup");
            var client = new TableClient(azurite.Server.ConnectionString, table);
            client.UpsertEntity(new TableEntity("Meta", "Schema") { ["SchemaVersion"] = 99 });

            var fresh = new TableMappingStore(azurite.Settings(table));
            var error = Assert.Throws<PsaMappingException>(() => fresh.Save(new[] { MappingEdit.Remove(Mapping(1).SophosCustomerId) }, "me"));
            Assert.Equal(PsaErrorKind.InvalidArgument, error.Kind);
            Assert.Equal("MappingStoreNewer", error.ErrorId);
            Assert.Single(client.Query<TableEntity>("PartitionKey eq 'Mapping' and RowKey ge '0'"));
        }

        [Fact]
        public void A_read_refuses_a_table_whose_last_save_was_written_by_a_newer_schema()
        {
            TableMappingStore store = azurite.NewStore(out string table);
            store.Save(new[] { MappingEdit.Upsert(Mapping(1)) }, "setup");
            var client = new TableClient(azurite.Server.ConnectionString, table);
            client.UpsertEntity(new TableEntity("Mapping", TableMappingStore.LastSaveRow) { ["Revision"] = 2L, ["SchemaVersion"] = 99 });

            var error = Assert.Throws<PsaMappingException>(() => new TableMappingStore(azurite.Settings(table)).Load());
            Assert.Equal("MappingStoreNewer", error.ErrorId);
        }

        [Fact]
        public void A_wrong_account_key_is_access_denied_and_names_no_secret()
        {
            string wrongKey = Convert.ToBase64String(Enumerable.Repeat((byte)42, 64).ToArray());
            string connection = azurite.Server.ConnectionString.Replace(PsaMapping.Sandbox.Azurite.AzuriteServer.AccountKey, wrongKey);
            var store = new TableMappingStore(TableStoreSettings.FromConnectionString(AzuriteFixture.Secure(connection), AzuriteFixture.NewTableName()));

            var error = Assert.Throws<PsaMappingException>(() => store.Initialize());
            Assert.Equal("MappingStoreAccessDenied", error.ErrorId);
            Assert.Equal(PsaErrorKind.Forbidden, error.Kind);
            Assert.DoesNotContain(wrongKey, error.ToString());
        }

        [Fact]
        public void A_missing_table_that_a_SAS_token_may_not_create_is_its_own_error()
        {
            string table = AzuriteFixture.NewTableName();
            // An account SAS for rows only (resource type Object): it may read and write rows but not create tables.
            string sas = new TableServiceClient(azurite.Server.ConnectionString)
                .GenerateSasUri(TableAccountSasPermissions.All, TableAccountSasResourceTypes.Object, DateTimeOffset.UtcNow.AddHours(1)).Query.TrimStart('?');
            var store = new TableMappingStore(TableStoreSettings.FromSasToken(azurite.Server.TableEndpoint, AzuriteFixture.Secure(sas), table));

            var error = Assert.Throws<PsaMappingException>(() => store.Initialize());
            Assert.True(error.ErrorId == "MappingStoreTableMissing", error.Message);
            Assert.DoesNotContain(sas, error.ToString());

            // Once the table exists, that SAS token connects; an account SAS with every resource type reads and writes.
            new TableClient(azurite.Server.ConnectionString, table).Create();
            store.Initialize();
            string full = new TableServiceClient(azurite.Server.ConnectionString)
                .GenerateSasUri(TableAccountSasPermissions.All, TableAccountSasResourceTypes.All, DateTimeOffset.UtcNow.AddHours(1)).Query.TrimStart('?');
            var writer = new TableMappingStore(TableStoreSettings.FromSasToken(azurite.Server.TableEndpoint, AzuriteFixture.Secure(full), table));
            writer.Save(new[] { MappingEdit.Upsert(Mapping(1)) }, "sas");
            Assert.Single(writer.Load().Mappings);
        }

        [Fact]
        public async Task A_SAS_token_with_the_READMEs_permissions_does_everything_a_team_store_needs()
        {
            // The README's setup: resource types Container and Object with Read, Add, Update and Delete (no List, no Write),
            // on a table created once beforehand. Every store operation works with it (Azurite refuses the entity-group
            // transactions of a token without Container); adding Write lets it create the table.
            string table = AzuriteFixture.NewTableName();
            new TableClient(azurite.Server.ConnectionString, table).Create();
            var rows = TableAccountSasPermissions.Read | TableAccountSasPermissions.Add | TableAccountSasPermissions.Update | TableAccountSasPermissions.Delete;
            string sas = new TableServiceClient(azurite.Server.ConnectionString)
                .GenerateSasUri(rows, TableAccountSasResourceTypes.Object | TableAccountSasResourceTypes.Container, DateTimeOffset.UtcNow.AddHours(1)).Query.TrimStart('?');
            var store = new TableMappingStore(TableStoreSettings.FromSasToken(azurite.Server.TableEndpoint, AzuriteFixture.Secure(sas), table));

            store.Initialize();
            store.Save(new[] { MappingEdit.Upsert(Mapping(1)), MappingEdit.Upsert(Mapping(2)) }, "sas");
            store.Save(new[] { MappingEdit.Upsert(Mapping(1, sync: true)), MappingEdit.Remove(Mapping(2).SophosCustomerId) }, "sas");
            Assert.True(Mapping(1, sync: true).SameAs(Assert.Single(store.Load().Mappings)));
            Assert.Equal(4, store.ReadHistory().Count);
            SyncLease lease = await store.AcquireSyncLockAsync("sas", TimeSpan.FromMinutes(1));
            await store.ReleaseSyncLockAsync(lease);

            string creator = new TableServiceClient(azurite.Server.ConnectionString)
                .GenerateSasUri(rows | TableAccountSasPermissions.Write, TableAccountSasResourceTypes.Object | TableAccountSasResourceTypes.Container, DateTimeOffset.UtcNow.AddHours(1)).Query.TrimStart('?');
            new TableMappingStore(TableStoreSettings.FromSasToken(azurite.Server.TableEndpoint, AzuriteFixture.Secure(creator), AzuriteFixture.NewTableName())).Initialize();
        }

        [Fact]
        public void An_unreachable_store_is_unavailable_after_its_retries()
        {
            int closedPort;
            using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
            }
            var settings = TableStoreSettings.FromSasToken(new Uri($"http://127.0.0.1:{closedPort}/devstoreaccount1"), AzuriteFixture.Secure("sv=2020&sig=abc"), "Mappings");
            var options = new TableStoreOptions { Resilience = new ResilienceOptions { MaxRetryAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) } };
            var store = new TableMappingStore(settings, options);

            var error = Assert.Throws<PsaMappingException>(() => store.Load());
            Assert.Equal("MappingStoreUnavailable", error.ErrorId);
            Assert.Equal(3, store.Requests.Total);
        }

        [Fact]
        public void Throttling_and_503_answers_are_retried_with_backoff_and_the_save_completes_once()
        {
            var faults = new FailingFirstHandler(new HttpClientHandler(), HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests);
            var options = new TableStoreOptions { Handler = faults, Resilience = new ResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) } };
            TableMappingStore store = azurite.NewStore(out _, options);
            faults.FailNext(2);

            store.Save(new[] { MappingEdit.Upsert(Mapping(1)) }, "me");
            Assert.Single(store.Load().Mappings);
            Assert.Single(store.ReadHistory());
            Assert.True(store.Requests.Total >= 2 + 2, "the two failed attempts are counted");
        }

        [Fact]
        public void Plain_http_to_another_machine_and_bad_table_names_are_refused()
        {
            Assert.Equal("InsecureUri", Assert.Throws<PsaMappingException>(() =>
                TableStoreSettings.FromSasToken(new Uri("http://example.com/"), AzuriteFixture.Secure("sig=x"))).ErrorId);
            Assert.Equal("MappingStoreTableNameInvalid", Assert.Throws<PsaMappingException>(() =>
                TableStoreSettings.FromSasToken(new Uri("https://example.com/"), AzuriteFixture.Secure("sig=x"), "no-dashes")).ErrorId);
            var bad = Assert.Throws<PsaMappingException>(() => TableStoreSettings.FromConnectionString(AzuriteFixture.Secure("AccountKey=c2VjcmV0;nonsense")));
            Assert.Equal("MappingStoreConnectionStringInvalid", bad.ErrorId);
            Assert.DoesNotContain("c2VjcmV0", bad.ToString());
        }

        /// <summary>Answers the next few requests with the given statuses (round robin) instead of forwarding them.</summary>
        private sealed class FailingFirstHandler(HttpMessageHandler inner, params HttpStatusCode[] statuses) : DelegatingHandler(inner)
        {
            private int _toFail;
            private int _failed;

            public void FailNext(int count) => Interlocked.Exchange(ref _toFail, count);

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (Interlocked.Decrement(ref _toFail) >= 0)
                {
                    var response = new HttpResponseMessage(statuses[_failed++ % statuses.Length]) { RequestMessage = request };
                    response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
                    return Task.FromResult(response);
                }
                return base.SendAsync(request, cancellationToken);
            }
        }
    }
}
