using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CompanyType = PsaMapping.Sandbox.AutotaskCodes.CompanyType;
using ContractStatus = PsaMapping.Sandbox.AutotaskCodes.ContractStatus;
using ContractType = PsaMapping.Sandbox.AutotaskCodes.ContractType;
using Microsoft.Extensions.Time.Testing;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Data;
using Xunit;

namespace PsaMapping.Engine.Tests
{
    /// <summary>The sandbox behaves like Autotask's REST API as documented, with plain HttpClient calls.</summary>
    public sealed class AutotaskSandboxTests : IClassFixture<AutotaskSandboxTests.Fixture>
    {
        /// <summary>One untouched server for the read-only tests; tests that change faults or limits start their own.</summary>
        public sealed class Fixture : IAsyncLifetime
        {
            public SandboxServer Server { get; private set; } = null!;
            public Task InitializeAsync() => StartAsync();
            public async Task DisposeAsync() => await Server.DisposeAsync();
            private async Task StartAsync() => Server = await SandboxServer.StartAsync();
        }

        private const string User = "sandbox-api@psamapping.example";
        private const string Secret = "sandbox-autotask-secret";
        private const string Code = "SANDBOXINTEGRATIONCODE";
        private const string AllRows = """[{"op":"gte","field":"id","value":0}]""";

        private readonly SandboxServer _server;

        public AutotaskSandboxTests(Fixture fixture) => _server = fixture.Server;

        // ---------- zone ----------

        [Fact]
        public async Task Zone_lookup_without_credentials_returns_the_zone_url_ending_in_a_slash()
        {
            using var http = new HttpClient { BaseAddress = _server.AutotaskZoneUri };

            using var response = await http.GetAsync("ATServicesRest/V1.0/ZoneInformation?user=" + Uri.EscapeDataString(User));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = await JsonAsync(response);
            var root = json.RootElement;
            Assert.Equal("Sandbox Zone", root.GetProperty("zoneName").GetString());
            Assert.Equal(_server.AutotaskApiUri.ToString(), root.GetProperty("url").GetString());
            Assert.EndsWith("/ATServicesRest/", root.GetProperty("url").GetString());
            Assert.Equal(_server.BaseUri.ToString(), root.GetProperty("webUrl").GetString());
            Assert.True(root.GetProperty("ci").GetInt32() > 0);
            Assert.Equal(0, _server.Counters.TotalThreadLimitViolations);
        }

        [Fact]
        public async Task Zone_lookup_for_an_unknown_user_is_500_zone_information_could_not_be_determined()
        {
            using var http = new HttpClient { BaseAddress = _server.AutotaskZoneUri };

            using var response = await http.GetAsync("ATServicesRest/V1.0/ZoneInformation?user=nobody%40example.com");

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal(["Zone information could not be determined"], await ErrorsAsync(response));
        }

