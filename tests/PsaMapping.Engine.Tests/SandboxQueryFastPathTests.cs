using System.Net;
using System.Text;
using System.Text.Json;
using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Autotask;
using PsaMapping.Sandbox.Data;
using Xunit;

namespace PsaMapping.Engine.Tests
{
    /// <summary>
    /// The sandbox's Autotask queries only test the rows inside the id interval a filter allows, and write rows
    /// straight to JSON. Both must answer exactly what the plain way did: test every row, then page the matches,
    /// and serialize a dictionary per row. These tests keep that plain way as the reference.
    /// </summary>
    public sealed class SandboxQueryFastPathTests
    {
        private static readonly SandboxAutotaskData Data =
            SandboxAutotaskData.Create(SandboxWorld.Create(3, 300), 1500, 3, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        /// <summary>All contracts, ids one after another.</summary>
        private static readonly AutotaskTable Contracts = AutotaskEntities.CreateContracts(Data.Contracts);

        /// <summary>Two contracts in three, so that interval ends often fall on ids no row has.</summary>
        private static readonly AutotaskTable GappyContracts =
            AutotaskEntities.CreateContracts(Data.Contracts.Where((_, i) => i % 3 != 1).ToArray());

        private static readonly AutotaskTable Companies = AutotaskEntities.CreateCompanies(Data.Companies);

        public static TheoryData<string> Filters()
        {
            long first = Data.Contracts.Min(c => c.Id), last = Data.Contracts.Max(c => c.Id);
            long a = first + 100, b = first + 700, c = first + 2000, d = first + 2600;
            string Interval(long low, long high) =>
                $$"""{"op":"and","items":[{"op":"gt","field":"id","value":{{low}}},{"op":"lte","field":"id","value":{{high}}}]}""";
            const string Active = """{"op":"eq","field":"status","value":1}""";
            return new TheoryData<string>
            {
                // The shapes clients send.
                """[{"op":"gte","field":"id","value":0}]""",
                $$"""[{"op":"gt","field":"id","value":{{a}}},{"op":"lte","field":"id","value":{{b}}}]""",
                $$"""[{"op":"gt","field":"id","value":{{a}}},{"op":"lte","field":"id","value":{{b}}},{{Active}}]""",
                $$"""[{"op":"or","items":[{{Interval(a, b)}},{{Interval(c, d)}}]}]""",
                $$"""[{"op":"or","items":[{{Interval(a, b)}},{{Interval(c, d)}}]},{{Active}}]""",
                $$"""[{{Active}},{"op":"or","items":[{{Interval(c, d)}},{{Interval(a, b)}}]}]""",
                // Every comparison, any case, at and past both ends of the table.
                $$"""[{"op":"EQ","field":"ID","value":{{a}}}]""",
                $$"""[{"op":"lt","field":"Id","value":{{first + 3}}}]""",
                $$"""[{"op":"gte","field":"id","value":{{last}}}]""",
                $$"""[{"op":"lte","field":"id","value":{{last + 10}}},{"op":"gt","field":"id","value":{{first - 10}}}]""",
                $$"""[{"op":"gt","field":"id","value":{{last}}}]""",
                $$"""[{"op":"gt","field":"id","value":{{b}}},{"op":"lt","field":"id","value":{{a}}}]""", // empty interval
                """[{"op":"gt","field":"id","value":9223372036854775807}]""",
                """[{"op":"lt","field":"id","value":-9223372036854775808}]""",
                """[{"op":"lte","field":"id","value":-9223372036854775808}]""",
                // What does not narrow the interval: the full scan answers.
                $$"""[{"op":"gt","field":"id","value":"{{b}}"}]""",                                  // id as text
                $$"""[{"op":"noteq","field":"id","value":{{a}}},{"op":"lt","field":"id","value":{{a + 5}}}]""",
                $$"""[{"op":"in","field":"id","value":[{{a}},{{c}},{{last}}]}]""",
                """[{"op":"exist","field":"id"}]""",
                $$"""[{"op":"or","items":[{{Interval(a, b)}},{"op":"eq","field":"contractType","value":7}]}]""", // one side unbounded
                $$"""[{"op":"or","items":[{{Interval(a, b)}},{"op":"and","items":[]}]}]""",          // an empty group matches nothing
                $$"""[{"op":"and","items":[{"op":"and","items":[{"op":"gte","field":"id","value":{{a}}}]},{"op":"or","items":[{"op":"lt","field":"id","value":{{b}}}]}]}]""",
                $$"""[{"op":"gt","field":"id","value":{{a}}},{"op":"exist","field":"Billing Reference","udf":true}]""",
                $$"""[{"op":"gt","field":"companyID","value":{{Data.Companies[40].Id}}},{"op":"lt","field":"id","value":{{c}}}]""",
                """[{"op":"eq","field":"status","value":0}]""",
                """[]""",
            };
        }

        [Theory]
        [MemberData(nameof(Filters))]
        public void Count_matches_a_full_scan(string filter)
        {
            foreach (var table in new[] { Contracts, GappyContracts })
            {
                var query = Parse(table, filter);

                Assert.Equal(table.Rows.Count(query.Filter), query.Count());
            }
        }

        [Theory]
        [MemberData(nameof(Filters))]
        public void Every_page_matches_a_full_scan_wherever_it_starts(string filter)
        {
            foreach (var table in new[] { Contracts, GappyContracts })
            {
                foreach (int maxRecords in new[] { 1, 7, 500 })
                {
                    var query = Parse(table, filter, maxRecords);
                    var matches = table.Rows.Where(query.Filter).ToList();
                    // From the start, after every match (as nextPageUrl does), and after ids that match nothing:
                    // below, inside and above the table, in its gaps, and at the ends of long.
                    var afters = new List<long?> { null, long.MinValue, long.MaxValue, 0, table.Rows[0].Id - 1, table.Rows[^1].Id };
                    afters.AddRange(matches.Where((_, i) => i % Math.Max(1, matches.Count / 40) == 0).Select(m => (long?)m.Id));
                    afters.AddRange(matches.Take(60).Select(m => (long?)(m.Id + 1)));

                    foreach (long? after in afters)
                    {
                        var expected = FullScanPage(matches, maxRecords, after);
                        var page = query.Page(after);

                        Assert.Equal(expected.Ids, page.Items.Select(r => r.Id));
                        Assert.Equal(expected.NextAfter, page.NextAfter);
                        Assert.Equal(expected.HasPrevious, page.HasPrevious);
                        Assert.Equal(expected.PreviousAfter, page.PreviousAfter);
                    }
                }
            }
        }

        [Theory]
        [MemberData(nameof(Filters))]
        public void More_than_500_matches_is_decided_like_a_full_scan(string filter)
        {
            var query = Parse(Contracts, filter);

            Assert.Equal(Contracts.Rows.Count(query.Filter) > 500, query.MatchesMoreThan(500));
        }

        [Fact]
        public void The_union_of_intervals_with_a_status_reads_every_row_once_in_id_order()
        {
            long first = Data.Contracts.Min(c => c.Id);
            string filter = $$"""
            [{"op":"or","items":[
                {"op":"and","items":[{"op":"gt","field":"id","value":{{first + 10}}},{"op":"lte","field":"id","value":{{first + 900}}}]},
                {"op":"and","items":[{"op":"gt","field":"id","value":{{first + 1500}}},{"op":"lte","field":"id","value":{{first + 2100}}}]}]},
             {"op":"eq","field":"status","value":1}]
            """;
            var query = Parse(Contracts, filter, 100);

            var ids = new List<long>();
            long? after = null;
            do
            {
                var page = query.Page(after);
                ids.AddRange(page.Items.Select(r => r.Id));
                after = page.NextAfter;
            } while (after is not null);

            var expected = Data.Contracts
                .Where(c => c.Status == 1 && ((c.Id > first + 10 && c.Id <= first + 900) || (c.Id > first + 1500 && c.Id <= first + 2100)))
                .Select(c => c.Id).Order();
            Assert.Equal(expected, ids);
            Assert.True(ids.Count > 500); // several pages
        }

        [Fact]
        public void Rows_are_written_exactly_as_the_dictionaries_were()
        {
            foreach (var table in new[] { Companies, Contracts })
            {
                table.TryGetField("id", out int id);
                var includes = new IReadOnlyList<int>?[] { null, [table.Fields.Count - 1, id, 1], [2] };
                foreach (var include in includes)
                {
                    foreach (bool udfs in new[] { true, false })
                    {
                        byte[] expected = JsonSerializer.SerializeToUtf8Bytes(
                            new { items = table.Rows.Select(r => DictionaryRow(table, r, include, udfs)).ToList() }, SandboxJson.Options);
                        byte[] actual = JsonSerializer.SerializeToUtf8Bytes(
                            new { items = table.Rows.Select(r => table.ToJson(r, include, udfs)).ToList() }, SandboxJson.Options);

                        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
                    }
                }
            }
            // The data has text that needs escaping, so the comparison covers it.
            Assert.Contains(Data.Companies, c => c.CompanyName.Contains('\'') || c.CompanyName.Any(ch => ch > 127));
        }

        [Fact]
        public async Task Over_http_the_union_shape_pages_and_counts_like_the_data()
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 20, CompanyCount = 1200 });
            using var http = new HttpClient { BaseAddress = new Uri(server.AutotaskApiUri, "V1.0/") };
            long first = server.Contracts.Min(c => c.Id);
            string body = $$"""
            {"MaxRecords":200,"filter":[{"op":"or","items":[
                {"op":"and","items":[{"op":"gt","field":"id","value":{{first + 5}}},{"op":"lte","field":"id","value":{{first + 600}}}]},
                {"op":"and","items":[{"op":"gt","field":"id","value":{{first + 1000}}},{"op":"lte","field":"id","value":{{first + 1400}}}]}]},
             {"op":"eq","field":"status","value":1}]}
            """;
            var expected = server.Contracts
                .Where(c => c.Status == 1 && ((c.Id > first + 5 && c.Id <= first + 600) || (c.Id > first + 1000 && c.Id <= first + 1400)))
                .Select(c => c.Id).ToArray();

