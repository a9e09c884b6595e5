using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using PsaMapping.Engine.Http;

namespace PsaMapping.Engine.Sophos
{
    /// <summary>
    /// The Sophos Central Partner API: client-credentials token, whoami, and the partner's tenants.
    /// Keeps the token fresh by itself (a new one shortly before expiry, and once more on a 401).
    /// </summary>
    public sealed class SophosCentralClient : IDisposable
    {
        public static readonly ApiService Service = ApiService.SophosCentral;
        public const string DefaultAuthUri = "https://id.sophos.com";
        public const string DefaultApiUri = "https://api.central.sophos.com";

        /// <summary>The documented page size, treated as the maximum.</summary>
        public const int PageSize = 100;

        /// <summary>The tenants' page size (<see cref="PageSize"/>).</summary>
        public const int TenantPageSize = PageSize;

        // Endpoint keys: the same names the sandbox counts requests under.
        public const string TokenEndpoint = EndpointNames.SophosToken;
        public const string WhoAmIEndpoint = EndpointNames.SophosWhoAmI;
        public const string TenantsEndpoint = EndpointNames.SophosTenants;
        public const string TenantEndpoint = EndpointNames.SophosTenant;
        public const string UsageEndpoint = EndpointNames.SophosUsage;

        private static readonly TimeSpan LongestRefreshMargin = TimeSpan.FromSeconds(120);

        private readonly ClientCredential _credential;
        private readonly Uri _authBase;
        private readonly Uri _apiBase;
        private readonly TimeProvider _time;
        private readonly SemaphoreSlim _tokenLock = new SemaphoreSlim(1, 1);
        private readonly SemaphoreSlim _customersLock = new SemaphoreSlim(1, 1);
        private readonly SemaphoreSlim _usageLock = new SemaphoreSlim(1, 1);
        private readonly Dictionary<string, SophosUsageReport> _usage = new Dictionary<string, SophosUsageReport>(StringComparer.Ordinal);

        private string? _token;
        private DateTimeOffset _tokenExpiresAt;
        private DateTimeOffset _tokenRefreshAt;
        private Uri? _globalBase;
        private Guid _partnerId;
        private IReadOnlyList<SophosCustomer>? _customers;

        public SophosCentralClient(ClientCredential credential, Uri? authUri = null, Uri? apiUri = null,
            HttpMessageHandler? handler = null, ResilienceOptions? resilience = null, TimeProvider? timeProvider = null)
        {
            _credential = credential ?? throw new ArgumentNullException(nameof(credential));
            _authBase = UriPolicy.RequireSecureBase(authUri ?? new Uri(DefaultAuthUri), "The Sophos authentication address");
            _apiBase = UriPolicy.RequireSecureBase(apiUri ?? new Uri(DefaultApiUri), "The Sophos API address");
            _time = timeProvider ?? TimeProvider.System;
            Http = new ResilientHttpClient(Service, handler ?? new HttpClientHandler(), resilience, _time);
        }

        public ResilientHttpClient Http { get; }

        /// <summary>The connection made by <see cref="ConnectAsync"/>, with the current token expiry.</summary>
        public SophosConnection? Connection => _globalBase == null
            ? null
            : new SophosConnection(_partnerId, _credential.Id, new Uri(_globalBase.GetLeftPart(UriPartial.Authority)), _authBase, _tokenExpiresAt);