        [Fact]
        public async Task Zone_lookup_on_V2_is_404()
        {
            using var http = new HttpClient { BaseAddress = _server.AutotaskZoneUri };

            using var response = await http.GetAsync("ATServicesRest/V2.0/ZoneInformation?user=" + Uri.EscapeDataString(User));

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        // ---------- authentication ----------

        [Fact]
        public async Task Wrong_secret_is_401_unknown_user_and_bad_integration_code_are_500_with_different_messages()
        {
            using var http = Client(_server);

            using var wrongSecret = await QueryAsync(http, "Companies", Body(AllRows), user: User, secret: "wrong");
            using var unknownUser = await QueryAsync(http, "Companies", Body(AllRows), user: "nobody@example.com");
            using var badCode = await QueryAsync(http, "Companies", Body(AllRows), code: "NOTTHECODE");
            using var noHeaders = await http.PostAsync("Companies/query", new StringContent(Body(AllRows), Encoding.UTF8, "application/json"));

            Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
            Assert.Equal(HttpStatusCode.InternalServerError, unknownUser.StatusCode);
            Assert.Equal(HttpStatusCode.InternalServerError, badCode.StatusCode);
            Assert.Equal(HttpStatusCode.InternalServerError, noHeaders.StatusCode);
            var messages = new[] { await ErrorsAsync(wrongSecret), await ErrorsAsync(unknownUser), await ErrorsAsync(badCode) }
                .Select(m => Assert.Single(m)).ToArray();
            Assert.Equal(3, messages.Distinct().Count());
            Assert.All(messages, m => Assert.DoesNotContain(Secret, m));
            Assert.All(messages, m => Assert.DoesNotContain("wrong", m));
        }

        [Fact]
        public async Task Credential_header_names_are_case_insensitive()
        {
            using var http = Client(_server);
            using var request = new HttpRequestMessage(HttpMethod.Get, "Companies/1001");
            request.Headers.TryAddWithoutValidation("apiintegrationcode", Code);
            request.Headers.TryAddWithoutValidation("USERNAME", User);
            request.Headers.TryAddWithoutValidation("secret", Secret);

            using var response = await http.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // ---------- filters ----------

        /// <summary>Each case: a filter, and which companies it must return (in id order).</summary>
        private static readonly Dictionary<string, (string Filter, Func<SandboxCompany, bool> Expected)> CompanyFilters = new()
        {
            ["eq ignores case"] = ("""[{"op":"eq","field":"companyName","value":"CONTOSO"}]""", c => c.CompanyName.Equals("contoso", StringComparison.OrdinalIgnoreCase)),
            ["noteq"] = ("""[{"op":"noteq","field":"companyType","value":1}]""", c => c.CompanyType != 1),
            ["gt"] = ("""[{"op":"gt","field":"id","value":1005}]""", c => c.Id > 1005),
            ["gte"] = ("""[{"op":"gte","field":"id","value":1005}]""", c => c.Id >= 1005),
            ["lt"] = ("""[{"op":"lt","field":"id","value":1005}]""", c => c.Id < 1005),
            ["lte"] = ("""[{"op":"lte","field":"id","value":1005}]""", c => c.Id <= 1005),
            ["numbers as text"] = ("""[{"op":"eq","field":"companyType","value":"8"}]""", c => c.CompanyType == 8),
            ["beginsWith"] = ("""[{"op":"beginsWith","field":"companyName","value":"fab"}]""", c => c.CompanyName.StartsWith("fab", StringComparison.OrdinalIgnoreCase)),
            ["endsWith"] = ("""[{"op":"endsWith","field":"companyName","value":"LTD"}]""", c => c.CompanyName.EndsWith("ltd", StringComparison.OrdinalIgnoreCase)),
            ["contains"] = ("""[{"op":"contains","field":"companyName","value":"world"}]""", c => c.CompanyName.Contains("world", StringComparison.OrdinalIgnoreCase)),
            ["exist"] = ("""[{"op":"exist","field":"parentCompanyID"}]""", c => c.ParentCompanyId is not null),
            ["notExist"] = ("""[{"op":"notExist","field":"companyNumber"}]""", c => c.CompanyNumber is null),
            ["in"] = ("""[{"op":"in","field":"companyType","value":[2,3]}]""", c => c.CompanyType is 2 or 3),
            ["notIn"] = ("""[{"op":"notIn","field":"companyType","value":[1,2,3]}]""", c => c.CompanyType is not (1 or 2 or 3)),
            ["in on text ignores case"] = ("""[{"op":"in","field":"companyName","value":["contoso ltd","FABRIKAM, INC."]}]""", c => c.CompanyName is "Contoso Ltd" or "Fabrikam, Inc."),
            ["boolean literal"] = ("""[{"op":"eq","field":"isActive","value":false}]""", c => !c.IsActive),
            ["dates"] = ("""[{"op":"lt","field":"createDate","value":"2022-01-01T00:00:00Z"}]""", c => c.CreateDate < new DateTime(2022, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
            ["field names ignore case"] = ("""[{"op":"EQ","field":"COMPANYTYPE","value":7},{"op":"eq","field":"IsActive","value":true}]""", c => c.CompanyType == 7 && c.IsActive),
            ["top level is and"] = ("""[{"op":"beginsWith","field":"companyName","value":"Contoso"},{"op":"lt","field":"id","value":1002}]""", c => c.CompanyName.StartsWith("Contoso", StringComparison.OrdinalIgnoreCase) && c.Id < 1002),
            ["nested or and"] = ("""
            [{"op":"or","items":[
                {"op":"eq","field":"companyName","value":"Contoso"},
                {"op":"and","items":[
                    {"op":"beginsWith","field":"companyName","value":"Fabrikam"},
                    {"op":"or","items":[{"op":"eq","field":"id","value":1004},{"op":"contains","field":"companyName","value":"inc"}]}]}]}]
            """, c => c.CompanyName == "Contoso" || (c.CompanyName.StartsWith("Fabrikam", StringComparison.OrdinalIgnoreCase)
                    && (c.Id == 1004 || c.CompanyName.Contains("inc", StringComparison.OrdinalIgnoreCase)))),
            ["udf"] = ("""[{"op":"eq","field":"customer tier","value":"gold","udf":true}]""", c => c.CustomerTier == "Gold"),
            ["udf exist"] = ("""[{"op":"exist","field":"Customer Tier","udf":true},{"op":"gt","field":"id","value":1013}]""", c => c.CustomerTier is not null && c.Id > 1013),
            ["udf notExist"] = ("""[{"op":"notExist","field":"Customer Tier","udf":true}]""", c => c.CustomerTier is null),
        };

        public static TheoryData<string> CompanyFilterNames => new(CompanyFilters.Keys);

        [Theory]
        [MemberData(nameof(CompanyFilterNames))]
        public async Task Company_filter_returns_exactly_the_matching_companies_in_id_order(string name)
        {
            var (filter, expected) = CompanyFilters[name];
            using var http = Client(_server);

            var ids = await FetchAllIdsAsync(http, "Companies", Body(filter), HttpMethod.Post);

            var want = _server.Companies.Where(expected).Select(c => c.Id).ToArray();
            Assert.NotEmpty(want); // a case that matches nothing proves nothing
            Assert.Equal(want, ids);
        }

        [Fact]
        public async Task Contract_filters_compare_picklists_and_dates_as_their_types()
        {
            using var http = Client(_server);
            string today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

            var expired = await FetchAllIdsAsync(http, "Contracts", Body($$"""
            [{"op":"eq","field":"status","value":1},{"op":"eq","field":"contractType","value":7},{"op":"lt","field":"endDate","value":"{{today}}"}]
            """), HttpMethod.Get);
            var inactive = await FetchAllIdsAsync(http, "Contracts", Body("""[{"op":"eq","field":"status","value":0}]"""), HttpMethod.Post);

            var todayDate = DateTime.Parse(today, CultureInfo.InvariantCulture).Date;
            Assert.Equal(_server.Contracts.Where(c => c.Status == 1 && c.ContractType == 7 && c.EndDate < todayDate).Select(c => c.Id), expired);
            Assert.Contains(100004L, expired); // Contoso Backup
            Assert.Equal(_server.Contracts.Where(c => c.Status == 0).Select(c => c.Id), inactive);
            Assert.Contains(100003L, inactive); // Contoso Firewall 2023
        }

        [Theory]
        [InlineData("""{"MaxRecords":10}""", "filter")]                                                                     // missing filter
        [InlineData("""{"filter":[{"op":"eq","field":"companyNam","value":"x"}]}""", "companyNam")]                         // unknown field
        [InlineData("""{"filter":[{"op":"like","field":"companyName","value":"x"}]}""", "like")]                            // unknown operator
        [InlineData("""{"filter":[{"op":"eq","field":"isActive","value":"true"}]}""", "isActive")]                          // boolean as text
        [InlineData("""{"filter":[{"op":"in","field":"companyType","value":1}]}""", "array")]                               // in without an array
        [InlineData("""{"filter":[{"op":"contains","field":"id","value":1}]}""", "id")]                                     // text operator on a number
        [InlineData("""{"filter":[{"op":"eq","field":"Customer Tier","value":"Gold","udf":true},{"op":"exist","field":"Customer Tier","udf":true}]}""", "one user-defined field")]
        [InlineData("""{"filter":[{"op":"eq","field":"No Such UDF","value":"x","udf":true}]}""", "No Such UDF")]
        [InlineData("""{"filter":[{"op":"or"}]}""", "items")]                                                               // group without items
        [InlineData("""{"MaxRecords":0,"filter":[{"op":"gte","field":"id","value":0}]}""", "MaxRecords")]
        [InlineData("""{"MaxRecords":501,"filter":[{"op":"gte","field":"id","value":0}]}""", "MaxRecords")]
        [InlineData("""{"IncludeFields":["id","nope"],"filter":[{"op":"gte","field":"id","value":0}]}""", "nope")]
        [InlineData("""{"filter":[""", "JSON")]                                                                              // not JSON
        public async Task Invalid_queries_are_500_with_an_errors_message(string body, string mentioned)
        {
            using var http = Client(_server);

            using var post = await QueryAsync(http, "Companies", body);
            using var get = await QueryAsync(http, "Companies", body, HttpMethod.Get);
            using var count = await QueryAsync(http, "Companies/query/count", body, path: true);

            foreach (var response in new[] { post, get, count })
            {
                Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
                Assert.Contains(mentioned, Assert.Single(await ErrorsAsync(response)), StringComparison.OrdinalIgnoreCase);
            }
        }

        [Fact]
        public async Task An_empty_filter_returns_no_rows()
        {
            using var http = Client(_server);

            using var response = await QueryAsync(http, "Companies", """{"filter":[]}""");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = await JsonAsync(response);
            Assert.Equal(0, json.RootElement.GetProperty("items").GetArrayLength());
            Assert.Equal(0, json.RootElement.GetProperty("pageDetails").GetProperty("count").GetInt32());
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("pageDetails").GetProperty("nextPageUrl").ValueKind);
        }

        // ---------- IncludeFields and MaxRecords ----------

        [Fact]
        public async Task IncludeFields_returns_only_those_fields_whatever_their_case()
        {
            using var http = Client(_server);

            using var response = await QueryAsync(http, "Companies",
                """{"IncludeFields":["ID","companyname"],"filter":[{"op":"lte","field":"id","value":1003}]}""");

            using var json = await JsonAsync(response);
            var items = json.RootElement.GetProperty("items").EnumerateArray().ToArray();
            Assert.Equal(3, items.Length);
            Assert.All(items, i => Assert.Equal(["id", "companyName"], i.EnumerateObject().Select(p => p.Name)));
            Assert.Equal("Contoso", items[0].GetProperty("companyName").GetString());
        }

        [Fact]
        public async Task IncludeFields_without_id_is_refused_only_when_the_result_exceeds_500_rows()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 5, CompanyCount = 600 });
            using var http = Client(server);

            using var large = await QueryAsync(http, "Companies", """{"IncludeFields":["companyName"],"filter":[{"op":"gte","field":"id","value":0}]}""");
            using var small = await QueryAsync(http, "Companies", """{"IncludeFields":["companyName"],"filter":[{"op":"lt","field":"id","value":1100}]}""");

            Assert.Equal(HttpStatusCode.InternalServerError, large.StatusCode);
            Assert.Contains("id", Assert.Single(await ErrorsAsync(large)));
            Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(37)]
        [InlineData(500)]
        public async Task MaxRecords_between_1_and_500_sets_the_page_size(int max)
        {
            using var http = Client(_server);

            using var response = await QueryAsync(http, "Companies", $$"""{"MaxRecords":{{max}},"filter":{{AllRows}}}""");

            using var json = await JsonAsync(response);
            int expected = Math.Min(max, _server.Companies.Count);
            Assert.Equal(expected, json.RootElement.GetProperty("items").GetArrayLength());
            Assert.Equal(expected, json.RootElement.GetProperty("pageDetails").GetProperty("count").GetInt32());
            Assert.Equal(max, json.RootElement.GetProperty("pageDetails").GetProperty("requestCount").GetInt32());
        }

