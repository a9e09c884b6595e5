using System.Net;
using Newtonsoft.Json.Linq;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Http;
using PsaMapping.Sandbox;

namespace PsaMapping.Engine.Tests
{
    public sealed class AutotaskClientTests : IAsyncLifetime
    {
        private SandboxServer _server = null!;

        public async Task InitializeAsync() => _server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 50, CompanyCount = 1600, Seed = 5 });

        public async Task DisposeAsync() => await _server.DisposeAsync();

        private AutotaskClient Client(string? secret = null, string? user = null, string? code = null, Uri? apiUri = null) =>
            new(new AutotaskCredential(user ?? _server.Options.AutotaskUserName,
                    SophosCentralClientTests.Secure(secret ?? _server.Options.AutotaskSecret),
                    SophosCentralClientTests.Secure(code ?? _server.Options.AutotaskIntegrationCode)),
                _server.AutotaskZoneUri, apiUri, new HttpClientHandler(),
                new ResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(5), ConcurrencyScope = Guid.NewGuid().ToString() });

        private long Requests(string entity) => _server.Counters.Requests(SandboxEndpoints.AutotaskEntity(entity));

        [Fact]
        public async Task Connecting_costs_the_zone_lookup_and_one_round_trip_that_checks_and_brings_the_picklists()
        {
            using AutotaskClient client = Client();
            AutotaskConnection connection = await client.ConnectAsync(CancellationToken.None);

            Assert.Equal(_server.AutotaskApiUri, connection.ApiUri);
            Assert.Equal(new Uri(_server.AutotaskApiUri, "V1.0/"), client.RestBase);
            Assert.Equal(1, _server.Counters.Requests(SandboxEndpoints.AutotaskZone));
            Assert.Equal(1, Requests("Companies"));
            Assert.Equal(1, Requests("Contracts"));
            Assert.Equal(3, client.Http.Requests.Total);

            // The contract picklists came with the connection: listing contracts asks for them no more.
            await new AutotaskDirectory(client).GetContractsAsync(new long[] { 1001 }, null, false, CancellationToken.None);
            Assert.Equal(2, Requests("Contracts"));
        }

        [Theory]
        [InlineData("user", "AutotaskUnknownUser", 1)]
        [InlineData("secret", "AutotaskSecretRejected", 3)] // zone, the check and the contract picklists sent beside it
        [InlineData("code", "AutotaskIntegrationCodeRejected", 3)]
        public async Task A_definitive_refusal_is_not_retried(string wrong, string errorId, int requests)
        {
            using AutotaskClient client = Client(secret: wrong == "secret" ? "wrong" : null, user: wrong == "user" ? "nobody@example.test" : null,
                code: wrong == "code" ? "WRONG" : null);

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.ConnectAsync(CancellationToken.None));

            Assert.Equal(errorId, error.ErrorId);
            Assert.Equal(requests, client.Http.Requests.Total);
        }

        [Fact]
        public async Task Without_a_zone_lookup_a_500_that_names_no_part_is_reported_as_user_or_code()
        {
            using AutotaskClient client = Client(code: "WRONG", apiUri: _server.AutotaskApiUri);

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.ConnectAsync(CancellationToken.None));

            Assert.StartsWith("Autotask", error.ErrorId);
            Assert.Equal(PsaErrorKind.AuthenticationFailed, error.Kind);
            Assert.Equal(0, _server.Counters.Requests(SandboxEndpoints.AutotaskZone));
        }

        [Fact]
        public async Task A_query_over_many_pages_follows_nextPageUrl_and_returns_every_row_once()
        {
            using AutotaskClient client = Client();
            await client.ConnectAsync(CancellationToken.None);
            long before = Requests("Companies");

            var rows = await client.QueryAsync("Companies", Filter.Of(Filter.All()), new[] { "id", "companyName" }, CancellationToken.None);

            Assert.Equal(_server.Companies.Select(c => c.Id).OrderBy(i => i), rows.Select(r => (long)r["id"]!));
            Assert.Equal((_server.Companies.Count + 499) / 500, Requests("Companies") - before);
        }

        [Fact]
        public async Task A_whole_table_is_read_three_pages_at_a_time_with_every_row_once()
        {
            using AutotaskClient client = Client();
            await client.ConnectAsync(CancellationToken.None);
            _server.Faults.LatencyMs = 30; // long enough for the ranges to overlap
            long before = Requests("Companies");

            var rows = await client.QueryAllAsync("Companies", Array.Empty<JObject>(), new[] { "id", "companyName" }, 3, CancellationToken.None);

            Assert.Equal(_server.Companies.Select(c => c.Id).OrderBy(i => i), rows.Select(r => (long)r["id"]!).OrderBy(i => i));
            long pages = _server.Companies.Count / 500 + 1; // every page full but the last
            Assert.Equal(pages + 1, Requests("Companies") - before); // and the count
            Assert.InRange(_server.Counters.MaxConcurrency(SandboxEndpoints.AutotaskEntity("Companies")), 2, 3);
            Assert.Equal(0, _server.Counters.TotalThreadLimitViolations);
        }

        [Fact]
        public async Task A_whole_table_is_converted_page_by_page_while_later_pages_are_on_their_way()
        {
            using AutotaskClient client = Client();
            await client.ConnectAsync(CancellationToken.None);
            // 1,600 rows: one range after the first page, its three pages read one after another. Rounds of 150 ms
            // leave a conversion started on the first page time to begin even on a machine busy with other work.
            _server.Faults.LatencyMs = 150;
            long before = Requests("Companies");
            long requestsAtFirstConversion = -1;

            var names = await client.QueryAllAsync("Companies", Array.Empty<JObject>(), new[] { "id", "companyName" }, 3, row =>
            {
                Interlocked.CompareExchange(ref requestsAtFirstConversion, Requests("Companies") - before, -1);
                return ((long)row["id"]!, (string?)row["companyName"]);
            }, CancellationToken.None);

            Assert.Equal(_server.Companies.OrderBy(c => c.Id).Select(c => (c.Id, (string?)c.CompanyName)), names);
            Assert.InRange(requestsAtFirstConversion, 1, Requests("Companies") - before - 1);
        }

        [Fact]
        public async Task A_row_that_cannot_be_converted_fails_the_whole_read_with_its_error()
        {
            using AutotaskClient client = Client();
            await client.ConnectAsync(CancellationToken.None);
            long unusable = _server.Companies.OrderBy(c => c.Id).ElementAt(1234).Id;
            var planted = new PsaMappingException("AutotaskInvalidResponse", PsaErrorKind.InvalidResponse, "planted");

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.QueryAllAsync("Companies", Array.Empty<JObject>(), new[] { "id" }, 3,
                row => (long)row["id"]! == unusable ? throw planted : (long)row["id"]!, CancellationToken.None));

            Assert.Same(planted, error);
        }

        [Fact]
        public async Task A_table_of_one_page_costs_the_page_and_the_count_sent_together()
        {
            using AutotaskClient client = Client();
            await client.ConnectAsync(CancellationToken.None);
            _server.Faults.LatencyMs = 100;
            long before = Requests("Companies");

            var rows = await client.QueryAllAsync("Companies", new[] { Filter.Eq("companyName", "Contoso") }, new[] { "id" }, 3, CancellationToken.None);

            Assert.Single(rows);
            Assert.Equal(2, Requests("Companies") - before);
            Assert.Equal(2, _server.Counters.MaxConcurrency(SandboxEndpoints.AutotaskEntity("Companies")));
        }

        [Fact]
        public async Task Contracts_of_many_companies_are_fetched_with_in_filters_500_companies_a_query()
        {
            using AutotaskClient client = Client();
            await client.ConnectAsync(CancellationToken.None);
            var directory = new AutotaskDirectory(client);
            var ids = _server.Companies.Select(c => c.Id).Take(1200).ToList();
            long before = Requests("Contracts");

            var contracts = await directory.GetContractsAsync(ids, null, includeCancelled: true, CancellationToken.None);

            var expected = _server.Contracts.Where(c => ids.Contains(c.CompanyId)).Select(c => c.Id).OrderBy(i => i);
            Assert.Equal(expected, contracts.Select(c => c.ContractId));
            long pages = Requests("Contracts") - before;
            Assert.InRange(pages, 3, 3 + 1 + (expected.Count() / 500)); // picklists once, then ~one page per 500 companies
        }

        [Fact]
        public async Task Injected_server_failures_are_retried_and_the_result_is_complete()
        {
            using AutotaskClient client = Client();
            await client.ConnectAsync(CancellationToken.None);
            _server.Faults.Fraction5xx = 0.3;
            _server.Faults.Fraction429 = 0.1;
            _server.Faults.RetryAfterSeconds = 0;

            var rows = await client.QueryAsync("Companies", Filter.Of(Filter.All()), new[] { "id" }, CancellationToken.None);

            Assert.Equal(_server.Companies.Count, rows.Count);
            Assert.True(client.Http.Requests.Retries > 0);
        }

        [Fact]
        public async Task Search_costs_one_request_and_ranks_the_best_match_first()
        {
            using AutotaskClient client = Client();
            await client.ConnectAsync(CancellationToken.None);
            var directory = new AutotaskDirectory(client);
            long before = Requests("Companies");

            var ranked = await directory.SearchCompaniesAsync("fabrikam", includeInactive: false, first: 5, CancellationToken.None);

            Assert.Equal(1, Requests("Companies") - before);
            Assert.Equal("Fabrikam, Inc.", ranked[0].Item.AutotaskCompanyName);
            Assert.All(ranked, r => Assert.True(r.Item.IsActive));
        }
    }

    /// <summary>Answers a real Autotask could give that the sandbox does not, driven by a stub.</summary>
    public sealed class AutotaskProtocolTests
    {
        private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
            new(status) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

        private static AutotaskClient Client(StubHandler handler) =>
            new(new AutotaskCredential("api@example.test", SophosCentralClientTests.Secure("s3cret-value"), SophosCentralClientTests.Secure("INTEGRATIONCODE9")),
                null, new Uri("https://webservices99.autotask.example/ATServicesRest/"), handler,
                new ResilienceOptions { BaseDelay = TimeSpan.Zero, ConcurrencyScope = Guid.NewGuid().ToString() });

        private const string CompanyFields = "{\"fields\":[{\"name\":\"companyType\",\"isPickList\":true,\"picklistValues\":[{\"value\":\"11\",\"label\":\"Customer\"}]}]}";

        // This database numbers its statuses differently: the labels decide, not the numbers.
        private const string ContractFields = "{\"fields\":[" +
            "{\"name\":\"status\",\"isPickList\":true,\"picklistValues\":[{\"value\":\"5\",\"label\":\"Active\"},{\"value\":\"6\",\"label\":\"Inactive\"}]}," +
            "{\"name\":\"contractType\",\"isPickList\":true,\"picklistValues\":[{\"value\":\"2\",\"label\":\"Recurring Service\"},{\"value\":\"7\",\"label\":\"Fixed Price\"}]}]}";

        [Theory]
        [InlineData(500, "{\"errors\":[\"Invalid filter\"]}", false)]
        [InlineData(500, "{\"Message\":\"An error has occurred.\"}", true)]
        [InlineData(500, "<html>Service Unavailable</html>", true)]
        [InlineData(500, "{\"errors\":[\"thread threshold of 3 threads has been exceeded (Itgenatr005)\"]}", true)]
        [InlineData(429, "{\"errors\":[\"too many\"]}", true)]
        [InlineData(503, "{\"errors\":[\"down\"]}", true)]
        [InlineData(400, "{\"errors\":[\"bad\"]}", false)]
        public async Task Only_answers_that_are_not_the_APIs_definitive_word_are_retried(int status, string body, bool transient)
        {
            Assert.Equal(transient, await AutotaskErrors.IsTransientAsync(Json(body, (HttpStatusCode)status)));
        }

        [Fact]
        public async Task Picklist_labels_decide_what_is_active_and_recurring_not_the_numbers()
        {
            var handler = new StubHandler((request, _, _) => Task.FromResult(request.RequestUri!.AbsolutePath switch
            {
                var p when p.EndsWith("Companies/entityInformation/fields", StringComparison.Ordinal) => Json(CompanyFields),
                var p when p.EndsWith("Contracts/entityInformation/fields", StringComparison.Ordinal) => Json(ContractFields),
                _ => Json("{\"items\":[" +
                          "{\"id\":1,\"companyID\":9,\"contractName\":\"A\",\"status\":5,\"contractType\":2,\"endDate\":\"2001-01-31T00:00:00\"}," +
                          "{\"id\":2,\"companyID\":9,\"contractName\":\"B\",\"status\":5,\"contractType\":7,\"endDate\":\"2999-01-31T00:00:00Z\"}]," +
                          "\"pageDetails\":{\"count\":2,\"nextPageUrl\":null}}"),
            }));
            using AutotaskClient client = Client(handler);
            await client.ConnectAsync(CancellationToken.None);

            var contracts = await new AutotaskDirectory(client).GetContractsAsync(new long[] { 9 }, null, false, CancellationToken.None);

            string query = handler.Bodies.Last()!;
            Assert.Contains("\"field\":\"status\",\"value\":[5]", query);
            Assert.True(contracts[0].IsActive && contracts[0].IsExpired && contracts[0].SupportsUsageSync);
            Assert.Equal("Recurring Service", contracts[0].ContractType);
            Assert.False(contracts[1].IsExpired || contracts[1].SupportsUsageSync);
        }

        [Fact]
        public async Task Every_request_carries_the_three_authentication_headers()
        {
            var handler = new StubHandler((_, _, _) => Task.FromResult(Json(CompanyFields)));
            using AutotaskClient client = Client(handler);
            await client.ConnectAsync(CancellationToken.None);

            Assert.Equal(2, handler.Requests.Count); // the credential check and the contract picklists
            Assert.All(handler.Requests, request =>
            {
                Assert.Equal("INTEGRATIONCODE9", request.Headers.GetValues("ApiIntegrationCode").Single());
                Assert.Equal("api@example.test", request.Headers.GetValues("UserName").Single());
                Assert.Equal("s3cret-value", request.Headers.GetValues("Secret").Single());
            });
        }

        [Fact]
        public async Task A_next_page_on_another_host_is_not_followed()
        {
            var handler = new StubHandler((request, _, _) => Task.FromResult(request.RequestUri!.AbsolutePath.EndsWith("fields", StringComparison.Ordinal)
                ? Json(CompanyFields)
                : Json("{\"items\":[{\"id\":1}],\"pageDetails\":{\"nextPageUrl\":\"https://evil.example/ATServicesRest/V1.0/Companies/query/next?paging=x\"}}")));
            using AutotaskClient client = Client(handler);
            await client.ConnectAsync(CancellationToken.None);

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.QueryAsync("Companies", Filter.Of(Filter.All()), null, CancellationToken.None));

            Assert.Equal("AutotaskInvalidResponse", error.ErrorId);
            Assert.DoesNotContain(handler.Requests, r => r.RequestUri!.Host == "evil.example");
        }

        [Fact]
        public async Task A_server_message_that_echoes_a_secret_is_blanked()
        {
            var handler = new StubHandler((_, _, _) => Task.FromResult(Json("{\"errors\":[\"IntegrationCode INTEGRATIONCODE9 is invalid for s3cret-value\"]}", HttpStatusCode.InternalServerError)));
            using AutotaskClient client = Client(handler);

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.ConnectAsync(CancellationToken.None));

            Assert.Equal("AutotaskIntegrationCodeRejected", error.ErrorId);
            Assert.DoesNotContain("INTEGRATIONCODE9", error.Message);
            Assert.DoesNotContain("s3cret-value", error.Message);
        }
    }
}
