using System.Globalization;
using System.Text.Json.Serialization;

namespace PsaMapping.Sandbox.Sophos
{
    /// <summary>
    /// The Sophos Central endpoints the module uses, as documented in shared/reference/sophos-central.md:
    /// the OAuth token endpoint (id.sophos.com), whoami, and the partner tenant list and lookup.
    /// </summary>
    internal static class SophosEndpoints
    {
        public const int DefaultPageSize = 50;
        public const int MaxPageSize = 100;

        public static void Map(IEndpointRouteBuilder app, SophosState state, SophosErrors errors)
        {
            // An explicit Task<IResult> return type keeps this off the RequestDelegate overload, which would discard the result.
            app.MapPost("/api/v2/oauth2/token", Task<IResult> (HttpContext context) => TokenAsync(context, state, errors))
                .WithSandboxEndpoint(SandboxEndpoints.SophosToken, SophosErrors.WriteOAuth);

            app.MapGet("/whoami/v1", (HttpContext context) => WhoAmI(context, state, errors))
                .WithSandboxEndpoint(SandboxEndpoints.SophosWhoAmI, errors.WriteApi);

            app.MapGet("/partner/v1/tenants", (HttpContext context) => Tenants(context, state, errors))
                .WithSandboxEndpoint(SandboxEndpoints.SophosTenants, errors.WriteApi);

            app.MapGet("/partner/v1/tenants/{id}", (HttpContext context, string id) => Tenant(context, id, state, errors))
                .WithSandboxEndpoint(SandboxEndpoints.SophosTenant, errors.WriteApi);
        }

