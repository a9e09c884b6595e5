using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PsaMapping.Sandbox.Autotask;
using PsaMapping.Sandbox.Sophos;

namespace PsaMapping.Sandbox.Billing
{
    /// <summary>
    /// The usage-billing endpoints: Sophos's monthly usage report, and Autotask's writes (a service line added to
    /// a contract, an adjustment through either route) and its refusal to query adjustments. Autotask's queries of
    /// Services, ContractServices and ContractServiceUnits are the ordinary query endpoints (<see cref="AutotaskEndpoints"/>).
    /// </summary>
    internal static class BillingEndpoints
    {
        private const string AutotaskRoot = "/ATServicesRest/V1.0";

        public static void MapSophos(IEndpointRouteBuilder app, SophosState state, SophosErrors errors, Lazy<SandboxBilling> billing)
        {
            app.MapGet("/partner/v1/billing/usage/{year}/{month}", (HttpContext context, string year, string month) =>
                    Usage(context, year, month, state, errors, billing.Value))
                .WithSandboxEndpoint(SandboxEndpoints.SophosUsage, errors.WriteApi);
        }

        public static void MapAutotask(IEndpointRouteBuilder app, AutotaskState state, Lazy<SandboxBilling> billing, Random faults)
        {
            string adjustments = SandboxEndpoints.AutotaskEntity(AutotaskEntities.ContractServiceAdjustments);
            var adjustmentsGate = state.Gate(adjustments, AutotaskEntities.ContractServiceAdjustments);
            app.Map(AutotaskRoot + "/ContractServiceAdjustments", Task<IResult> (HttpContext context) =>
                    AdjustAsync(context, null, state, billing.Value, faults))
                .WithSandboxEndpoint(adjustments, AutotaskErrors.Write, adjustmentsGate);
            app.Map(AutotaskRoot + "/Contracts/{id:long}/ServiceAdjustments", Task<IResult> (HttpContext context, long id) =>
                    AdjustAsync(context, id, state, billing.Value, faults))
                .WithSandboxEndpoint(adjustments, AutotaskErrors.Write, adjustmentsGate);
            // Create only: "it CANNOT be queried or updated". The route exists for POST alone.
            app.Map(AutotaskRoot + "/ContractServiceAdjustments/{**rest}", (HttpContext context) =>
                    AutotaskErrors.MethodNotAllowed(context))
                .WithSandboxEndpoint(adjustments, AutotaskErrors.Write, adjustmentsGate);

            string lines = SandboxEndpoints.AutotaskEntity(AutotaskEntities.ContractServices);
            app.Map(AutotaskRoot + "/Contracts/{id:long}/Services", Task<IResult> (HttpContext context, long id) =>
                    AddServiceAsync(context, id, billing.Value))
                .WithSandboxEndpoint(lines, AutotaskErrors.Write, state.Gate(lines, AutotaskEntities.ContractServices));
        }

        private static IResult Usage(HttpContext context, string yearText, string monthText, SophosState state, SophosErrors errors, SandboxBilling billing)
        {
            if (SophosEndpoints.AuthorizePartner(context, state, errors) is { } refused) return refused;
            // The month is zero-padded in Sophos's path: "2026/01", never "2026/1".
            if (yearText.Length != 4 || monthText.Length != 2
                || !int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out int year)
                || !int.TryParse(monthText, NumberStyles.None, CultureInfo.InvariantCulture, out int month) || month is < 1 or > 12)
            {
                return errors.Api(400, "The usage period must be /{yyyy}/{MM}, with a zero-padded month.", "invalidRequest");
            }
            var items = billing.Usage(year, month);
            if (items is null) return errors.Api(404, $"No billing usage was found for {yearText}/{monthText}.", "resourceNotFound");