        [Fact]
        public async Task MaxRecords_defaults_to_500()
        {
            using var http = Client(_server);

            using var response = await QueryAsync(http, "Companies", Body(AllRows));

            using var json = await JsonAsync(response);
            Assert.Equal(500, json.RootElement.GetProperty("pageDetails").GetProperty("requestCount").GetInt32());
        }

        // ---------- paging ----------

        [Theory]
        [InlineData("POST")]
        [InlineData("GET")]
        public async Task Following_nextPageUrl_with_the_same_method_returns_every_row_once_in_id_order(string method)
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 50, CompanyCount = 1234 });
            using var http = Client(server);
            string body = Body(AllRows);
            var ids = new List<long>();
            string? url = null;
            int pages = 0;

            do
            {
                using var response = url is null
                    ? await QueryAsync(http, "Companies", body, new HttpMethod(method))
                    : await SendAsync(http, new HttpMethod(method), url, method == "POST" ? body : null);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                using var json = await JsonAsync(response);
                var details = json.RootElement.GetProperty("pageDetails");
                Assert.Equal(pages == 0, details.GetProperty("prevPageUrl").ValueKind == JsonValueKind.Null);
                ids.AddRange(json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
                url = details.GetProperty("nextPageUrl").GetString();
                pages++;
            } while (url is not null);

            Assert.Equal(3, pages);
            Assert.Equal(server.Companies.Select(c => c.Id), ids);
            Assert.Equal(ids.Order(), ids);
            Assert.Equal(3, server.Counters.Requests(SandboxEndpoints.AutotaskEntity("Companies")));
        }

        [Fact]
        public async Task NextPageUrl_points_at_query_next_with_the_original_search()
        {
            using var http = Client(_server);
            string body = $$"""{"MaxRecords":100,"filter":{{AllRows}}}""";

            using var response = await QueryAsync(http, "Companies", body);

            using var json = await JsonAsync(response);
            var next = new Uri(json.RootElement.GetProperty("pageDetails").GetProperty("nextPageUrl").GetString()!);
            Assert.Equal(new Uri(_server.AutotaskApiUri, "V1.0/Companies/query/next").AbsolutePath, next.AbsolutePath);
            var query = System.Web.HttpUtility.ParseQueryString(next.Query);
            Assert.False(string.IsNullOrEmpty(query["paging"]));
            Assert.Equal(body, query["search"]);
        }

        [Fact]
        public async Task NextPageUrl_followed_with_the_other_method_is_405()
        {
            using var http = Client(_server);
            string body = $$"""{"MaxRecords":100,"filter":{{AllRows}}}""";
            string postNext, getNext;
            using (var post = await QueryAsync(http, "Companies", body))
            using (var json = await JsonAsync(post))
            {
                postNext = json.RootElement.GetProperty("pageDetails").GetProperty("nextPageUrl").GetString()!;
            }
            using (var get = await QueryAsync(http, "Companies", body, HttpMethod.Get))
            using (var json = await JsonAsync(get))
            {
                getNext = json.RootElement.GetProperty("pageDetails").GetProperty("nextPageUrl").GetString()!;
            }

            using var postPagedWithGet = await SendAsync(http, HttpMethod.Get, postNext, null);
            using var getPagedWithPost = await SendAsync(http, HttpMethod.Post, getNext, body);

            Assert.Equal(HttpStatusCode.MethodNotAllowed, postPagedWithGet.StatusCode);
            using var message = await JsonAsync(postPagedWithGet);
            Assert.Equal("The requested resource does not support http method 'GET'.", message.RootElement.GetProperty("Message").GetString());
            Assert.Equal(HttpStatusCode.MethodNotAllowed, getPagedWithPost.StatusCode);
        }

        [Fact]
        public async Task Paging_a_large_in_filter_follows_the_long_nextPageUrl()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 5, CompanyCount = 2000 });
            using var http = Client(server);
            var wanted = server.Contracts.Where((_, i) => i % 2 == 0).Select(c => c.Id).Take(1500).ToArray();
            string body = $$"""{"MaxRecords":500,"filter":[{"op":"in","field":"id","value":[{{string.Join(",", wanted)}}]}]}""";
            Assert.True(Uri.EscapeDataString(body).Length > 8192); // past Kestrel's default request line

            var ids = await FetchAllIdsAsync(http, "Contracts", body, HttpMethod.Post);

            Assert.Equal(wanted, ids);
        }

        [Fact]
        public async Task Keyset_paging_by_id_works_as_documented()
        {
            using var http = Client(_server);

            var firstTwo = await FetchAllIdsAsync(http, "Companies", """{"MaxRecords":2,"filter":[{"op":"gt","field":"id","value":1003}]}""",
                HttpMethod.Post, onePage: true);

            Assert.Equal([1004L, 1005L], firstTwo);
        }

        // ---------- count, item, metadata, threshold ----------

        [Fact]
        public async Task Count_answers_queryCount_for_POST_and_GET()
        {
            using var http = Client(_server);
            string body = Body("""[{"op":"eq","field":"companyType","value":1}]""");

            using var post = await QueryAsync(http, "Companies/query/count", body, path: true);
            using var get = await QueryAsync(http, "Companies/query/count", body, HttpMethod.Get, path: true);

            int expected = _server.Companies.Count(c => c.CompanyType == CompanyType.Customer);
            using var postJson = await JsonAsync(post);
            using var getJson = await JsonAsync(get);
            Assert.Equal(expected, postJson.RootElement.GetProperty("queryCount").GetInt32());
            Assert.Equal(expected, getJson.RootElement.GetProperty("queryCount").GetInt32());
        }

        [Fact]
        public async Task Get_by_id_returns_the_item_and_an_unknown_id_is_404()
        {
            using var http = Client(_server);

            using var company = await SendAsync(http, HttpMethod.Get, "Companies/1003", null);
            using var contract = await SendAsync(http, HttpMethod.Get, "Contracts/100001", null);
            using var missing = await SendAsync(http, HttpMethod.Get, "Companies/999999999", null);

            using var companyJson = await JsonAsync(company);
            var item = companyJson.RootElement.GetProperty("item");
            Assert.Equal(1003, item.GetProperty("id").GetInt64());
            Assert.Equal("Fabrikam, Inc.", item.GetProperty("companyName").GetString());
            Assert.Equal(1, item.GetProperty("companyType").GetInt32());
            Assert.True(item.GetProperty("isActive").GetBoolean());
            Assert.Equal(JsonValueKind.Null, item.GetProperty("parentCompanyID").ValueKind);
            using var contractJson = await JsonAsync(contract);
            Assert.Equal("Sophos MSP - Contoso", contractJson.RootElement.GetProperty("item").GetProperty("contractName").GetString());
            Assert.Equal(1001, contractJson.RootElement.GetProperty("item").GetProperty("companyID").GetInt64());
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Single(await ErrorsAsync(missing));
        }

        [Fact]
        public async Task Entity_information_lists_every_field_with_picklists()
        {
            using var http = Client(_server);

            var companies = await FieldsAsync(http, "Companies");
            var contracts = await FieldsAsync(http, "Contracts");

            Assert.Equal(["Customer", "Lead", "Prospect", "Dead", "Cancelation", "Vendor", "Partner"], Labels(companies["companyType"]).Values);
            Assert.Equal("Customer", Labels(companies["companyType"])["1"]);
            Assert.Equal(new Dictionary<string, string> { ["0"] = "Inactive", ["1"] = "Active" }, Labels(contracts["status"]));
            Assert.Equal("Recurring Service", Labels(contracts["contractType"])["7"]);
            Assert.Equal(["Time and Materials", "Fixed Price", "Block Hours", "Retainer", "Recurring Service", "Incident"],
                Labels(contracts["contractType"]).Values);
            Assert.True(Labels(contracts["contractCategory"]).Count >= 3);
            Assert.False(companies["companyName"].GetProperty("isPickList").GetBoolean());
            Assert.Equal("integer", companies["companyType"].GetProperty("dataType").GetString());
            Assert.Equal("Company", contracts["companyID"].GetProperty("referenceEntityType").GetString());

            // Every field an item carries is described.
            using var item = await JsonAsync(await SendAsync(http, HttpMethod.Get, "Contracts/100001", null));
            foreach (var property in item.RootElement.GetProperty("item").EnumerateObject().Where(p => p.Name != "userDefinedFields"))
            {
                Assert.True(contracts.ContainsKey(property.Name), property.Name);
            }
        }

        [Fact]
        public async Task ThresholdInformation_reports_the_threshold_and_the_requests_of_the_last_hour()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 5 });
            using var http = Client(server);
            using (await SendAsync(http, HttpMethod.Get, "Companies/1001", null)) { }

            using var response = await SendAsync(http, HttpMethod.Get, "ThresholdInformation", null);

            using var json = await JsonAsync(response);
            Assert.Equal(10_000, json.RootElement.GetProperty("externalRequestThreshold").GetInt32());
            Assert.Equal(60, json.RootElement.GetProperty("requestThresholdTimeframe").GetInt32());
            Assert.Equal(2, json.RootElement.GetProperty("currentTimeframeRequestCount").GetInt32()); // this one included
            Assert.Equal(1, server.Counters.Requests(SandboxEndpoints.AutotaskThreshold));
        }

        // ---------- limits and faults ----------

        [Fact]
        public async Task More_than_three_concurrent_requests_on_one_entity_are_refused_with_Itgenatr005()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 5 });
            using var http = Client(server);
            server.Faults.LatencyMs = 500; // long enough for all of them to overlap

            var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => QueryAsync(http, "Companies", Body(AllRows))));

            var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
            Assert.Equal(5, refused.Length);
            Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
            string message = Assert.Single(await ErrorsAsync(refused[0]));
            Assert.Contains("thread threshold of 3 threads has been exceeded", message);
            Assert.Contains("Itgenatr005", message);
            Assert.Equal(5, server.Counters.ThreadLimitViolations(SandboxEndpoints.AutotaskEntity("Companies")));
            Assert.Equal(5, server.Counters.TotalThreadLimitViolations);
            Assert.Equal(8, server.Counters.Requests(SandboxEndpoints.AutotaskEntity("Companies")));
            foreach (var r in responses) r.Dispose();
        }

        [Fact]
        public async Task Three_concurrent_requests_per_entity_are_fine_and_entities_are_limited_separately()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 5 });
            using var http = Client(server);
            server.Faults.LatencyMs = 300;

            var responses = await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[]
            {
                QueryAsync(http, "Companies", Body(AllRows)),
                QueryAsync(http, "Contracts/query/count", Body(AllRows), path: true),
            }));

            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            Assert.Equal(0, server.Counters.TotalThreadLimitViolations);
            Assert.InRange(server.Counters.MaxConcurrency(SandboxEndpoints.AutotaskEntity("Contracts")), 2, 3);
            foreach (var r in responses) r.Dispose();
        }

        [Fact]
        public async Task A_client_that_waits_for_each_answer_never_overlaps_itself()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 5, AutotaskThreadLimit = 1 });
            using var http = Client(server);

            for (int i = 0; i < 50; i++)
            {
                using var response = await SendAsync(http, HttpMethod.Get, "Companies/1001", null);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            Assert.Equal(0, server.Counters.TotalThreadLimitViolations);
            Assert.Equal(1, server.Counters.MaxConcurrency(SandboxEndpoints.AutotaskEntity("Companies")));
        }

        [Fact]
        public async Task Requests_beyond_the_hourly_threshold_are_429_with_Retry_After_until_the_hour_rolls_on()
        {
            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            await using var server = await SandboxServer.StartAsync(new SandboxOptions
            {
                TenantCount = 5, AutotaskHourlyThreshold = 5, TimeProvider = time,
            });
            using var http = Client(server);
            using var zoneHttp = new HttpClient { BaseAddress = server.AutotaskZoneUri };

            for (int i = 0; i < 5; i++)
            {
                using var ok = await SendAsync(http, HttpMethod.Get, i % 2 == 0 ? "Companies/1001" : "ThresholdInformation", null);
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
                time.Advance(TimeSpan.FromMinutes(1));
            }
            using var refused = await SendAsync(http, HttpMethod.Get, "Contracts/100001", null);
            using var zone = await zoneHttp.GetAsync("ATServicesRest/V1.0/ZoneInformation?user=" + Uri.EscapeDataString(User));

            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Contains("request threshold", Assert.Single(await ErrorsAsync(refused)));
            Assert.Equal(TimeSpan.FromMinutes(55), refused.Headers.RetryAfter?.Delta); // the first request leaves the hour then
            Assert.Equal(1, server.Counters.Faults(SandboxFaultKinds.Threshold));
            Assert.Equal(HttpStatusCode.OK, zone.StatusCode); // zone lookup does not count

            time.Advance(TimeSpan.FromMinutes(55));
            using var again = await SendAsync(http, HttpMethod.Get, "Contracts/100001", null);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        [Fact]
        public async Task Injected_faults_use_the_Autotask_error_body()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 5 });
            using var http = Client(server);
            server.Faults.Fraction429 = 1;
            server.Faults.RetryAfterSeconds = 4;

            using var response = await QueryAsync(http, "Companies", Body(AllRows));

            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(4), response.Headers.RetryAfter?.Delta);
            Assert.Single(await ErrorsAsync(response));
            Assert.Equal(1, server.Counters.Faults(SandboxFaultKinds.TooManyRequests));
            Assert.Equal(0, server.Counters.TotalThreadLimitViolations);
        }

        [Fact]
        public async Task Unknown_entities_answer_404()
        {
            using var http = Client(_server);

            using var response = await QueryAsync(http, "Widgets", Body(AllRows));

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        // ---------- data ----------

        [Fact]
        public void Fixed_companies_come_first_with_their_contracts()
        {
            var companies = _server.Companies.Take(13).ToArray();
            Assert.Equal(
            [
                "Contoso", "Contoso Ltd", "Fabrikam, Inc.", "Fabrikam Residences", "Mueller Maschinenbau GmbH", "Northwind Traders SA",
                "Tailspin Toys", "Wide World Importers BV", "Adventure Works", "Societe Generale d'Electricite", "Old Customer Ltd",
                "Contoso Group Ltd", "Maschinenbau Müller GmbH",
            ], companies.Select(c => c.CompanyName));
            Assert.Equal(Enumerable.Range(1001, 13).Select(i => (long)i), companies.Select(c => c.Id));

            var old = companies[10];
            Assert.False(old.IsActive);
            Assert.Contains(old.CompanyType, new[] { CompanyType.Cancelation, CompanyType.Dead });
            Assert.All(companies.Where(c => c != old), c => Assert.True(c.IsActive && c.CompanyType == CompanyType.Customer));

            var today = DateTime.UtcNow.Date;
            SandboxContract Contract(long company, string name) => Assert.Single(_server.Contracts, c => c.CompanyId == company && c.ContractName == name);
            var msp = Contract(1001, "Sophos MSP - Contoso");
            Assert.True(msp is { ContractType: ContractType.RecurringService, Status: ContractStatus.Active } && msp.EndDate > today);
            Assert.Equal(ContractType.FixedPrice, Contract(1001, "Contoso Managed Services").ContractType);
            Assert.Equal(ContractStatus.Inactive, Contract(1001, "Contoso Firewall 2023").Status);
            var backup = Contract(1001, "Contoso Backup");
            Assert.True(backup.Status == ContractStatus.Active && backup.EndDate < today); // expired, still active
            Assert.Equal(ContractType.RecurringService, Contract(1002, "Sophos MSP").ContractType);
            Assert.Equal(ContractType.RecurringService, Contract(1003, "Sophos MSP").ContractType); // same name, other company
            Assert.Equal(ContractType.BlockHours, Contract(1003, "Fabrikam Block Hours").ContractType);
            Assert.Equal(ContractStatus.Inactive, Assert.Single(_server.Contracts, c => c.CompanyId == old.Id).Status);
            Assert.Equal(Enumerable.Range(100_001, 4).Select(i => (long)i), _server.Contracts.Where(c => c.CompanyId == 1001).Select(c => c.Id));
        }

        [Fact]
        public void Intended_companies_of_the_well_known_tenants()
        {
            long? Intended(string tenantName) => _server.IntendedCompanyId(Assert.Single(_server.Tenants, t => t.Name == tenantName).Id);

            Assert.Equal(1001, Intended("Contoso Ltd"));          // not the company named exactly "Contoso Ltd" (1002, a decoy)
            Assert.Equal(1003, Intended("Fabrikam, Inc."));
            Assert.Equal(1005, Intended("Müller Maschinenbau GmbH"));
            Assert.Equal(1010, Intended("Société Générale d'Électricité SARL"));
            Assert.Equal(1011, Intended("Old Customer Ltd"));
            Assert.Null(Intended("Contoso Ltd."));
            Assert.Null(Intended("Fabrikam Inc"));
            Assert.Equal(1012, Intended("Contoso Group Ltd"));
            Assert.Equal(1013, Intended("Maschinenbau Müller GmbH"));
            Assert.Null(_server.Companies[1].OrganizationId);
            Assert.Null(_server.IntendedCompanyId(Guid.NewGuid()));
        }

        [Fact]
        public async Task Generated_companies_are_realistic_variants_decoys_and_strangers()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 2000, CompanyCount = 4000 });
            var tenants = server.Tenants.Skip(NameGenerator.WellKnown.Count).ToArray();
            var companiesById = server.Companies.ToDictionary(c => c.Id);
            var intended = tenants.Select(t => (Tenant: t, Company: server.IntendedCompanyId(t.Id) is long id ? companiesById[id] : null)).ToArray();

            int withCompany = intended.Count(x => x.Company is not null);
            Assert.InRange(withCompany, tenants.Length * 85 / 100, tenants.Length * 97 / 100); // most, not all
            var pairs = intended.Where(x => x.Company is not null).ToArray();
            Assert.InRange(pairs.Count(x => x.Company!.CompanyName == x.Tenant.Name), pairs.Length * 3 / 10, pairs.Length * 8 / 10);
            Assert.Contains(pairs, x => x.Tenant.Name.Contains('ü') && x.Company!.CompanyName.Contains("ue"));         // Müller → Mueller
            Assert.Contains(pairs, x => x.Tenant.Name.Any(ch => ch > 127) && x.Company!.CompanyName.All(ch => ch < 128)); // accents dropped
            Assert.Contains(pairs, x => x.Tenant.Name.StartsWith(x.Company!.CompanyName + " ", StringComparison.Ordinal)); // suffix dropped
            Assert.Contains(pairs, x => x.Company!.CompanyName.Any(char.IsLetter) && !x.Company.CompanyName.Any(char.IsLower));

            Assert.Contains(server.Companies, c => c.OrganizationId is null && c.Id > 1013
                && tenants.Any(t => t.Name.StartsWith(c.CompanyName.Split(' ')[0] + " ", StringComparison.Ordinal))); // decoys and strangers
            Assert.Equal(4000, server.Companies.Count);
            Assert.Equal(server.Companies.Count, server.Companies.Select(c => c.Id).Distinct().Count());
            Assert.All(Enum.GetValues<TypeProbe>(), t => Assert.Contains(server.Companies, c => c.CompanyType == (int)t));
            Assert.Contains(server.Companies, c => !c.IsActive && c.CompanyType != CompanyType.Customer);
            Assert.Contains(server.Companies, c => c.ParentCompanyId is not null);

            var customers = server.Companies.Where(c => c.CompanyType == CompanyType.Customer).Select(c => c.Id).ToHashSet();
            var contractsByCompany = server.Contracts.GroupBy(c => c.CompanyId).ToDictionary(g => g.Key, g => g.ToArray());
            Assert.All(customers, id => Assert.True(contractsByCompany.ContainsKey(id), $"customer {id} has no contract"));
            Assert.InRange(customers.Average(id => contractsByCompany[id].Length), 2.5, 3.5);
            Assert.All(server.Contracts, c => Assert.True(c.StartDate < c.EndDate));
            Assert.All(Enum.GetValues<ContractTypeProbe>(), t => Assert.Contains(server.Contracts, c => c.ContractType == (int)t));
            Assert.InRange(server.Contracts.Count(c => c.ContractType == ContractType.RecurringService), server.Contracts.Count / 2, server.Contracts.Count);
            Assert.Contains(server.Contracts, c => c.Status == ContractStatus.Inactive);
            Assert.Contains(server.Contracts, c => c.Status == ContractStatus.Active && c.EndDate < DateTime.UtcNow);
            Assert.Contains(server.Contracts.GroupBy(c => c.ContractName), g => g.Select(c => c.CompanyId).Distinct().Count() > 5); // names reused
            Assert.Contains(server.Contracts, c => c.ContractName.StartsWith("Sophos MSP - ", StringComparison.Ordinal));
            Assert.Contains(server.Contracts, c => c.ContractName.StartsWith("Managed Security - ", StringComparison.Ordinal));
        }

        private enum TypeProbe { Customer = 1, Lead = 2, Prospect = 3, Dead = 4, Cancelation = 6, Vendor = 7, Partner = 8 }

        private enum ContractTypeProbe { TimeAndMaterials = 1, FixedPrice = 3, BlockHours = 4, Retainer = 6, RecurringService = 7, Incident = 8 }

        [Fact]
        public async Task Same_seed_gives_identical_companies_and_contracts_and_leaves_the_tenants_alone()
        {
            await using var a = await SandboxServer.StartAsync(new SandboxOptions { Seed = 7, TenantCount = 300, CompanyCount = 500 });
            await using var b = await SandboxServer.StartAsync(new SandboxOptions { Seed = 7, TenantCount = 300, CompanyCount = 500 });
            await using var c = await SandboxServer.StartAsync(new SandboxOptions { Seed = 8, TenantCount = 300, CompanyCount = 500 });
            await using var d = await SandboxServer.StartAsync(new SandboxOptions { Seed = 7, TenantCount = 300, CompanyCount = 50, ContractsPerCompany = 1 });

            Assert.Equal(a.Companies, b.Companies);
            Assert.Equal(a.Contracts, b.Contracts);
            Assert.NotEqual(a.Companies.Skip(13).Select(x => x.CompanyName), c.Companies.Skip(13).Select(x => x.CompanyName));
            Assert.Equal(a.Tenants, d.Tenants); // Autotask settings never shift the Sophos data
        }

        [Fact]
        public void Fifty_thousand_companies_generate_with_distinct_ids_and_contracts_for_customer_companies()
        {
            // How long this takes is the benchmark's to measure (bench/PsaMapping.Bench prints it).
            var world = SandboxWorld.Create(42, 250);

            var data = SandboxAutotaskData.Create(world, 50_000, 3, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));

            Assert.Equal(50_000, data.Companies.Count);
            Assert.InRange(data.Contracts.Count, 50_000, 200_000); // only Customer companies (about half of them) have contracts
            Assert.Equal(data.Companies.Count, data.Companies.Select(c => c.Id).Distinct().Count());
        }

        [Fact]
        public async Task Fifty_thousand_companies_are_served_and_queried()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { CompanyCount = 50_000 });
            using var http = Client(server);

            using var count = await QueryAsync(http, "Companies/query/count", Body(AllRows), path: true);
            var contoso = await FetchAllIdsAsync(http, "Companies", Body("""[{"op":"beginsWith","field":"companyName","value":"contoso"}]"""), HttpMethod.Post);
            using var last = await QueryAsync(http, "Contracts", Body($$"""[{"op":"gt","field":"id","value":{{server.Contracts[^2].Id}}}]"""));

            using var countJson = await JsonAsync(count);
            Assert.Equal(50_000, countJson.RootElement.GetProperty("queryCount").GetInt32());
            Assert.Equal(server.Companies.Where(c => c.CompanyName.StartsWith("contoso", StringComparison.OrdinalIgnoreCase)).Select(c => c.Id), contoso);
            using var lastJson = await JsonAsync(last);
            Assert.Equal(server.Contracts[^1].Id, Assert.Single(lastJson.RootElement.GetProperty("items").EnumerateArray()).GetProperty("id").GetInt64());
        }

        // ---------- helpers ----------

        /// <summary>An HttpClient whose base is the REST base, {zone url}V1.0/.</summary>
        private static HttpClient Client(SandboxServer server) => new() { BaseAddress = new Uri(server.AutotaskApiUri, "V1.0/") };

        private static string Body(string filter) => $$"""{"filter":{{filter}}}""";

        /// <summary>A query on an entity ("Companies" → Companies/query) or, with <paramref name="path"/>, on that path.</summary>
        private static Task<HttpResponseMessage> QueryAsync(HttpClient http, string entity, string body, HttpMethod? method = null,
            bool path = false, string user = User, string secret = Secret, string code = Code)
        {
            string target = path ? entity : entity + "/query";
            method ??= HttpMethod.Post;
            return method == HttpMethod.Get
                ? SendAsync(http, method, target + "?search=" + Uri.EscapeDataString(body), null, user, secret, code)
                : SendAsync(http, method, target, body, user, secret, code);
        }

        private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string url, string? body,
            string user = User, string secret = Secret, string code = Code)
        {
            var request = new HttpRequestMessage(method, url);
            request.Headers.Add("ApiIntegrationCode", code);
            request.Headers.Add("UserName", user);
            request.Headers.Add("Secret", secret);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            return http.SendAsync(request);
        }

        /// <summary>Every id a query returns, following nextPageUrl with the same method.</summary>
        private static async Task<List<long>> FetchAllIdsAsync(HttpClient http, string entity, string body, HttpMethod method, bool onePage = false)
        {
            var ids = new List<long>();
            string? url = null;
            do
            {
                using var response = url is null ? await QueryAsync(http, entity, body, method) : await SendAsync(http, method, url, method == HttpMethod.Post ? body : null);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                using var json = await JsonAsync(response);
                ids.AddRange(json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
                url = json.RootElement.GetProperty("pageDetails").GetProperty("nextPageUrl").GetString();
            } while (url is not null && !onePage);
            return ids;
        }

        private static async Task<Dictionary<string, JsonElement>> FieldsAsync(HttpClient http, string entity)
        {
            using var response = await SendAsync(http, HttpMethod.Get, entity + "/entityInformation/fields", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = await JsonAsync(response);
            return json.RootElement.GetProperty("fields").EnumerateArray()
                .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.Clone());
        }

        private static Dictionary<string, string> Labels(JsonElement field)
        {
            Assert.True(field.GetProperty("isPickList").GetBoolean());
            return field.GetProperty("picklistValues").EnumerateArray()
                .ToDictionary(v => v.GetProperty("value").GetString()!, v => v.GetProperty("label").GetString()!);
        }

        private static async Task<JsonDocument> JsonAsync(HttpResponseMessage response) =>
            JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        /// <summary>The {"errors":[...]} body every Autotask API error carries.</summary>
        private static async Task<string[]> ErrorsAsync(HttpResponseMessage response)
        {
            using var json = await JsonAsync(response);
            return json.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToArray();
        }
    }
}