        /// <summary>Gets a token and asks whoami who the credentials belong to; refuses anything but a partner.</summary>
        public async Task<SophosConnection> ConnectAsync(CancellationToken cancellationToken)
        {
            await RefreshTokenAsync(null, cancellationToken).ConfigureAwait(false);

            var whoAmIUri = new Uri(_apiBase, "whoami/v1");
            WhoAmIDto whoAmI;
            using (HttpResponseMessage response = await SendWithTokenAsync(WhoAmIEndpoint,
                       () => new HttpRequestMessage(HttpMethod.Get, whoAmIUri), cancellationToken).ConfigureAwait(false))
            {
                await EnsureSuccessAsync(response, "whoami", cancellationToken).ConfigureAwait(false);
                whoAmI = await JsonBody.ReadAsync<WhoAmIDto>(response, Service, "GET /whoami/v1").ConfigureAwait(false);
            }

            if (!string.Equals(whoAmI.IdType, "partner", StringComparison.OrdinalIgnoreCase))
                throw new PsaMappingException(ErrorIds.SophosNotPartnerCredential, PsaErrorKind.WrongCredentialType,
                    $"These are {whoAmI.IdType} credentials, but PsaMapping needs a partner's: it lists the partner's customers. " +
                    "Create the API credential in Sophos Central Partner (Settings, API Credentials Management) and connect with that client ID and secret.")
                { Target = _credential.Id };

            if (!Guid.TryParse(whoAmI.Id, out Guid partnerId))
                throw new PsaMappingException(ErrorIds.SophosInvalidResponse, PsaErrorKind.InvalidResponse,
                    $"{Service.Name} answered whoami with a partner id that is not a GUID ('{whoAmI.Id}'). Run the command again; if it persists, the service may be having problems.");

            string? global = whoAmI.ApiHosts?.Global;
            if (string.IsNullOrWhiteSpace(global) || !Uri.TryCreate(global!.Trim().TrimEnd('/'), UriKind.Absolute, out Uri? globalUri))
                throw new PsaMappingException(ErrorIds.SophosInvalidResponse, PsaErrorKind.InvalidResponse,
                    $"{Service.Name} answered whoami without a usable apiHosts.global ('{global}'). Run the command again; if it persists, the service may be having problems.");

            _globalBase = UriPolicy.RequireSecureBase(globalUri, "The partner API host named by whoami");
            _partnerId = partnerId;
            _customers = null;
            _usage.Clear();
            return Connection!;
        }

        /// <summary>
        /// Every customer of the partner. Page 1 tells how many pages there are; the rest are fetched
        /// concurrently (the pipeline keeps at most a few in flight). Cached until <paramref name="refresh"/>.
        /// </summary>
        public async Task<IReadOnlyList<SophosCustomer>> GetCustomersAsync(bool refresh, IOperationObserver? observer,
            CancellationToken cancellationToken)
        {
            observer = observer ?? NullObserver.Instance;
            await _customersLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_customers != null && !refresh)
                {
                    observer.Verbose($"Using the {_customers.Count} Sophos Central customers already fetched in this session (-Refresh fetches them again).");
                    return _customers;
                }