            var query = context.Request.Query;
            if (!SophosEndpoints.TryReadInt(query["pageSize"], SophosEndpoints.DefaultPageSize, out int pageSize) || pageSize is < 1 or > SophosEndpoints.MaxPageSize)
            {
                return errors.Api(400, $"pageSize must be between 1 and {SophosEndpoints.MaxPageSize}.", "invalidRequest");
            }
            bool pageTotal = bool.TryParse(query["pageTotal"], out bool total) && total;
            int? pages = pageTotal ? (items.Count + pageSize - 1) / pageSize : null;
            int? count = pageTotal ? items.Count : null;

            if (state.Options.SophosUsagePaging == SophosPaging.Keys)
            {
                // Key paging: page numbers are not understood (a client that sends them gets the first page again).
                int offset = 0;
                string? fromKey = query["pageFromKey"];
                if (!string.IsNullOrEmpty(fromKey) && !TryReadKey(fromKey, year, month, out offset))
                {
                    return errors.Api(400, "pageFromKey is not a key this report gave.", "invalidRequest");
                }
                var page = items.Skip(offset).Take(pageSize).Select(UsageItemJson.From).ToArray();
                string? nextKey = offset + pageSize < items.Count ? WriteKey(year, month, offset + pageSize) : null;
                return SandboxJson.Result(new UsagePage(page, new KeyPages(fromKey, nextKey, pageSize, SophosEndpoints.MaxPageSize, pages, count)));
            }

            if (!SophosEndpoints.TryReadInt(query["page"], 1, out int number) || number < 1)
            {
                return errors.Api(400, "page must be a whole number of 1 or more.", "invalidRequest");
            }
            long skip = (long)(number - 1) * pageSize;
            var numbered = skip >= items.Count ? [] : items.Skip((int)skip).Take(pageSize).Select(UsageItemJson.From).ToArray();
            return SandboxJson.Result(new UsagePage(numbered, new SophosEndpoints.Pages(number, pageSize, pages, count, SophosEndpoints.MaxPageSize)));
        }

