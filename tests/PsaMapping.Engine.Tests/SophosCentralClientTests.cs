using System.Globalization;
using System.Net;
using System.Security;
using Microsoft.Extensions.Time.Testing;
using PsaMapping.Engine.Http;
using PsaMapping.Engine.Sophos;
using PsaMapping.Sandbox;

namespace PsaMapping.Engine.Tests
{
    public sealed class SophosCentralClientTests : IAsyncLifetime
    {
        private SandboxServer _server = null!;

        public async Task InitializeAsync() => _server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 1234, Seed = 3 });

        public async Task DisposeAsync() => await _server.DisposeAsync();

        internal static SecureString Secure(string text) => SecretText.ToSecureString(text);

        private SophosCentralClient Client(TimeProvider? time = null, string? secret = null) =>
            new(new ClientCredential(_server.Options.SophosClientId, Secure(secret ?? _server.Options.SophosClientSecret)),
                _server.SophosAuthUri, _server.SophosApiUri, new HttpClientHandler(),
                new ResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(10) }, time);

        [Fact]
        public async Task Listing_every_customer_costs_token_whoami_and_one_request_per_page()
        {
            using SophosCentralClient client = Client();
            await client.ConnectAsync(CancellationToken.None);
            IReadOnlyList<SophosCustomer> customers = await client.GetCustomersAsync(false, null, CancellationToken.None);

            Assert.Equal(_server.Tenants.Select(t => t.Id), customers.Select(c => c.SophosCustomerId));
            SandboxTenant tenant = _server.Tenants[0];
            Assert.Equal((tenant.Name, tenant.ShowAs, tenant.DataRegion, tenant.DataGeography, tenant.BillingType, tenant.ApiHost),
                (customers[0].SophosCustomerName, customers[0].ShowAs, customers[0].DataRegion, customers[0].DataGeography, customers[0].BillingType, customers[0].ApiHost));
            Assert.Equal(1, _server.Counters.Requests(SandboxEndpoints.SophosToken));
            Assert.Equal(1, _server.Counters.Requests(SandboxEndpoints.SophosWhoAmI));
            Assert.Equal(13, _server.Counters.Requests(SandboxEndpoints.SophosTenants)); // 1234 customers, 100 a page
            Assert.Equal(15, client.Http.Requests.Total);
        }

        [Fact]
        public async Task Pages_after_the_first_are_fetched_concurrently_within_the_limit()
        {
            _server.Faults.LatencyMs = 50;
            using SophosCentralClient client = Client();
            await client.ConnectAsync(CancellationToken.None);
            await client.GetCustomersAsync(false, null, CancellationToken.None);

            int concurrency = _server.Counters.MaxConcurrency(SandboxEndpoints.SophosTenants);
            Assert.InRange(concurrency, 2, new ResilienceOptions().ConcurrencyPerEndpoint);
        }

        [Fact]
        public async Task The_token_is_renewed_shortly_before_it_expires()
        {
            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            using SophosCentralClient client = Client(time);
            SophosConnection connection = await client.ConnectAsync(CancellationToken.None);
            Assert.Equal(time.GetUtcNow().AddSeconds(3600), connection.TokenExpiresAt);

            time.Advance(TimeSpan.FromSeconds(3400));
            await client.GetCustomerAsync(_server.Tenants[0].Id, CancellationToken.None);
            Assert.Equal(1, _server.Counters.Requests(SandboxEndpoints.SophosToken));

            time.Advance(TimeSpan.FromSeconds(150)); // now inside the last two minutes
            await client.GetCustomerAsync(_server.Tenants[0].Id, CancellationToken.None);
            Assert.Equal(2, _server.Counters.Requests(SandboxEndpoints.SophosToken));
            Assert.Equal(time.GetUtcNow().AddSeconds(3600), client.Connection!.TokenExpiresAt);
        }

        [Fact]
        public async Task Concurrent_requests_with_an_expiring_token_share_one_renewal()
        {
            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            using SophosCentralClient client = Client(time);
            await client.ConnectAsync(CancellationToken.None);
            time.Advance(TimeSpan.FromSeconds(3590));

            await Task.WhenAll(_server.Tenants.Take(8).Select(t => client.GetCustomerAsync(t.Id, CancellationToken.None)));

            Assert.Equal(2, _server.Counters.Requests(SandboxEndpoints.SophosToken));
        }

        [Fact]
        public async Task A_rejected_secret_says_so_and_never_contains_it()
        {
            const string canary = "canary-secret-8d1e";
            using SophosCentralClient client = Client(secret: canary);

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.ConnectAsync(CancellationToken.None));

            Assert.Equal("SophosAuthenticationFailed", error.ErrorId);
            Assert.Contains("secret was rejected", error.Message);
            Assert.DoesNotContain(canary, error.ToString());
        }

        [Fact]
        public async Task Get_customer_by_unknown_id_returns_null()
        {
            using SophosCentralClient client = Client();
            await client.ConnectAsync(CancellationToken.None);

            Assert.Null(await client.GetCustomerAsync(Guid.NewGuid(), CancellationToken.None));
            Assert.Equal(_server.Tenants[5].Name, (await client.GetCustomerAsync(_server.Tenants[5].Id, CancellationToken.None))!.SophosCustomerName);
        }

        [Fact]
        public async Task Calls_before_connecting_say_to_connect()
        {
            using SophosCentralClient client = Client();

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.GetCustomerAsync(Guid.NewGuid(), CancellationToken.None));
            Assert.Equal("SophosNotConnected", error.ErrorId);
        }
    }

    /// <summary>Cases a real server could produce that the sandbox does not, driven by a stub.</summary>
    public sealed class SophosCentralClientProtocolTests
    {
        private const string PartnerId = "6f0d1e2a-5b0c-4a4e-9b7e-0a1b2c3d4e5f";

        private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
            new(status) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

        private static SophosCentralClient Client(StubHandler handler) =>
            new(new ClientCredential("client", SophosCentralClientTests.Secure("secret")),
                new Uri("https://id.example.test"), new Uri("https://api.example.test"), handler,
                new ResilienceOptions { BaseDelay = TimeSpan.Zero });

        private static Task<HttpResponseMessage> Answer(HttpRequestMessage request, Func<string, HttpResponseMessage?>? special = null)
        {
            string path = request.RequestUri!.AbsolutePath;
            HttpResponseMessage? answer = special?.Invoke(request.RequestUri.ToString());
            if (answer != null) return Task.FromResult(answer);
            return Task.FromResult(path switch
            {
                "/api/v2/oauth2/token" => Json("{\"access_token\":\"t1\",\"token_type\":\"Bearer\",\"expires_in\":3600}"),
                "/whoami/v1" => Json("{\"id\":\"" + PartnerId + "\",\"idType\":\"partner\",\"apiHosts\":{\"global\":\"https://global.example.test/\"}}"),
                _ => Json("{\"items\":[{\"id\":\"11111111-1111-1111-1111-111111111111\",\"name\":\"Only\",\"unknownField\":{\"x\":1}}],\"pages\":{\"current\":1,\"total\":1}}"),
            });
        }

        [Fact]
        public async Task Partner_calls_go_to_the_global_host_named_by_whoami_with_the_partner_header()
        {
            var handler = new StubHandler((request, _, _) => Answer(request));
            using SophosCentralClient client = Client(handler);
            await client.ConnectAsync(CancellationToken.None);
            var customers = await client.GetCustomersAsync(false, null, CancellationToken.None);

            HttpRequestMessage tenants = handler.Requests.Last();
            Assert.Equal("global.example.test", tenants.RequestUri!.Host);
            Assert.Equal("/partner/v1/tenants", tenants.RequestUri.AbsolutePath);
            Assert.Contains("pageTotal=true", tenants.RequestUri.Query);
            Assert.Contains("pageSize=100", tenants.RequestUri.Query);
            Assert.Equal(PartnerId, tenants.Headers.GetValues("X-Partner-ID").Single());
            Assert.Equal("Bearer t1", tenants.Headers.Authorization!.ToString());
            Assert.Equal("Only", Assert.Single(customers).SophosCustomerName);
        }

        [Fact]
        public async Task The_token_request_is_a_client_credentials_form()
        {
            var handler = new StubHandler((request, _, _) => Answer(request));
            using SophosCentralClient client = Client(handler);
            await client.ConnectAsync(CancellationToken.None);

            string body = handler.Bodies.First()!;
            Assert.Equal("grant_type=client_credentials&client_id=client&client_secret=secret&scope=token", body);
            Assert.Equal("application/x-www-form-urlencoded", handler.Requests.First().Content!.Headers.ContentType!.MediaType);
        }

        [Fact]
        public async Task A_401_on_a_call_gets_one_new_token_and_one_more_try()
        {
            int whoamiCalls = 0;
            var handler = new StubHandler((request, _, _) => Answer(request, uri =>
                uri.EndsWith("/whoami/v1", StringComparison.Ordinal) && Interlocked.Increment(ref whoamiCalls) == 1 ? Json("{\"error\":\"Unauthorized\"}", HttpStatusCode.Unauthorized) : null));
            using SophosCentralClient client = Client(handler);

            await client.ConnectAsync(CancellationToken.None);

            Assert.Equal(2, handler.Requests.Count(r => r.RequestUri!.AbsolutePath == "/api/v2/oauth2/token"));
            Assert.Equal(2, whoamiCalls);
        }

        [Theory]
        [InlineData("tenant")]
        [InlineData("organization")]
        public async Task Credentials_that_are_not_a_partners_are_refused(string idType)
        {
            var handler = new StubHandler((request, _, _) => Answer(request, uri => uri.EndsWith("/whoami/v1", StringComparison.Ordinal)
                ? Json("{\"id\":\"" + PartnerId + "\",\"idType\":\"" + idType + "\",\"apiHosts\":{\"global\":\"https://api.example.test\",\"dataRegion\":\"https://api-eu01.example.test\"}}")
                : null));
            using SophosCentralClient client = Client(handler);

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.ConnectAsync(CancellationToken.None));
            Assert.Equal("SophosNotPartnerCredential", error.ErrorId);
            Assert.Contains(idType + " credentials", error.Message);
        }

        [Fact]
        public async Task A_global_host_over_plain_http_is_refused()
        {
            var handler = new StubHandler((request, _, _) => Answer(request, uri => uri.EndsWith("/whoami/v1", StringComparison.Ordinal)
                ? Json("{\"id\":\"" + PartnerId + "\",\"idType\":\"partner\",\"apiHosts\":{\"global\":\"http://evil.example.test\"}}")
                : null));
            using SophosCentralClient client = Client(handler);

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.ConnectAsync(CancellationToken.None));
            Assert.Equal("InsecureUri", error.ErrorId);
        }

        [Theory]
        [InlineData("<html><body>Bad gateway</body></html>", "HTML page")]
        [InlineData("{\"items\":[{\"id\":\"11111111-1111-1111-1111-111111111111\"", "could not be read")]
        [InlineData("{\"items\":[{\"name\":\"no id\"}]}", "could not be read")]
        [InlineData("{\"pages\":{}}", "could not be read")]
        [InlineData("", "empty")]
        public async Task An_unreadable_tenant_page_is_a_clear_invalid_response_error(string body, string expected)
        {
            var handler = new StubHandler((request, _, _) => Answer(request, uri => uri.Contains("/partner/v1/tenants") ? Json(body) : null));
            using SophosCentralClient client = Client(handler);
            await client.ConnectAsync(CancellationToken.None);

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.GetCustomersAsync(false, null, CancellationToken.None));
            Assert.Equal("SophosInvalidResponse", error.ErrorId);
            Assert.Contains(expected, error.Message);
        }

        [Fact]
        public async Task A_403_says_to_check_the_credentials_role()
        {
            var handler = new StubHandler((request, _, _) => Answer(request, uri => uri.Contains("/partner/v1/tenants")
                ? Json("{\"error\":\"Forbidden\",\"message\":\"Access denied\",\"requestId\":\"r-1\"}", HttpStatusCode.Forbidden)
                : null));
            using SophosCentralClient client = Client(handler);
            await client.ConnectAsync(CancellationToken.None);

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.GetCustomersAsync(false, null, CancellationToken.None));
            Assert.Equal("SophosForbidden", error.ErrorId);
            Assert.Contains("request id r-1", error.Message);
        }

        [Fact]
        public async Task Without_a_page_total_it_reads_on_until_a_short_page()
        {
            var handler = new StubHandler((request, _, _) => Answer(request, uri =>
            {
                if (!uri.Contains("/partner/v1/tenants")) return null;
                int page = int.Parse(System.Web.HttpUtility.ParseQueryString(new Uri(uri).Query)["page"]!, CultureInfo.InvariantCulture);
                int count = page < 3 ? 100 : 7;
                var items = Enumerable.Range(0, count).Select(i => $"{{\"id\":\"{Guid.NewGuid()}\",\"name\":\"C{page}-{i}\"}}");
                return Json("{\"items\":[" + string.Join(",", items) + "]}");
            }));
            using SophosCentralClient client = Client(handler);
            await client.ConnectAsync(CancellationToken.None);

            var customers = await client.GetCustomersAsync(false, null, CancellationToken.None);
            Assert.Equal(207, customers.Count);
        }

        [Fact]
        public async Task Usage_items_with_an_empty_or_missing_account_have_no_customer_id()
        {
            var handler = new StubHandler((request, _, _) => Answer(request, uri => uri.Contains("/billing/usage/2026/03") ? Json(
                "{\"items\":[{\"accountId\":\"\",\"productCode\":\"CIXA\",\"billableQuantity\":2}," +
                "{\"productCode\":\"CIXA\",\"billableQuantity\":3}," +
                "{\"accountId\":\"11111111-1111-1111-1111-111111111111\",\"productCode\":\" CEMAIL \",\"billableQuantity\":4.0,\"unitPrice\":\"1.90\"}]," +
                "\"pages\":{\"size\":100}}") : null));
            using SophosCentralClient client = Client(handler);
            await client.ConnectAsync(CancellationToken.None);

            SophosUsageReport report = await client.GetUsageAsync(2026, 3, false, null, CancellationToken.None);

            Assert.Equal(new Guid?[] { null, null, Guid.Parse("11111111-1111-1111-1111-111111111111") }, report.Items.Select(i => i.SophosCustomerId));
            Assert.Equal("CEMAIL", report.Items[2].ProductCode);
            Assert.Equal("1.90", report.Items[2].UnitPrice);
            Assert.Equal("/partner/v1/billing/usage/2026/03", handler.Requests.Last().RequestUri!.AbsolutePath);
        }

        [Fact]
        public async Task Usage_key_paging_that_repeats_a_key_stops_with_an_error_instead_of_looping()
        {
            var handler = new StubHandler((request, _, _) => Answer(request, uri => uri.Contains("/billing/usage/")
                ? Json("{\"items\":[{\"productCode\":\"CIXA\",\"billableQuantity\":1}],\"pages\":{\"nextKey\":\"same\"}}")
                : null));
            using SophosCentralClient client = Client(handler);
            await client.ConnectAsync(CancellationToken.None);

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.GetUsageAsync(2026, 3, false, null, CancellationToken.None));

            Assert.Equal("SophosInvalidResponse", error.ErrorId);
            Assert.Equal(2, handler.Requests.Count(r => r.RequestUri!.AbsolutePath.Contains("/billing/usage/")));
        }
    }
}
