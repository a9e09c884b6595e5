using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json.Linq;
using PsaMapping.Sandbox;

namespace PsaMapping.Engine.Tests.Billing
{
    /// <summary>The sandbox's usage billing, held to shared/reference ("Usage billing" in both files) over plain HTTP.</summary>
    public sealed class UsageBillingSandboxTests : IAsyncLifetime, IDisposable
    {
        private SandboxServer _server = null!;
        private readonly HttpClient _http = new();

        public async Task InitializeAsync() => _server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 120, CompanyCount = 200, Seed = 23 });

        public async Task DisposeAsync() => await _server.DisposeAsync();

        public void Dispose() => _http.Dispose();

        private DateTime LastMonth => _server.Billing.ThisMonth.AddMonths(-1);

        private async Task<HttpResponseMessage> SophosGetAsync(string pathAndQuery)
        {
            using var tokenResponse = await _http.PostAsync(new Uri(_server.SophosAuthUri, "api/v2/oauth2/token"), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = _server.Options.SophosClientId,
                ["client_secret"] = _server.Options.SophosClientSecret, ["scope"] = "token",
            }));
            string token = (string)JObject.Parse(await tokenResponse.Content.ReadAsStringAsync())["access_token"]!;
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.SophosApiUri, pathAndQuery));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("X-Partner-ID", _server.Options.PartnerId.ToString());
            return await _http.SendAsync(request);
        }

        private Task<HttpResponseMessage> AutotaskAsync(HttpMethod method, string path, object? body = null)
        {
            var request = new HttpRequestMessage(method, new Uri(_server.AutotaskApiUri, "V1.0/" + path));
            request.Headers.Add("ApiIntegrationCode", _server.Options.AutotaskIntegrationCode);
            request.Headers.Add("UserName", _server.Options.AutotaskUserName);
            request.Headers.Add("Secret", _server.Options.AutotaskSecret);
            if (body != null) request.Content = new StringContent(JObject.FromObject(body).ToString(), Encoding.UTF8, "application/json");
            return _http.SendAsync(request);
        }

        private static string UsagePath(DateTime month) => $"partner/v1/billing/usage/{month:yyyy}/{month:MM}";

        [Fact]
        public async Task The_usage_month_is_zero_padded_in_the_path()
        {
            using var padded = await SophosGetAsync(UsagePath(LastMonth));
            using var bare = await SophosGetAsync($"partner/v1/billing/usage/{LastMonth.Year}/{LastMonth.Month}");

            Assert.Equal(HttpStatusCode.OK, padded.StatusCode);
            Assert.Equal(LastMonth.Month < 10 ? HttpStatusCode.BadRequest : HttpStatusCode.OK, bare.StatusCode);
        }

        [Fact]
        public async Task The_current_month_and_a_cleared_month_have_no_report()
        {
            using var current = await SophosGetAsync(UsagePath(_server.Billing.ThisMonth));
            var older = LastMonth.AddMonths(-1);
            _server.Billing.ClearUsage(older.Year, older.Month);
            using var cleared = await SophosGetAsync(UsagePath(older));

            Assert.Equal(HttpStatusCode.NotFound, current.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, cleared.StatusCode);
        }

        [Fact]
        public async Task Key_paging_follows_next_keys_and_ignores_page_numbers()
        {
            using var first = await SophosGetAsync(UsagePath(LastMonth) + "?pageSize=10&pageTotal=true");
            var page1 = JObject.Parse(await first.Content.ReadAsStringAsync());
            using var second = await SophosGetAsync(UsagePath(LastMonth) + "?pageSize=10&page=2");
            var numbered = JObject.Parse(await second.Content.ReadAsStringAsync());
            using var keyed = await SophosGetAsync(UsagePath(LastMonth) + "?pageSize=10&pageFromKey=" + (string)page1["pages"]!["nextKey"]!);
            var page2 = JObject.Parse(await keyed.Content.ReadAsStringAsync());

            Assert.Equal(page1["items"]!.ToString(), numbered["items"]!.ToString());
            Assert.NotEqual(page1["items"]![0]!.ToString(), page2["items"]![0]!.ToString());
            Assert.Equal((_server.Billing.Usage(LastMonth.Year, LastMonth.Month)!.Count + 9) / 10, (int)page1["pages"]!["total"]!);
        }

        [Fact]
        public async Task Page_number_paging_is_selectable()
        {
            _server.Options.SophosUsagePaging = SophosPaging.Numbers;
            using var response = await SophosGetAsync(UsagePath(LastMonth) + "?pageSize=10&page=2&pageTotal=true");
            var page = JObject.Parse(await response.Content.ReadAsStringAsync());

            Assert.Null(page["pages"]!["nextKey"]);
            Assert.Equal(2, (int)page["pages"]!["current"]!);
            Assert.Equal(_server.Billing.Usage(LastMonth.Year, LastMonth.Month)![10].OrderLineItemNumber, (string?)page["items"]![0]!["orderLineItemNumber"]);
        }

        [Fact]
        public async Task Items_follow_the_reference_quantities_as_numbers_prices_as_strings()
        {
            using var response = await SophosGetAsync(UsagePath(LastMonth) + "?pageSize=100");
            var item = (JObject)JObject.Parse(await response.Content.ReadAsStringAsync())["items"]!.First(i => i["accountId"] != null);

            foreach (string field in new[] { "accountId", "assignedAccountIdentifier", "productCode", "sku", "productDescription", "productGroup",
                         "billingStartDate", "billingEndDate", "orderLineItemNumber" })
                Assert.Equal(JTokenType.String, item[field]!.Type);
            foreach (string field in new[] { "billableQuantity", "actualQuantity", "orderedQuantity" })
                Assert.Contains(item[field]!.Type, new[] { JTokenType.Integer, JTokenType.Float });
            foreach (string field in new[] { "unitPrice", "netPrice", "unitPriceCurrency", "netPriceCurrency" })
                Assert.Equal(JTokenType.String, item[field]!.Type);
        }

        [Fact]
        public void Usage_belongs_to_usage_billed_tenants_several_products_each_some_with_none_a_few_without_an_account()
        {
            var items = _server.Billing.Usage(LastMonth.Year, LastMonth.Month)!;
            var usageTenants = _server.Tenants.Where(t => t.BillingType == "usage").Select(t => t.Id).ToHashSet();
            var byTenant = items.Where(i => i.AccountId is not null).GroupBy(i => i.AccountId!.Value).ToList();

            Assert.All(byTenant, g => Assert.Contains(g.Key, usageTenants));
            Assert.True(byTenant.Count < usageTenants.Count, "some usage tenants have no items");
            Assert.InRange(byTenant.Average(g => g.Count()), 2.0, 4.0);
            Assert.Equal(3, items.Count(i => i.AccountId is null));
            Assert.All(byTenant, g => Assert.Equal(g.Count(), g.Select(i => i.ProductCode).Distinct().Count()));
        }

        [Fact]
        public void Older_months_report_renamed_products_under_their_former_code()
        {
            var old = _server.Billing.ThisMonth.AddMonths(-SandboxBilling.RenamedMonthsAgo);
            var codes = _server.Billing.Usage(old.Year, old.Month)!.Select(i => i.ProductCode).ToHashSet();
            var recent = _server.Billing.Usage(LastMonth.Year, LastMonth.Month)!.Select(i => i.ProductCode).ToHashSet();

            Assert.Contains("CIXAEDR", codes);
            Assert.DoesNotContain("CIXAXDR", codes);
            Assert.Contains("CIXAXDR", recent);
            Assert.Equal(SandboxBilling.ServiceIdOf("CIXAXDR"), SandboxBilling.ServiceIdOf("CIXAEDR"));
        }

        [Fact]
        public void Units_are_one_row_per_calendar_month_to_the_contract_end_and_past_periods_are_posted()
        {
            var thisMonth = _server.Billing.ThisMonth;
            foreach (var line in _server.Billing.ContractServices)
            {
                var contract = _server.Contracts.Single(c => c.Id == line.ContractId);
                var rows = _server.Billing.UnitRows(line.Id);
                Assert.Equal(contract.EndDate.Date, rows[^1].EndDate);
                Assert.All(rows.Zip(rows.Skip(1)), pair => Assert.Equal(pair.First.EndDate.AddDays(1), pair.Second.StartDate));
                Assert.All(rows, r => Assert.Equal(r.StartDate.Month, r.EndDate.Month));
                Assert.All(rows.Where(r => r.EndDate < thisMonth), r => Assert.NotNull(r.ApproveAndPostDate));
                Assert.All(rows.Where(r => r.StartDate >= thisMonth.AddMonths(1)), r => Assert.Null(r.ApproveAndPostDate));
            }
        }

        [Fact]
        public void The_data_has_the_awkward_cases_a_sync_must_handle()
        {
            var lines = _server.Billing.ContractServices;
            var contracts = _server.Contracts.ToDictionary(c => c.Id);

            Assert.Contains(lines.GroupBy(l => (l.ContractId, l.ServiceId)), g => g.Count() > 1); // one service on two lines
            Assert.Contains(lines, l => contracts[l.ContractId].EndDate < _server.Billing.ThisMonth); // contract ended
            Assert.Contains(lines, l => _server.Billing.UnitRows(l.Id).Any(r => r.StartDate == _server.Billing.ThisMonth && r.ApproveAndPostDate != null));
            Assert.Contains(_server.Billing.ContractOfTenant, pair => _server.Billing.ContractServicesOf(pair.Value).Count == 0
                || _server.Billing.Usage(LastMonth.Year, LastMonth.Month)!.Any(i => i.AccountId == pair.Key
                    && _server.Billing.ContractServicesOf(pair.Value).All(l => l.ServiceId != SandboxBilling.ServiceIdOf(i.ProductCode))));
            Assert.All(lines, l => Assert.Equal(AutotaskCodes.ContractType.RecurringService, contracts[l.ContractId].ContractType));
        }

        [Fact]
        public async Task The_same_seed_gives_the_same_usage_lines_and_units()
        {
            await using var twin = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 120, CompanyCount = 200, Seed = 23 });

            Assert.Equal(_server.Billing.Usage(LastMonth.Year, LastMonth.Month), twin.Billing.Usage(LastMonth.Year, LastMonth.Month));
            Assert.Equal(_server.Billing.ContractServices, twin.Billing.ContractServices);
            Assert.All(_server.Billing.ContractServices, l => Assert.Equal(_server.Billing.UnitRows(l.Id), twin.Billing.UnitRows(l.Id)));
        }

        [Fact]
        public async Task Service_lines_are_added_through_the_contract_and_only_to_recurring_service_contracts()
        {
            var recurring = _server.Contracts.First(c => c.ContractType == AutotaskCodes.ContractType.RecurringService && c.EndDate > _server.Billing.ThisMonth);
            var other = _server.Contracts.First(c => c.ContractType != AutotaskCodes.ContractType.RecurringService);

            using var added = await AutotaskAsync(HttpMethod.Post, $"Contracts/{recurring.Id}/Services", new { serviceID = SandboxBilling.FirstServiceId + 12 });
            using var refused = await AutotaskAsync(HttpMethod.Post, $"Contracts/{other.Id}/Services", new { serviceID = SandboxBilling.FirstServiceId + 12 });

            long id = (long)JObject.Parse(await added.Content.ReadAsStringAsync())["itemId"]!;
            Assert.Contains(_server.Billing.ContractServicesOf(recurring.Id), l => l.Id == id);
            Assert.Equal(0, _server.Billing.UnitsOn(id, _server.Billing.ThisMonth));
            Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
            Assert.NotNull(JObject.Parse(await refused.Content.ReadAsStringAsync())["errors"]);
        }

        [Fact]
        public async Task Adjustments_are_created_through_either_route_and_every_one_is_recorded()
        {
            var line = _server.Billing.ContractServices.First(l => _server.Billing.UnitRows(l.Id)
                .Any(r => r.StartDate == _server.Billing.ThisMonth && r.ApproveAndPostDate == null && r.EndDate < _server.Contracts.Single(c => c.Id == l.ContractId).EndDate));
            decimal before = _server.Billing.UnitsOn(line.Id, _server.Billing.ThisMonth)!.Value;
            string date = _server.Billing.ThisMonth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

            using var root = await AutotaskAsync(HttpMethod.Post, "ContractServiceAdjustments",
                new { contractID = line.ContractId, contractServiceID = line.Id, effectiveDate = date, unitChange = 2 });
            using var child = await AutotaskAsync(HttpMethod.Post, $"Contracts/{line.ContractId}/ServiceAdjustments",
                new { contractServiceID = line.Id, effectiveDate = date, unitChange = -1 });
            using var posted = await AutotaskAsync(HttpMethod.Post, "ContractServiceAdjustments",
                new { contractID = line.ContractId, contractServiceID = line.Id, effectiveDate = _server.Billing.ThisMonth.AddMonths(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), unitChange = 1 });
            using var query = await AutotaskAsync(HttpMethod.Post, "ContractServiceAdjustments/query", new { filter = new[] { new { op = "gte", field = "id", value = 0 } } });

            Assert.Equal(HttpStatusCode.OK, root.StatusCode);
            Assert.Equal(HttpStatusCode.OK, child.StatusCode);
            Assert.Equal(HttpStatusCode.InternalServerError, posted.StatusCode);
            Assert.Equal(SandboxBilling.PostedPeriodMessage, (string?)JObject.Parse(await posted.Content.ReadAsStringAsync())["errors"]![0]);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, query.StatusCode);
            Assert.Equal(before + 1, _server.Billing.UnitsOn(line.Id, _server.Billing.ThisMonth));
            Assert.Equal(new[] { SandboxAdjustmentOutcome.Applied, SandboxAdjustmentOutcome.Applied, SandboxAdjustmentOutcome.Refused },
                _server.Billing.Adjustments.Select(a => a.Outcome));
            Assert.Equal(new decimal[] { 2, -1, 1 }, _server.Billing.Adjustments.Select(a => a.UnitChange));
        }
    }
}