                _customers = await FetchAllCustomersAsync(observer, cancellationToken).ConfigureAwait(false);
                return _customers;
            }
            finally
            {
                _customersLock.Release();
            }
        }

        /// <summary>One customer by id, or null when the partner has no such customer.</summary>
        public async Task<SophosCustomer?> GetCustomerAsync(Guid id, CancellationToken cancellationToken)
        {
            Uri global = RequireConnected();
            IReadOnlyList<SophosCustomer>? cached = _customers;
            if (cached != null) return cached.FirstOrDefault(customer => customer.SophosCustomerId == id);

            var uri = new Uri(global, "partner/v1/tenants/" + id.ToString("D"));
            using (HttpResponseMessage response = await SendPartnerRequestAsync(TenantEndpoint, uri, cancellationToken).ConfigureAwait(false))
            {
                if (response.StatusCode == HttpStatusCode.NotFound) return null;
                await EnsureSuccessAsync(response, "the customer " + id, cancellationToken).ConfigureAwait(false);
                TenantDto tenant = await JsonBody.ReadAsync<TenantDto>(response, Service, "GET /partner/v1/tenants/{id}").ConfigureAwait(false);
                return tenant.ToCustomer();
            }
        }

        private async Task<IReadOnlyList<SophosCustomer>> FetchAllCustomersAsync(IOperationObserver observer, CancellationToken cancellationToken)
        {
            List<TenantDto> tenants = (await ReadAllPagesAsync<TenantDto>(TenantsEndpoint, "partner/v1/tenants", "the customer list",
                "Listing Sophos Central customers", notFoundMeansNone: false, observer, cancellationToken).ConfigureAwait(false))!;

            // A tenant added while we page can shift another onto two pages: keep the first sighting.
            var seen = new HashSet<Guid>();
            var customers = new List<SophosCustomer>();
            foreach (TenantDto tenant in tenants)
                if (seen.Add(tenant.Id)) customers.Add(tenant.ToCustomer());

            observer.Verbose($"Fetched {customers.Count} Sophos Central customers.");
            return customers;
        }

        /// <summary>
        /// The billing usage report of a month (GET /partner/v1/billing/usage/{year}/{month}), every page of it,
        /// fetched once per session and month unless <paramref name="refresh"/>. A 404 is Sophos saying it has no
        /// report for that month (yet): the answer then has <see cref="SophosUsageReport.HasData"/> false.
        /// </summary>
        public async Task<SophosUsageReport> GetUsageAsync(int year, int month, bool refresh, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            if (year < 2000 || year > 9999) throw new ArgumentOutOfRangeException(nameof(year), year, "The year must be between 2000 and 9999.");
            if (month < 1 || month > 12) throw new ArgumentOutOfRangeException(nameof(month), month, "The month must be between 1 and 12.");
            observer = observer ?? NullObserver.Instance;
            string key = string.Format(CultureInfo.InvariantCulture, "{0:D4}/{1:D2}", year, month);
            await _usageLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!refresh && _usage.TryGetValue(key, out SophosUsageReport? cached))
                {
                    observer.Verbose($"Using the Sophos Central usage of {key} already fetched in this session.");
                    return cached;
                }

                List<UsageItemDto>? items = await ReadAllPagesAsync<UsageItemDto>(UsageEndpoint, "partner/v1/billing/usage/" + key,
                    "the billing usage of " + key, "Reading Sophos Central usage of " + key, notFoundMeansNone: true, observer,
                    cancellationToken).ConfigureAwait(false);
                var report = items == null
                    ? new SophosUsageReport(year, month, false, Array.Empty<SophosUsageItem>())
                    : new SophosUsageReport(year, month, true, items.Select(item => item.ToItem(year, month)).ToList());
                observer.Verbose(report.HasData
                    ? $"Fetched {report.Items.Count} Sophos Central usage items for {key}."
                    : $"Sophos Central has no usage report for {key} yet.");
                _usage[key] = report;
                return report;
            }
            finally
            {
                _usageLock.Release();
            }
        }

        /// <summary>
        /// Every item of a Sophos list, whichever way the answers page: when a page carries pages.nextKey, the next
        /// is asked for with pageFromKey (one after another, as keys come); otherwise by page number, the rest at
        /// once when page 1 tells the total, or on until a short page when it does not. Null when the first page is
        /// a 404 and <paramref name="notFoundMeansNone"/>.
        /// </summary>
        private async Task<List<T>?> ReadAllPagesAsync<T>(string endpoint, string path, string what, string activity, bool notFoundMeansNone,
            IOperationObserver observer, CancellationToken cancellationToken)
        {
            Task<PageDto<T>?> Page(string query, string label) => FetchPageAsync<T>(endpoint, path + "?" + query, what, label, notFoundMeansNone, cancellationToken);
            string ByNumber(int page) => string.Format(CultureInfo.InvariantCulture, "page={0}&pageSize={1}&pageTotal=true", page, PageSize);

            PageDto<T>? first = await Page(ByNumber(1), "page 1").ConfigureAwait(false);
            if (first == null) return null;
            var items = new List<T>(first.Items);

            if (!string.IsNullOrEmpty(first.Pages?.NextKey))
            {
                var keys = new HashSet<string>(StringComparer.Ordinal);
                string? key = first.Pages!.NextKey;
                for (int page = 2; !string.IsNullOrEmpty(key); page++)
                {
                    if (!keys.Add(key!))
                        throw new PsaMappingException(ErrorIds.SophosInvalidResponse, PsaErrorKind.InvalidResponse,
                            $"{Service.Name} answered {what} with a next-page key it had already given; reading stopped rather than loop. Run the command again; if it persists, report it to Sophos.");
                    observer.Progress(new OperationProgress(activity, $"Page {page}", 0, 0));
                    PageDto<T> next = await Page(string.Format(CultureInfo.InvariantCulture, "pageFromKey={0}&pageSize={1}&pageTotal=true",
                        Uri.EscapeDataString(key!), PageSize), "page " + page).ConfigureAwait(false) ?? throw NoLongerThere(what, page);
                    items.AddRange(next.Items);
                    key = next.Pages?.NextKey;
                }

                return items;
            }

            int? total = first.Pages?.Total;
            if (total.HasValue)
            {
                observer.Progress(new OperationProgress(activity, $"Page 1 of {total}", 1, total.Value));
                int done = 1;
                var rest = Enumerable.Range(2, Math.Max(0, total.Value - 1)).Select(async page =>
                {
                    PageDto<T> dto = await Page(ByNumber(page), "page " + page).ConfigureAwait(false) ?? throw NoLongerThere(what, page);
                    int completed = Interlocked.Increment(ref done);
                    observer.Progress(new OperationProgress(activity, $"Page {completed} of {total}", completed, total.Value));
                    return dto;
                }).ToList();
                foreach (PageDto<T> page in await Task.WhenAll(rest).ConfigureAwait(false)) items.AddRange(page.Items);
            }
            else
            {
                // A server that does not report the total: read on until a short page. The bound keeps a
                // misbehaving server from holding us in an endless loop.
                PageDto<T> last = first;
                for (int page = 2; last.Items.Count >= PageSize && page <= 100000; page++)
                {
                    observer.Progress(new OperationProgress(activity, $"Page {page}", 0, 0));
                    last = await Page(ByNumber(page), "page " + page).ConfigureAwait(false) ?? throw NoLongerThere(what, page);
                    items.AddRange(last.Items);
                }
            }

            return items;
        }

        private static PsaMappingException NoLongerThere(string what, int page) =>
            new PsaMappingException(ErrorIds.SophosNotFound, PsaErrorKind.NotFound,
                $"{Service.Name} answered page {page} of {what} with 404 after page 1 was there. Run the command again.");

        private async Task<PageDto<T>?> FetchPageAsync<T>(string endpoint, string pathAndQuery, string what, string label, bool notFoundMeansNone,
            CancellationToken cancellationToken)
        {
            var uri = new Uri(RequireConnected(), pathAndQuery);
            using (HttpResponseMessage response = await SendPartnerRequestAsync(endpoint, uri, cancellationToken).ConfigureAwait(false))
            {
                if (notFoundMeansNone && response.StatusCode == HttpStatusCode.NotFound) return null;
                await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
                return await JsonBody.ReadAsync<PageDto<T>>(response, Service, "GET /" + pathAndQuery.Split('?')[0] + " (" + label + ")").ConfigureAwait(false);
            }
        }

        private Task<HttpResponseMessage> SendPartnerRequestAsync(string endpoint, Uri uri, CancellationToken cancellationToken)
        {
            string partnerId = _partnerId.ToString("D");
            return SendWithTokenAsync(endpoint, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.Add("X-Partner-ID", partnerId);
                return request;
            }, cancellationToken);
        }

        /// <summary>
        /// Sends with a current bearer token. A token about to expire is replaced first; a 401 (the token was
        /// revoked or expired early) gets one new token and one more try.
        /// </summary>
        private async Task<HttpResponseMessage> SendWithTokenAsync(string endpoint, Func<HttpRequestMessage> createRequest,
            CancellationToken cancellationToken)
        {
            string token = await GetTokenAsync(cancellationToken).ConfigureAwait(false);
            HttpResponseMessage response = await Http.SendAsync(endpoint, () => WithToken(createRequest(), token), cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized) return response;

            response.Dispose();
            token = await RefreshTokenAsync(token, cancellationToken).ConfigureAwait(false);
            return await Http.SendAsync(endpoint, () => WithToken(createRequest(), token), cancellationToken).ConfigureAwait(false);
        }

        private static HttpRequestMessage WithToken(HttpRequestMessage request, string token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return request;
        }

        private async Task<string> GetTokenAsync(CancellationToken cancellationToken)
        {
            string? token = Volatile.Read(ref _token);
            if (token != null && _time.GetUtcNow() < _tokenRefreshAt) return token;
            return await RefreshTokenAsync(token, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Gets a new token unless another caller already replaced <paramref name="stale"/> meanwhile
        /// (many concurrent page requests must not each ask for one).
        /// </summary>
        private async Task<string> RefreshTokenAsync(string? stale, CancellationToken cancellationToken)
        {
            await _tokenLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                string? current = _token;
                if (current != null && current != stale && _time.GetUtcNow() < _tokenRefreshAt) return current;

                var tokenUri = new Uri(_authBase, "api/v2/oauth2/token");
                using (HttpResponseMessage response = await Http.SendAsync(TokenEndpoint, () => new HttpRequestMessage(HttpMethod.Post, tokenUri)
                       {
                           Content = new FormUrlEncodedContent(new[]
                           {
                               new KeyValuePair<string, string>("grant_type", "client_credentials"),
                               new KeyValuePair<string, string>("client_id", _credential.Id),
                               new KeyValuePair<string, string>("client_secret", _credential.RevealSecret()),
                               new KeyValuePair<string, string>("scope", "token"),
                           }),
                       }, cancellationToken).ConfigureAwait(false))
                {
                    if (!response.IsSuccessStatusCode)
                        throw await TokenErrorAsync(response).ConfigureAwait(false);

                    TokenResponseDto dto = await JsonBody.ReadAsync<TokenResponseDto>(response, Service, "POST /api/v2/oauth2/token").ConfigureAwait(false);
                    TimeSpan lifetime = TimeSpan.FromSeconds(dto.ExpiresIn.GetValueOrDefault(3600) > 0 ? dto.ExpiresIn.GetValueOrDefault(3600) : 3600);
                    // Renew a little before expiry: two minutes early for normal tokens, a fifth of the
                    // lifetime for short ones, so a request never leaves with a token about to lapse.
                    TimeSpan margin = TimeSpan.FromTicks(Math.Min(LongestRefreshMargin.Ticks, lifetime.Ticks / 5));
                    DateTimeOffset now = _time.GetUtcNow();
                    _tokenExpiresAt = now + lifetime;
                    _tokenRefreshAt = _tokenExpiresAt - margin;
                    Volatile.Write(ref _token, dto.AccessToken);
                    return dto.AccessToken;
                }
            }
            finally
            {
                _tokenLock.Release();
            }
        }

        private async Task<PsaMappingException> TokenErrorAsync(HttpResponseMessage response)
        {
            JObject? body = await JsonBody.TryReadObjectAsync(response).ConfigureAwait(false);
            string? code = (string?)body?["errorCode"];
            string tracking = (string?)body?["trackingId"] is string id ? $" (tracking id {id})" : string.Empty;
            if (response.StatusCode == HttpStatusCode.Unauthorized || response.StatusCode == HttpStatusCode.BadRequest || response.StatusCode == HttpStatusCode.Forbidden)
            {
                string what;
                switch (code)
                {
                    case "oauth.invalid_client_secret":
                        what = "the client secret was rejected";
                        break;
                    case "oauth.invalid_client_id":
                        what = $"the client ID '{_credential.Id}' is not known";
                        break;
                    case "oauth.client_disabled":
                        what = $"the API credential '{_credential.Id}' is disabled";
                        break;
                    default:
                        what = $"the client ID or secret was rejected ({code ?? "HTTP " + (int)response.StatusCode})";
                        break;
                }

                return new PsaMappingException(ErrorIds.SophosAuthenticationFailed, PsaErrorKind.AuthenticationFailed,
                    $"Sophos Central did not accept the credentials: {what}{tracking}. Check the client ID and secret of the API credential in " +
                    "Sophos Central Partner (a new secret can be generated there), then run Connect-SophosCentral again.")
                { Target = _credential.Id };
            }

            return new PsaMappingException(ErrorIds.SophosInvalidResponse, PsaErrorKind.InvalidResponse,
                $"Sophos Central answered the token request with HTTP {(int)response.StatusCode} {response.ReasonPhrase}{tracking}. Run Connect-SophosCentral again later.");
        }

        private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
        {
            if (response.IsSuccessStatusCode) return;
            cancellationToken.ThrowIfCancellationRequested();

            JObject? body = await JsonBody.TryReadObjectAsync(response).ConfigureAwait(false);
            string detail = (string?)body?["message"] ?? (string?)body?["error"] ?? response.ReasonPhrase ?? "";
            string request = (string?)body?["requestId"] is string requestId ? $" (request id {requestId})" : string.Empty;
            int status = (int)response.StatusCode;
            switch (response.StatusCode)
            {
                case HttpStatusCode.Unauthorized:
                    throw new PsaMappingException(ErrorIds.SophosAuthenticationFailed, PsaErrorKind.AuthenticationFailed,
                        $"Sophos Central refused a fresh token while reading {what} (401 {detail}){request}. The API credential may have been deleted or its secret renewed: run Connect-SophosCentral again.");
                case HttpStatusCode.Forbidden:
                    throw new PsaMappingException(ErrorIds.SophosForbidden, PsaErrorKind.Forbidden,
                        $"Sophos Central refused access to {what} (403 {detail}){request}. Check that the API credential belongs to this partner and has a role that can read customers, then run Connect-SophosCentral again.");
                case HttpStatusCode.NotFound:
                    throw new PsaMappingException(ErrorIds.SophosNotFound, PsaErrorKind.NotFound,
                        $"Sophos Central has no {what} (404 {detail}){request}.");
                default:
                    throw new PsaMappingException(ErrorIds.SophosRequestFailed, status >= 400 && status < 500 ? PsaErrorKind.InvalidArgument : PsaErrorKind.InvalidResponse,
                        $"Sophos Central answered the request for {what} with HTTP {status} {detail}{request}. Run the command again; if it persists, report the request id to Sophos.");
            }
        }

        private Uri RequireConnected() =>
            _globalBase ?? throw new PsaMappingException(ErrorIds.SophosNotConnected, PsaErrorKind.NotConnected,
                "Not connected to Sophos Central. Run Connect-SophosCentral first.");

        public void Dispose()
        {
            Http.Dispose();
            _tokenLock.Dispose();
            _customersLock.Dispose();
            _usageLock.Dispose();
        }
    }
}
