using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using PsaMapping.Sandbox;
using Xunit;

namespace PsaMapping.Engine.Tests
{
    /// <summary>The sandbox behaves like Sophos Central as documented, with plain HttpClient calls.</summary>
    public sealed class SandboxTests : IClassFixture<SandboxTests.Fixture>
    {
        /// <summary>One untouched server for the read-only tests; tests that change faults start their own.</summary>
        public sealed class Fixture : IAsyncLifetime
        {
            public SandboxServer Server { get; private set; } = null!;
            public Task InitializeAsync() => StartAsync();
            public async Task DisposeAsync() => await Server.DisposeAsync();
            private async Task StartAsync() => Server = await SandboxServer.StartAsync();
        }

        private readonly SandboxServer _server;

        public SandboxTests(Fixture fixture) => _server = fixture.Server;

        // ---------- token ----------

        [Fact]
        public async Task Token_with_partner_credentials_returns_a_bearer_token_with_the_configured_lifetime()
        {
            using var http = Client(_server);
            using var response = await RequestTokenAsync(http, "sandbox-partner-client", "sandbox-partner-secret");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = await JsonAsync(response);
            var root = json.RootElement;
            Assert.Equal(3, root.GetProperty("access_token").GetString()!.Split('.').Length); // JWT-looking
            Assert.Equal("Bearer", root.GetProperty("token_type").GetString());
            Assert.Equal(3600, root.GetProperty("expires_in").GetInt32());
            Assert.False(string.IsNullOrEmpty(root.GetProperty("refresh_token").GetString()));
            Assert.Equal("success", root.GetProperty("errorCode").GetString());
            Assert.True(Guid.TryParse(root.GetProperty("trackingId").GetString(), out _));
        }

        [Fact]
        public async Task Token_with_unknown_client_id_is_401_invalid_client_id()
        {
            using var http = Client(_server);
            using var response = await RequestTokenAsync(http, "nobody", "sandbox-partner-secret");

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            using var json = await JsonAsync(response);
            Assert.Equal("oauth.invalid_client_id", json.RootElement.GetProperty("errorCode").GetString());
            Assert.Equal("Unauthorized", json.RootElement.GetProperty("message").GetString());
            Assert.True(Guid.TryParse(json.RootElement.GetProperty("trackingId").GetString(), out _));
        }

        [Fact]
        public async Task Token_with_wrong_secret_is_401_invalid_client_secret()
        {
            using var http = Client(_server);
            using var response = await RequestTokenAsync(http, "sandbox-partner-client", "wrong");

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            using var json = await JsonAsync(response);
            Assert.Equal("oauth.invalid_client_secret", json.RootElement.GetProperty("errorCode").GetString());
        }

