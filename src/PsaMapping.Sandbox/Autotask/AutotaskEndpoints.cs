using System.Buffers.Text;
using System.Text;

namespace PsaMapping.Sandbox.Autotask
{
    /// <summary>
    /// The Autotask REST v1.0 endpoints the module uses, as documented in shared/reference/autotask.md:
    /// zone discovery, queries with paging and counts, single items, entity metadata and the threshold.
    /// Every route accepts any method and answers 405 itself, so the body has Web API's shape.
    /// </summary>
    internal static class AutotaskEndpoints
    {
        private const string Root = "/ATServicesRest/V1.0";

        public static void Map(IEndpointRouteBuilder app, AutotaskState state)
        {
            // Zone lookup: no credentials and no limits (the gate is what applies them).
            app.Map(Root + "/ZoneInformation", (HttpContext context) => Zone(context, state))
                .WithSandboxEndpoint(SandboxEndpoints.AutotaskZone, AutotaskErrors.Write);

            app.Map(Root + "/ThresholdInformation", (HttpContext context) => Threshold(context, state))
                .WithSandboxEndpoint(SandboxEndpoints.AutotaskThreshold, AutotaskErrors.Write,
                    state.Gate(SandboxEndpoints.AutotaskThreshold, "ThresholdInformation"));

            foreach (var (entity, current) in state.TableSources)
            {
                // One key and one gate per entity: the thread limit counts all of an entity's requests together.
                // The table is looked up per request: the usage-billing tables change with every adjustment.
                string key = SandboxEndpoints.AutotaskEntity(entity);
                var gate = state.Gate(key, entity);
                string prefix = $"{Root}/{entity}";

                app.Map(prefix + "/query", Task<IResult> (HttpContext context) => QueryAsync(context, state, current(), isNextPage: false))
                    .WithSandboxEndpoint(key, AutotaskErrors.Write, gate);
                app.Map(prefix + "/query/next", Task<IResult> (HttpContext context) => QueryAsync(context, state, current(), isNextPage: true))
                    .WithSandboxEndpoint(key, AutotaskErrors.Write, gate);
                app.Map(prefix + "/query/count", Task<IResult> (HttpContext context) => CountAsync(context, current()))
                    .WithSandboxEndpoint(key, AutotaskErrors.Write, gate);
                app.Map(prefix + "/{id:long}", (HttpContext context, long id) => Item(context, current(), id))
                    .WithSandboxEndpoint(key, AutotaskErrors.Write, gate);
                app.Map(prefix + "/entityInformation", (HttpContext context) => EntityInformation(context, current()))
                    .WithSandboxEndpoint(key, AutotaskErrors.Write, gate);
                app.Map(prefix + "/entityInformation/fields", (HttpContext context) => Fields(context, current()))
                    .WithSandboxEndpoint(key, AutotaskErrors.Write, gate);
                app.Map(prefix + "/entityInformation/userDefinedFields", (HttpContext context) => UserDefinedFields(context, current()))
                    .WithSandboxEndpoint(key, AutotaskErrors.Write, gate);
            }

            // Other entities, other versions (V2.0 zone lookup included) and writes: Web API's 404.
            app.MapFallback("/ATServicesRest/{**path}", (HttpContext context) => AutotaskErrors.NoRoute(context))
                .WithSandboxEndpoint(SandboxEndpoints.Unknown, AutotaskErrors.Write);
        }

        private static IResult Zone(HttpContext context, AutotaskState state)
        {
            if (!HttpMethods.IsGet(context.Request.Method)) return AutotaskErrors.MethodNotAllowed(context, "GET");
            if (!string.Equals(context.Request.Query["user"], state.Options.AutotaskUserName, StringComparison.OrdinalIgnoreCase))
            {
                return AutotaskErrors.Errors(StatusCodes.Status500InternalServerError, "Zone information could not be determined");
            }
            return SandboxJson.Result(new ZoneJson(state.Options.AutotaskZoneName, state.ApiUri.ToString(), state.BaseUri.ToString(), ZoneCi));
        }

        /// <summary>The customer's Autotask "ci" number; any stable value will do.</summary>
        private const int ZoneCi = 123456;

        private static IResult Threshold(HttpContext context, AutotaskState state)
        {
            if (!HttpMethods.IsGet(context.Request.Method)) return AutotaskErrors.MethodNotAllowed(context, "GET");
            return SandboxJson.Result(new ThresholdJson(state.Options.AutotaskHourlyThreshold,
                AutotaskState.ThresholdTimeframeMinutes, state.CurrentTimeframeRequestCount));
        }