        private static async Task<IResult> TokenAsync(HttpContext context, SophosState state, SophosErrors errors)
        {
            if (!context.Request.HasFormContentType)
            {
                return SophosErrors.OAuth(400, "oauth.invalid_request", "Expected an application/x-www-form-urlencoded body.");
            }
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            string? grantType = form["grant_type"];
            if (string.IsNullOrEmpty(grantType))
            {
                return SophosErrors.OAuth(400, "oauth.invalid_request", "grant_type is required.");
            }
            if (grantType != "client_credentials")
            {
                return SophosErrors.OAuth(400, "oauth.unsupported_grant_type", "Only grant_type=client_credentials is supported.");
            }

            var options = state.Options;
            string? clientId = form["client_id"];
            string? clientSecret = form["client_secret"];
            (SophosClientKind Kind, string Secret)? client =
                clientId == options.SophosClientId ? (SophosClientKind.Partner, options.SophosClientSecret)
                : clientId == options.SophosTenantClientId ? (SophosClientKind.Tenant, options.SophosTenantClientSecret)
                : null;
            if (client is null)
            {
                return SophosErrors.OAuth(401, "oauth.invalid_client_id", "Unauthorized");
            }
            if (clientSecret != client.Value.Secret)
            {
                return SophosErrors.OAuth(401, "oauth.invalid_client_secret", "Unauthorized");
            }

            var token = state.Issue(client.Value.Kind, clientId!);
            return SandboxJson.Result(new TokenResponse(
                token.Value,
                "Bearer",
                options.Faults.TokenLifetimeSeconds,
                Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)),
                "success",
                "OK",
                Guid.NewGuid()));
        }

        private static IResult WhoAmI(HttpContext context, SophosState state, SophosErrors errors)
        {
            if (!state.TryAuthenticate(context.Request.Headers.Authorization, out var token))
            {
                return errors.Api(401, "The access token is missing, invalid or expired.", "unauthorized");
            }
            return token.Kind == SophosClientKind.Partner
                ? SandboxJson.Result(new WhoAmIResponse(state.Options.PartnerId, "partner", new ApiHosts(state.GlobalApiHost, null)))
                // The data region points back at the sandbox too, so a client that follows it still lands here.
                : SandboxJson.Result(new WhoAmIResponse(state.TenantCredentialTenantId, "tenant",
                    new ApiHosts(state.GlobalApiHost, state.GlobalApiHost)));
        }

        private static IResult Tenants(HttpContext context, SophosState state, SophosErrors errors)
        {
            if (AuthorizePartner(context, state, errors) is { } refused) return refused;

            var query = context.Request.Query;
            if (!TryReadInt(query["page"], 1, out int page) || page < 1)
            {
                return errors.Api(400, "page must be a whole number of 1 or more.", "invalidRequest");
            }
            if (!TryReadInt(query["pageSize"], DefaultPageSize, out int pageSize) || pageSize < 1 || pageSize > MaxPageSize)
            {
                return errors.Api(400, $"pageSize must be between 1 and {MaxPageSize}.", "invalidRequest");
            }
            bool pageTotal = bool.TryParse(query["pageTotal"], out bool total) && total;

            var all = state.TenantsJson;
            long skip = (long)(page - 1) * pageSize;
            TenantJson[] items = skip >= all.Count ? [] : all.Skip((int)skip).Take(pageSize).ToArray();
            var pages = new Pages(
                page,
                pageSize,
                pageTotal ? (all.Count + pageSize - 1) / pageSize : null,
                pageTotal ? all.Count : null,
                MaxPageSize);
            return SandboxJson.Result(new TenantPage(items, pages));
        }

        private static IResult Tenant(HttpContext context, string id, SophosState state, SophosErrors errors)
        {
            if (AuthorizePartner(context, state, errors) is { } refused) return refused;
            if (!Guid.TryParse(id, out var tenantId))
            {
                return errors.Api(400, $"'{id}' is not a valid tenant id.", "invalidRequest");
            }
            return state.TryGetTenant(tenantId, out var tenant)
                ? SandboxJson.Result(tenant)
                : errors.Api(404, $"Tenant {tenantId} was not found.", "resourceNotFound");
        }

        /// <summary>401 for a missing/unknown/expired token; 403 for a tenant-level token or a wrong X-Partner-ID.</summary>
        internal static IResult? AuthorizePartner(HttpContext context, SophosState state, SophosErrors errors)
        {
            if (!state.TryAuthenticate(context.Request.Headers.Authorization, out var token))
            {
                return errors.Api(401, "The access token is missing, invalid or expired.", "unauthorized");
            }
            if (token.Kind != SophosClientKind.Partner)
            {
                return errors.Api(403, "The partner API needs partner credentials; these are tenant credentials.", "forbidden");
            }
            if (!Guid.TryParse(context.Request.Headers["X-Partner-ID"], out var partnerId) || partnerId != state.Options.PartnerId)
            {
                return errors.Api(403, "X-Partner-ID is missing or does not match the caller.", "forbidden");
            }
            return null;
        }

        internal static bool TryReadInt(string? text, int fallback, out int value)
        {
            if (string.IsNullOrEmpty(text))
            {
                value = fallback;
                return true;
            }
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }

        private sealed record TokenResponse(
            [property: JsonPropertyName("access_token")] string AccessToken,
            [property: JsonPropertyName("token_type")] string TokenType,
            [property: JsonPropertyName("expires_in")] int ExpiresIn,
            [property: JsonPropertyName("refresh_token")] string RefreshToken,
            [property: JsonPropertyName("errorCode")] string ErrorCode,
            [property: JsonPropertyName("message")] string Message,
            [property: JsonPropertyName("trackingId")] Guid TrackingId);

        private sealed record WhoAmIResponse(Guid Id, string IdType, ApiHosts ApiHosts);

        /// <summary>Partner credentials get no dataRegion at all (absent, not null).</summary>
        private sealed record ApiHosts(
            string Global,
            [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DataRegion);

        private sealed record TenantPage(IReadOnlyList<TenantJson> Items, Pages Pages);

        /// <summary>total and items appear only when the caller asked with pageTotal=true.</summary>
        internal sealed record Pages(
            int Current,
            int Size,
            [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Total,
            [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Items,
            int MaxSize);
    }
}