        [Fact]
        public async Task Token_with_another_grant_type_is_400_with_an_error_code()
        {
            using var http = Client(_server);
            using var response = await http.PostAsync("api/v2/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "password",
                ["client_id"] = "sandbox-partner-client",
                ["client_secret"] = "sandbox-partner-secret",
            }));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using var json = await JsonAsync(response);
            Assert.StartsWith("oauth.", json.RootElement.GetProperty("errorCode").GetString());
        }

        // ---------- whoami ----------

        [Fact]
        public async Task WhoAmI_with_partner_token_returns_the_partner_id_and_global_host_without_data_region()
        {
            using var http = Client(_server);
            string token = await TokenAsync(http);

            using var response = await SendAsync(http, "whoami/v1", token, partnerId: null);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = await JsonAsync(response);
            var root = json.RootElement;
            Assert.Equal(_server.Options.PartnerId, root.GetProperty("id").GetGuid());
            Assert.Equal("partner", root.GetProperty("idType").GetString());
            var hosts = root.GetProperty("apiHosts");
            Assert.Equal(_server.SophosApiUri.ToString().TrimEnd('/'), hosts.GetProperty("global").GetString());
            Assert.False(hosts.TryGetProperty("dataRegion", out _));
        }

        [Fact]
        public async Task WhoAmI_with_tenant_token_returns_idType_tenant_with_a_data_region()
        {
            using var http = Client(_server);
            string token = await TokenAsync(http, "sandbox-tenant-client", "sandbox-tenant-secret");

            using var response = await SendAsync(http, "whoami/v1", token, partnerId: null);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = await JsonAsync(response);
            Assert.Equal("tenant", json.RootElement.GetProperty("idType").GetString());
            Assert.NotEqual(_server.Options.PartnerId, json.RootElement.GetProperty("id").GetGuid());
            Assert.True(json.RootElement.GetProperty("apiHosts").TryGetProperty("dataRegion", out _));
        }

        [Fact]
        public async Task WhoAmI_without_token_is_401_with_the_Sophos_error_body()
        {
            using var http = Client(_server);
            using var response = await http.GetAsync("whoami/v1");

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            await AssertSophosErrorBodyAsync(response);
        }

        [Fact]
        public async Task WhoAmI_with_an_unknown_token_is_401()
        {
            using var http = Client(_server);
            using var response = await SendAsync(http, "whoami/v1", "not-a-token", partnerId: null);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // ---------- tenants ----------

        [Fact]
        public async Task Tenants_with_pageTotal_report_total_pages_and_items_and_cover_every_tenant_once_in_seed_order()
        {
            using var http = Client(_server);
            string token = await TokenAsync(http);
            var ids = new List<Guid>();
            int totalPages = int.MaxValue;

            for (int page = 1; page <= totalPages; page++)
            {
                using var response = await SendAsync(http, $"partner/v1/tenants?page={page}&pageSize=100&pageTotal=true", token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                using var json = await JsonAsync(response);
                var pages = json.RootElement.GetProperty("pages");
                Assert.Equal(page, pages.GetProperty("current").GetInt32());
                Assert.Equal(100, pages.GetProperty("size").GetInt32());
                Assert.Equal(100, pages.GetProperty("maxSize").GetInt32());
                Assert.Equal(_server.Tenants.Count, pages.GetProperty("items").GetInt32());
                totalPages = pages.GetProperty("total").GetInt32();
                ids.AddRange(json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
            }

            Assert.Equal(3, totalPages); // 250 tenants in pages of 100
            Assert.Equal(_server.Tenants.Select(t => t.Id), ids);
        }

        [Fact]
        public async Task Tenants_without_pageTotal_use_pages_of_50_and_omit_total_and_items()
        {
            using var http = Client(_server);
            string token = await TokenAsync(http);

            using var response = await SendAsync(http, "partner/v1/tenants", token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = await JsonAsync(response);
            var pages = json.RootElement.GetProperty("pages");
            Assert.Equal(1, pages.GetProperty("current").GetInt32());
            Assert.Equal(50, pages.GetProperty("size").GetInt32());
            Assert.False(pages.TryGetProperty("total", out _));
            Assert.False(pages.TryGetProperty("items", out _));
            Assert.Equal(50, json.RootElement.GetProperty("items").GetArrayLength());
        }

        [Theory]
        [InlineData("pageSize=101")]
        [InlineData("pageSize=0")]
        [InlineData("page=0")]
        [InlineData("page=abc")]
        public async Task Tenants_with_an_invalid_page_or_page_size_is_400(string query)
        {
            using var http = Client(_server);
            string token = await TokenAsync(http);

            using var response = await SendAsync(http, "partner/v1/tenants?" + query, token);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            await AssertSophosErrorBodyAsync(response);
        }

        [Fact]
        public async Task Tenants_page_past_the_end_is_empty()
        {
            using var http = Client(_server);
            string token = await TokenAsync(http);

            using var response = await SendAsync(http, "partner/v1/tenants?page=99&pageSize=100", token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = await JsonAsync(response);
            Assert.Equal(0, json.RootElement.GetProperty("items").GetArrayLength());
        }

        [Fact]
        public async Task Tenants_with_a_wrong_or_missing_partner_id_are_403()
        {
            using var http = Client(_server);
            string token = await TokenAsync(http);

            using var wrong = await SendAsync(http, "partner/v1/tenants", token, partnerId: Guid.NewGuid().ToString());
            using var missing = await SendAsync(http, "partner/v1/tenants", token, partnerId: null);

            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
            await AssertSophosErrorBodyAsync(wrong);
            Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        }

        [Fact]
        public async Task Tenants_with_a_tenant_level_token_are_403()
        {
            using var http = Client(_server);
            string token = await TokenAsync(http, "sandbox-tenant-client", "sandbox-tenant-secret");

            using var response = await SendAsync(http, "partner/v1/tenants", token);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        [Fact]
        public async Task Tenant_by_id_returns_the_full_tenant_object()
        {
            using var http = Client(_server);
            string token = await TokenAsync(http);
            var expected = _server.Tenants[3];

            using var response = await SendAsync(http, $"partner/v1/tenants/{expected.Id}", token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = await JsonAsync(response);
            var t = json.RootElement;
            Assert.Equal(expected.Id, t.GetProperty("id").GetGuid());
            Assert.Equal("Müller Maschinenbau GmbH", t.GetProperty("name").GetString());
            Assert.Equal(expected.ShowAs, t.GetProperty("showAs").GetString());
            Assert.Equal(expected.DataGeography, t.GetProperty("dataGeography").GetString());
            Assert.Equal(expected.DataRegion, t.GetProperty("dataRegion").GetString());
            Assert.Equal(expected.BillingType, t.GetProperty("billingType").GetString());
            Assert.Equal(_server.Options.PartnerId, t.GetProperty("partner").GetProperty("id").GetGuid());
            Assert.Equal(expected.OrganizationId, t.GetProperty("organization").GetProperty("id").GetGuid());
            Assert.Equal($"https://api-{expected.DataRegion}.central.sophos.com", t.GetProperty("apiHost").GetString());
            Assert.Equal("active", t.GetProperty("status").GetString()); // an extra field clients must tolerate
        }

        [Fact]
        public async Task Tenant_by_unknown_id_is_404_and_by_a_non_guid_is_400()
        {
            using var http = Client(_server);
            string token = await TokenAsync(http);

            using var unknown = await SendAsync(http, $"partner/v1/tenants/{Guid.NewGuid()}", token);
            using var notGuid = await SendAsync(http, "partner/v1/tenants/contoso", token);

            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            await AssertSophosErrorBodyAsync(unknown);
            Assert.Equal(HttpStatusCode.BadRequest, notGuid.StatusCode);
        }

        [Fact]
        public async Task Unknown_route_is_404_with_the_Sophos_error_body()
        {
            using var http = Client(_server);
            using var response = await http.GetAsync("partner/v1/nothing-here");

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            await AssertSophosErrorBodyAsync(response);
        }

        [Fact]
        public async Task Some_tenants_are_not_activated_and_have_a_null_apiHost()
        {
            using var http = Client(_server);
            string token = await TokenAsync(http);
            var notActivated = _server.Tenants.First(t => t.ApiHost is null);

            using var response = await SendAsync(http, $"partner/v1/tenants/{notActivated.Id}", token);

            using var json = await JsonAsync(response);
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("apiHost").ValueKind);
            Assert.InRange(_server.Tenants.Count(t => t.ApiHost is null), 1, _server.Tenants.Count / 10);
        }

        // ---------- token expiry ----------

        [Fact]
        public async Task A_token_past_its_injected_short_lifetime_is_refused_with_401()
        {
            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var options = new SandboxOptions { TenantCount = 5, TimeProvider = time };
            options.Faults.TokenLifetimeSeconds = 1;
            await using var server = await SandboxServer.StartAsync(options);
            using var http = Client(server);
            string token = await TokenAsync(http);
            using (var fresh = await SendAsync(http, "whoami/v1", token, partnerId: null))
            {
                Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
            }

            time.Advance(TimeSpan.FromSeconds(1));

            using var expired = await SendAsync(http, "whoami/v1", token, partnerId: null);
            Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
            await AssertSophosErrorBodyAsync(expired);
        }

        [Fact]
        public async Task Token_expiry_follows_the_configured_TimeProvider()
        {
            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 5, TimeProvider = time });
            using var http = Client(server);
            string token = await TokenAsync(http);

            time.Advance(TimeSpan.FromSeconds(3599));
            using (var justValid = await SendAsync(http, "whoami/v1", token, partnerId: null))
            {
                Assert.Equal(HttpStatusCode.OK, justValid.StatusCode);
            }
            time.Advance(TimeSpan.FromSeconds(1));
            using var expired = await SendAsync(http, "whoami/v1", token, partnerId: null);
            Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        }

        // ---------- data ----------

        [Fact]
        public async Task Same_seed_gives_identical_tenants_and_another_seed_does_not()
        {
            await using var a = await SandboxServer.StartAsync(new SandboxOptions { Seed = 7, TenantCount = 500 });
            await using var b = await SandboxServer.StartAsync(new SandboxOptions { Seed = 7, TenantCount = 500 });
            await using var c = await SandboxServer.StartAsync(new SandboxOptions { Seed = 8, TenantCount = 500 });

            Assert.Equal(a.Tenants, b.Tenants); // records: ids, names, regions... all equal
            Assert.NotEqual(a.Tenants.Select(t => t.Id), c.Tenants.Select(t => t.Id));
            Assert.NotEqual(a.Tenants.Skip(20).Select(t => t.Name), c.Tenants.Skip(20).Select(t => t.Name));
        }

        [Fact]
        public void First_tenants_are_the_well_known_names_in_order()
        {
            string[] expected =
            [
                "Contoso Ltd", "Fabrikam, Inc.", "Fabrikam Residences", "Müller Maschinenbau GmbH", "Northwind Traders S.A.",
                "Tailspin Toys Pty Ltd", "Wide World Importers B.V.", "Adventure Works LLC",
                "Société Générale d'Électricité SARL", "Old Customer Ltd",
            ];

            Assert.Equal(expected, _server.Tenants.Take(expected.Length).Select(t => t.Name));
            Assert.All(_server.Tenants.Take(expected.Length), t => Assert.NotNull(t.ApiHost));
        }

        [Fact]
        public async Task Ten_thousand_tenants_have_unique_names_and_ids_and_realistic_variety()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 10_000 });
            var tenants = server.Tenants;

            Assert.Equal(10_000, tenants.Count);
            Assert.Equal(tenants.Count, tenants.Select(t => t.Id).Distinct().Count());
            Assert.Equal(tenants.Count, tenants.Select(t => t.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
            Assert.Contains(tenants, t => t.Name.Any(ch => ch > 127));            // accents
            foreach (string mark in new[] { "&", "'", ",", "-", "." })
            {
                Assert.Contains(tenants, t => t.Name.Contains(mark));
            }
            foreach (string suffix in new[] { " Ltd", " LLC", " Inc.", " GmbH", " AG", " S.A.", " SARL", " B.V.", " Pty Ltd", " S.r.l.", " AB", " Oy", " KG" })
            {
                Assert.Contains(tenants, t => t.Name.EndsWith(suffix, StringComparison.Ordinal));
            }
            Assert.Contains(tenants, t => t.ShowAs != t.Name);
            Assert.Equal(new[] { "term", "trial", "usage" }, tenants.Select(t => t.BillingType).Distinct().Order());
            Assert.True(tenants.Count(t => t.BillingType == "usage") > tenants.Count / 2);
            Assert.All(tenants.Where(t => t.ApiHost is not null), t => Assert.Contains(t.DataRegion, t.ApiHost));
        }

        [Fact]
        public void Near_duplicate_names_exist_beside_the_originals()
        {
            var names = _server.Tenants.Select(t => t.Name).ToHashSet();

            Assert.Contains("Contoso Ltd.", names);
            Assert.Contains("Contoso Group Ltd", names);
            Assert.Contains(_server.World.Organizations, o => o.SimilarTo is int i && i >= 14); // generated ones too
        }

        [Fact]
        public void Server_listens_on_loopback_only()
        {
            Assert.Equal("127.0.0.1", _server.BaseUri.Host);
            Assert.NotEqual(0, _server.BaseUri.Port);
            Assert.EndsWith("/", _server.BaseUri.ToString());
        }

        // ---------- faults and counters ----------

        [Fact]
        public async Task Fraction429_of_one_answers_429_with_Retry_After_and_counts_the_fault()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 5 });
            using var http = Client(server);
            string token = await TokenAsync(http);
            server.Faults.Fraction429 = 1;
            server.Faults.RetryAfterSeconds = 7;

            using var response = await SendAsync(http, "partner/v1/tenants", token);

            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
            await AssertSophosErrorBodyAsync(response);
            Assert.Equal(1, server.Counters.Faults("429"));
            Assert.Equal(1, server.Counters.Requests(SandboxEndpoints.SophosTenants)); // counted although faulted
        }

        [Fact]
        public async Task Fraction5xx_of_one_answers_500_502_or_503()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 5 });
            using var http = Client(server);
            string token = await TokenAsync(http);
            server.Faults.Fraction5xx = 1;

            for (int i = 0; i < 10; i++)
            {
                using var response = await SendAsync(http, "partner/v1/tenants", token);
                Assert.Contains((int)response.StatusCode, new[] { 500, 502, 503 });
            }
            Assert.Equal(10, server.Counters.Faults("5xx"));
        }

        [Fact]
        public async Task AlwaysFailStatus_fails_every_request_including_the_token_endpoint()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 5 });
            using var http = Client(server);
            string token = await TokenAsync(http);
            server.Faults.AlwaysFailStatus = 503;

            using var tokenResponse = await RequestTokenAsync(http, "sandbox-partner-client", "sandbox-partner-secret");
            using var whoAmI = await SendAsync(http, "whoami/v1", token, partnerId: null);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, tokenResponse.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, whoAmI.StatusCode);
            Assert.Equal(2, server.Counters.Faults("always"));

            server.Faults.AlwaysFailStatus = null; // and it recovers when told to
            using var recovered = await SendAsync(http, "whoami/v1", token, partnerId: null);
            Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        }

        [Fact]
        public async Task FractionDropped_of_one_aborts_the_connection_without_a_response()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 5 });
            using var http = Client(server);
            server.Faults.FractionDropped = 1;

            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("whoami/v1"));
            Assert.Equal(1, server.Counters.Faults("dropped"));
        }

        [Fact]
        public async Task Counters_count_requests_per_endpoint_and_the_peak_concurrency()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 5 });
            using var http = Client(server);
            string token = await TokenAsync(http);
            server.Faults.LatencyMs = 300; // long enough for the parallel requests to overlap

            var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => SendAsync(http, "partner/v1/tenants", token)));
            foreach (var r in responses) r.Dispose();

            Assert.Equal(1, server.Counters.Requests(SandboxEndpoints.SophosToken));
            Assert.Equal(6, server.Counters.Requests(SandboxEndpoints.SophosTenants));
            Assert.Equal(0, server.Counters.Requests(SandboxEndpoints.SophosWhoAmI));
            Assert.Equal(7, server.Counters.TotalRequests);
            Assert.Equal(6, server.Counters.RequestsByEndpoint[SandboxEndpoints.SophosTenants]);
            Assert.InRange(server.Counters.MaxConcurrency(SandboxEndpoints.SophosTenants), 2, 6);
            Assert.Equal(1, server.Counters.MaxConcurrency(SandboxEndpoints.SophosToken));

            server.Counters.Reset();
            Assert.Equal(0, server.Counters.TotalRequests);
            Assert.Equal(0, server.Counters.MaxConcurrency(SandboxEndpoints.SophosTenants));
        }

        // ---------- helpers ----------

        private static HttpClient Client(SandboxServer server) => new() { BaseAddress = server.BaseUri };

        private static Task<HttpResponseMessage> RequestTokenAsync(HttpClient http, string clientId, string secret) =>
            http.PostAsync("api/v2/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = secret,
                ["scope"] = "token",
            }));

        private static async Task<string> TokenAsync(
            HttpClient http, string clientId = "sandbox-partner-client", string secret = "sandbox-partner-secret")
        {
            using var response = await RequestTokenAsync(http, clientId, secret);
            response.EnsureSuccessStatusCode();
            using var json = await JsonAsync(response);
            return json.RootElement.GetProperty("access_token").GetString()!;
        }

        /// <summary>A GET with the bearer token and, unless null, an X-Partner-ID (the sandbox's own by default).</summary>
        private Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string token, string? partnerId = "")
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (partnerId is not null)
            {
                request.Headers.Add("X-Partner-ID", partnerId.Length == 0 ? _server.Options.PartnerId.ToString() : partnerId);
            }
            return http.SendAsync(request);
        }

        private static async Task<JsonDocument> JsonAsync(HttpResponseMessage response) =>
            JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        private static async Task AssertSophosErrorBodyAsync(HttpResponseMessage response)
        {
            using var json = await JsonAsync(response);
            var root = json.RootElement;
            foreach (string field in new[] { "error", "message", "code", "createdAt", "docUrl" })
            {
                Assert.False(string.IsNullOrEmpty(root.GetProperty(field).GetString()), $"{field} is empty");
            }
            Assert.True(Guid.TryParse(root.GetProperty("correlationId").GetString(), out _));
            Assert.True(Guid.TryParse(root.GetProperty("requestId").GetString(), out _));
            Assert.True(DateTimeOffset.TryParse(root.GetProperty("createdAt").GetString(), out _));
        }
    }
}