        /// <summary>
        /// query and query/next. Pages are keyset pages by id: the stateless paging token holds the last id
        /// returned and the method of the original query, which the next page must be fetched with.
        /// </summary>
        private static async Task<IResult> QueryAsync(HttpContext context, AutotaskState state, AutotaskTable table, bool isNextPage)
        {
            string method = context.Request.Method;
            if (!HttpMethods.IsGet(method) && !HttpMethods.IsPost(method)) return AutotaskErrors.MethodNotAllowed(context, "GET", "POST");

            long? after = null;
            if (isNextPage)
            {
                if (!PagingToken.TryRead(context.Request.Query["paging"], out var token))
                {
                    return AutotaskErrors.Errors(StatusCodes.Status500InternalServerError, "The paging token is missing or not valid.");
                }
                if (!string.Equals(token.Method, method, StringComparison.OrdinalIgnoreCase))
                {
                    return AutotaskErrors.MethodNotAllowed(context, token.Method);
                }
                after = token.After;
            }

            string? text = await ReadQueryTextAsync(context);
            AutotaskQuery query;
            try
            {
                query = AutotaskQuery.Parse(text, table);
            }
            catch (AutotaskQueryException ex)
            {
                return AutotaskErrors.Errors(StatusCodes.Status500InternalServerError, ex.Message);
            }

            // Counted over the whole result, whichever page this is.
            if (!query.IncludesId && query.MatchesMoreThan(AutotaskQuery.MaxPageSize))
            {
                return AutotaskErrors.Errors(StatusCodes.Status500InternalServerError,
                    $"IncludeFields must include id when a query returns more than {AutotaskQuery.MaxPageSize} records.");
            }

            var page = query.Page(after);
            var items = new List<AutotaskRowJson>(page.Items.Count);
            foreach (var row in page.Items)
            {
                items.Add(table.ToJson(row, query.IncludeFields, query.IncludeUdfs));
            }

            string? next = page.NextAfter is long nextAfter ? PageUrl(state, table, method, nextAfter, text!) : null;
            string? previous = page.HasPrevious ? PageUrl(state, table, method, page.PreviousAfter, text!) : null;
            return SandboxJson.Result(new QueryPage(items, new PageDetails(items.Count, query.MaxRecords, previous, next)));
        }

        private static async Task<IResult> CountAsync(HttpContext context, AutotaskTable table)
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsPost(context.Request.Method))
            {
                return AutotaskErrors.MethodNotAllowed(context, "GET", "POST");
            }
            try
            {
                var query = AutotaskQuery.Parse(await ReadQueryTextAsync(context), table);
                return SandboxJson.Result(new CountJson(query.Count()));
            }
            catch (AutotaskQueryException ex)
            {
                return AutotaskErrors.Errors(StatusCodes.Status500InternalServerError, ex.Message);
            }
        }

        private static IResult Item(HttpContext context, AutotaskTable table, long id)
        {
            if (!HttpMethods.IsGet(context.Request.Method)) return AutotaskErrors.MethodNotAllowed(context, "GET");
            return table.TryGet(id, out var row)
                ? SandboxJson.Result(new ItemJson(table.ToJson(row)))
                : AutotaskErrors.Errors(StatusCodes.Status404NotFound, $"No {table.EntityName} with id {id} was found.");
        }

        private static IResult EntityInformation(HttpContext context, AutotaskTable table)
        {
            if (!HttpMethods.IsGet(context.Request.Method)) return AutotaskErrors.MethodNotAllowed(context, "GET");
            return SandboxJson.Result(new { info = new EntityInfoJson(table.EntityName, true, false, true, true, table.UdfNames.Count > 0, true) });
        }

        private static IResult Fields(HttpContext context, AutotaskTable table)
        {
            if (!HttpMethods.IsGet(context.Request.Method)) return AutotaskErrors.MethodNotAllowed(context, "GET");
            return SandboxJson.Result(new { fields = table.Fields.Select(FieldInfoJson.From).ToArray() });
        }

        private static IResult UserDefinedFields(HttpContext context, AutotaskTable table)
        {
            if (!HttpMethods.IsGet(context.Request.Method)) return AutotaskErrors.MethodNotAllowed(context, "GET");
            return SandboxJson.Result(new
            {
                fields = table.UdfNames.Select(name => new UdfInfoJson(name, "string", 100, false, false, true, false, null)).ToArray(),
            });
        }

        /// <summary>A POST carries the query as its body; a GET in the search parameter.</summary>
        private static async Task<string?> ReadQueryTextAsync(HttpContext context)
        {
            if (HttpMethods.IsGet(context.Request.Method)) return context.Request.Query["search"];
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            return await reader.ReadToEndAsync(context.RequestAborted);
        }

        private static string PageUrl(AutotaskState state, AutotaskTable table, string method, long? after, string queryText) =>
            $"{state.ApiUri}V1.0/{table.Entity}/query/next?paging={PagingToken.Write(method, after)}&search={Uri.EscapeDataString(queryText.Trim())}";

        /// <summary>Opaque to clients: base64url of "METHOD|last id" (no id: from the start).</summary>
        private readonly record struct PagingToken(string Method, long? After)
        {
            public static string Write(string method, long? after) =>
                Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{method.ToUpperInvariant()}|{after}"));

            public static bool TryRead(string? text, out PagingToken token)
            {
                token = default;
                if (string.IsNullOrEmpty(text)) return false;
                string decoded;
                try
                {
                    decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
                }
                catch (FormatException)
                {
                    return false;
                }
                var parts = decoded.Split('|');
                if (parts.Length != 2 || parts[0] is not ("GET" or "POST")) return false;
                if (parts[1].Length == 0)
                {
                    token = new PagingToken(parts[0], null);
                    return true;
                }
                if (!long.TryParse(parts[1], System.Globalization.NumberStyles.AllowLeadingSign,
                        System.Globalization.CultureInfo.InvariantCulture, out long after)) return false;
                token = new PagingToken(parts[0], after);
                return true;
            }
        }

        private sealed record ZoneJson(string ZoneName, string Url, string WebUrl, int Ci);

        private sealed record ThresholdJson(int ExternalRequestThreshold, int RequestThresholdTimeframe, int CurrentTimeframeRequestCount);

        private sealed record QueryPage(IReadOnlyList<AutotaskRowJson> Items, PageDetails PageDetails);

        private sealed record PageDetails(int Count, int RequestCount, string? PrevPageUrl, string? NextPageUrl);

        private sealed record CountJson(int QueryCount);

        private sealed record ItemJson(AutotaskRowJson Item);

        private sealed record EntityInfoJson(string Name, bool CanCreate, bool CanDelete, bool CanQuery, bool CanUpdate,
            bool HasUserDefinedFields, bool SupportsWebhookCallouts);
    }
}