        private static string WriteKey(int year, int month, int offset) =>
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"usage|{year:D4}{month:D2}|{offset}"));

        private static bool TryReadKey(string key, int year, int month, out int offset)
        {
            offset = 0;
            try
            {
                var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(key)).Split('|');
                return parts.Length == 3 && parts[0] == "usage" && parts[1] == $"{year:D4}{month:D2}"
                       && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out offset);
            }
            catch (FormatException)
            {
                return false;
            }
        }

        /// <summary>
        /// POST ContractServiceAdjustments or Contracts/{id}/ServiceAdjustments: applied (200 {"itemId"}), refused
        /// (500 {"errors"}), or, at the configured rate, applied and then the connection dropped before any answer.
        /// </summary>
        private static async Task<IResult> AdjustAsync(HttpContext context, long? parentId, AutotaskState state, SandboxBilling billing, Random faults)
        {
            if (!HttpMethods.IsPost(context.Request.Method)) return AutotaskErrors.MethodNotAllowed(context, "POST");
            var body = await ReadBodyAsync(context);
            if (body is not { ValueKind: JsonValueKind.Object } json)
            {
                return AutotaskErrors.Errors(StatusCodes.Status500InternalServerError, "The request body must be a ContractServiceAdjustment object.");
            }

            long? contractId = Long(json, "contractID");
            if (parentId is long parent)
            {
                if (contractId is long named && named != parent)
                    return AutotaskErrors.Errors(StatusCodes.Status500InternalServerError, $"contractID {named} does not match the parent contract {parent}.");
                contractId = parent;
            }
            long? contractServiceId = Long(json, "contractServiceID"), serviceId = Long(json, "serviceID");
            DateTime? effective = Date(json, "effectiveDate");
            decimal? change = Decimal(json, "unitChange");
            if (contractId is null || effective is null || change is null || (contractServiceId is null && serviceId is null))
            {
                return AutotaskErrors.Errors(StatusCodes.Status500InternalServerError,
                    "contractID, effectiveDate, unitChange and serviceID or contractServiceID are required.");
            }

            double rate = state.Options.Faults.FractionAdjustmentApplyThenDrop;
            bool drop;
            lock (faults) drop = rate > 0 && (rate >= 1 || faults.NextDouble() < rate);
            var adjustment = billing.Adjust(contractId.Value, contractServiceId, serviceId, effective.Value, change.Value, drop);
            if (adjustment.Outcome == SandboxAdjustmentOutcome.Refused)
            {
                return AutotaskErrors.Errors(StatusCodes.Status500InternalServerError, adjustment.Message!);
            }
            if (adjustment.Outcome == SandboxAdjustmentOutcome.AppliedThenDropped)
            {
                context.Abort();
                return Results.Empty;
            }
            return SandboxJson.Result(new ItemIdJson(adjustment.Id!.Value));
        }

        /// <summary>POST Contracts/{id}/Services: adds a service line (Recurring Service contracts only).</summary>
        private static async Task<IResult> AddServiceAsync(HttpContext context, long contractId, SandboxBilling billing)
        {
            if (!HttpMethods.IsPost(context.Request.Method)) return AutotaskErrors.MethodNotAllowed(context, "POST");
            var body = await ReadBodyAsync(context);
            if (body is not { ValueKind: JsonValueKind.Object } json || Long(json, "serviceID") is not long serviceId)
            {
                return AutotaskErrors.Errors(StatusCodes.Status500InternalServerError, "serviceID is required.");
            }
            var (id, error) = billing.AddContractService(contractId, serviceId, Decimal(json, "unitPrice"), Decimal(json, "unitCost"),
                Text(json, "invoiceDescription"));
            return id is long created
                ? SandboxJson.Result(new ItemIdJson(created))
                : AutotaskErrors.Errors(StatusCodes.Status500InternalServerError, error!);
        }

        private static async Task<JsonElement?> ReadBodyAsync(HttpContext context)
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static JsonElement? Field(JsonElement json, string name)
        {
            foreach (var property in json.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind != JsonValueKind.Null)
                    return property.Value;
            }
            return null;
        }

        private static long? Long(JsonElement json, string name) =>
            Field(json, name) is { } v && (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n)
                || v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n))
                ? n
                : null;

        private static decimal? Decimal(JsonElement json, string name) =>
            Field(json, name) is { } v && (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out decimal d)
                || v.ValueKind == JsonValueKind.String && decimal.TryParse(v.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out d))
                ? d
                : null;

        private static DateTime? Date(JsonElement json, string name) =>
            Field(json, name) is { ValueKind: JsonValueKind.String } v && DateTime.TryParse(v.GetString(), CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date)
                ? DateTime.SpecifyKind(date, DateTimeKind.Utc)
                : null;

        private static string? Text(JsonElement json, string name) => Field(json, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

        private sealed record ItemIdJson(long ItemId);

        private sealed record UsagePage(IReadOnlyList<UsageItemJson> Items, object Pages);

        /// <summary>Key paging: nextKey is absent on the last page; total (pages) and items only with pageTotal=true.</summary>
        private sealed record KeyPages(
            [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FromKey,
            [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextKey,
            int Size,
            int MaxSize,
            [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Total,
            [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Items);

        /// <summary>An item as Sophos's clients read it: quantities as numbers, prices as strings; no accountId when there is none.</summary>
        private sealed record UsageItemJson(
            [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? AccountId,
            string? AssignedAccountIdentifier,
            string ProductCode,
            string Sku,
            string ProductDescription,
            string ProductGroup,
            decimal BillableQuantity,
            decimal ActualQuantity,
            decimal OrderedQuantity,
            string BillingStartDate,
            string BillingEndDate,
            string OrderLineItemNumber,
            string UnitPrice,
            string UnitPriceCurrency,
            string NetPrice,
            string NetPriceCurrency)
        {
            public static UsageItemJson From(SandboxUsageItem i) => new(i.AccountId, i.AssignedAccountIdentifier, i.ProductCode, i.Sku,
                i.ProductDescription, i.ProductGroup, i.BillableQuantity, i.ActualQuantity, i.OrderedQuantity,
                i.BillingStartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), i.BillingEndDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                i.OrderLineItemNumber, i.UnitPrice, i.Currency, i.NetPrice, i.Currency);
        }
    }
}