            var ids = new List<long>();
            var previousLinks = new List<string?>();
            string? url = "Contracts/query";
            while (url is not null)
            {
                using var response = await SendAsync(http, url, body);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                ids.AddRange(json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
                var details = json.RootElement.GetProperty("pageDetails");
                previousLinks.Add(details.GetProperty("prevPageUrl").GetString());
                url = details.GetProperty("nextPageUrl").GetString();
            }
            using var count = await SendAsync(http, "Contracts/query/count", body);
            using var countJson = JsonDocument.Parse(await count.Content.ReadAsStringAsync());

            Assert.Equal(expected, ids);
            Assert.Equal((expected.Length + 199) / 200, previousLinks.Count);
            Assert.Null(previousLinks[0]);
            Assert.All(previousLinks.Skip(1), Assert.NotNull);
            Assert.Equal(expected.Length, countJson.RootElement.GetProperty("queryCount").GetInt32());
        }

        private static AutotaskQuery Parse(AutotaskTable table, string filter, int maxRecords = 500) =>
            AutotaskQuery.Parse($$"""{"MaxRecords":{{maxRecords}},"filter":{{filter}}}""", table);

        /// <summary>The plain way: the page after <paramref name="after"/> among all matches, and its links.</summary>
        private static (long[] Ids, long? NextAfter, bool HasPrevious, long? PreviousAfter) FullScanPage(
            List<AutotaskRow> matches, int maxRecords, long? after)
        {
            int start = after is long a ? matches.Count(m => m.Id <= a) : 0;
            int end = Math.Min(start + maxRecords, matches.Count);
            long? next = end < matches.Count ? matches[end - 1].Id : null;
            int previousStart = Math.Max(0, start - maxRecords);
            long? previous = start > 0 && previousStart > 0 ? matches[previousStart - 1].Id : null;
            return (matches.Skip(start).Take(end - start).Select(m => m.Id).ToArray(), next, start > 0, previous);
        }

        /// <summary>How rows were built for the serializer before the converter.</summary>
        private static Dictionary<string, object?> DictionaryRow(AutotaskTable table, AutotaskRow row, IReadOnlyList<int>? include, bool includeUdfs)
        {
            var json = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (int i in include ?? Enumerable.Range(0, table.Fields.Count).ToArray()) json[table.Fields[i].Name] = row.Values[i];
            if (includeUdfs && row.Udfs.Length > 0) json[AutotaskTable.UserDefinedFields] = row.Udfs;
            return json;
        }

        private static Task<HttpResponseMessage> SendAsync(HttpClient http, string url, string body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("ApiIntegrationCode", "SANDBOXINTEGRATIONCODE");
            request.Headers.Add("UserName", "sandbox-api@psamapping.example");
            request.Headers.Add("Secret", "sandbox-autotask-secret");
            return http.SendAsync(request);
        }
    }
}
