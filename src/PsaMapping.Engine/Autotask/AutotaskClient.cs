using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PsaMapping.Engine.Http;

namespace PsaMapping.Engine.Autotask
{
    /// <summary>
    /// The Autotask PSA REST API (V1.0): zone discovery, the three authentication headers, entity queries
    /// with paging, picklists. Requests are a shared, scarce budget (10,000 an hour for the whole database,
    /// 3 at a time per endpoint), so everything here asks for as much as one request allows.
    /// </summary>
    public sealed class AutotaskClient : IDisposable
    {
        public static readonly ApiService Service = ApiService.Autotask;
        public const string DefaultZoneUri = "https://webservices.autotask.net";

        /// <summary>Most rows one query page may return.</summary>
        public const int MaxRecords = 500;

        public const string ZoneEndpoint = EndpointNames.AutotaskZone;
        public static string EntityEndpoint(string entity) => EndpointNames.AutotaskEntity(entity);

        private readonly Uri _zoneBase;
        private readonly Uri? _givenApiBase;
        private readonly ConcurrentDictionary<string, Task<IReadOnlyDictionary<string, Picklist>>> _picklists =
            new ConcurrentDictionary<string, Task<IReadOnlyDictionary<string, Picklist>>>(StringComparer.OrdinalIgnoreCase);

        private Uri? _restBase;

        public AutotaskClient(AutotaskCredential credential, Uri? zoneUri = null, Uri? apiUri = null,
            HttpMessageHandler? handler = null, ResilienceOptions? resilience = null, TimeProvider? timeProvider = null)
        {
            Credential = credential ?? throw new ArgumentNullException(nameof(credential));
            _zoneBase = UriPolicy.RequireSecureBase(zoneUri ?? new Uri(DefaultZoneUri), "The Autotask zone lookup address");
            _givenApiBase = apiUri == null ? null : UriPolicy.RequireSecureBase(apiUri, "The Autotask API address");
            Http = new ResilientHttpClient(Service, handler ?? new HttpClientHandler(), SharedThreadLimit(resilience, credential), timeProvider,
                isTransientFailure: AutotaskErrors.IsTransientAsync, wasNotProcessed: AutotaskErrors.WasNotProcessedAsync);
        }

        public AutotaskCredential Credential { get; }

        public ResilientHttpClient Http { get; }

        public Uri ZoneUri => _zoneBase;

        /// <summary>The -ApiUri given, if any (then no zone lookup is made).</summary>
        public Uri? GivenApiUri => _givenApiBase;

        /// <summary>The REST base in use ({zone url}V1.0/), once connected.</summary>
        public Uri? RestBase => _restBase;

        /// <summary>
        /// Finds the user's zone (unless an API address was given) and checks the credentials with one cheap
        /// authenticated call, which also brings the company picklists; the contract picklists come alongside.
        /// </summary>
        public async Task<AutotaskConnection> ConnectAsync(CancellationToken cancellationToken)
        {
            Uri apiBase = _givenApiBase ?? await LookUpZoneAsync(cancellationToken).ConfigureAwait(false);
            Uri restBase = new Uri(apiBase, "V1.0/");

            // The contract picklists go out beside the credential check: every contract command needs them, and
            // fetched here they cost no round trip of their own later.
            Task<IReadOnlyDictionary<string, Picklist>> contractPicklists = FetchPicklistsAsync(restBase, "Contracts", cancellationToken);
            Uri fieldsUri = new Uri(restBase, "Companies/entityInformation/fields");
            try
            {
                using (HttpResponseMessage response = await SendAuthenticatedAsync(EntityEndpoint("Companies"),
                           () => new HttpRequestMessage(HttpMethod.Get, fieldsUri), cancellationToken).ConfigureAwait(false))
                {
                    if (!response.IsSuccessStatusCode)
                        throw await AutotaskErrors.CredentialErrorAsync(response, Credential, zoneLookedUp: _givenApiBase == null).ConfigureAwait(false);
                    var fields = await JsonBody.ReadAsync<EntityFieldsDto>(response, Service, "GET Companies/entityInformation/fields").ConfigureAwait(false);
                    _picklists["Companies"] = Task.FromResult(Picklist.From(fields));
                }
            }
            catch
            {
                _ = contractPicklists.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                throw;
            }

            try
            {
                _picklists["Contracts"] = Task.FromResult(await contractPicklists.ConfigureAwait(false));
            }
            catch (PsaMappingException)
            {
                // Not needed to connect: a contract command fetches them again when it needs them.
            }

            _restBase = restBase;
            return new AutotaskConnection(Credential.UserName, apiBase, _givenApiBase == null ? _zoneBase : null);
        }

        /// <summary>
        /// Autotask counts its 3-thread limit per integration code, so every session of this process that uses
        /// the same code shares one limit (keyed by a hash: the code itself is a secret).
        /// </summary>
        private static ResilienceOptions SharedThreadLimit(ResilienceOptions? options, AutotaskCredential credential)
        {
            ResilienceOptions shared = (options ?? new ResilienceOptions()).Clone();
            if (shared.ConcurrencyScope == null)
            {
                using (var sha = System.Security.Cryptography.SHA256.Create())
                {
                    byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(credential.RevealIntegrationCode()));
                    shared.ConcurrencyScope = "autotask:" + BitConverter.ToString(hash, 0, 12).Replace("-", string.Empty);
                }
            }

            return shared;
        }

        private async Task<Uri> LookUpZoneAsync(CancellationToken cancellationToken)
        {
            var uri = new Uri(_zoneBase, "ATServicesRest/V1.0/ZoneInformation?user=" + Uri.EscapeDataString(Credential.UserName));
            using (HttpResponseMessage response = await Http.SendAsync(ZoneEndpoint, () => new HttpRequestMessage(HttpMethod.Get, uri), cancellationToken).ConfigureAwait(false))
            {
                if (!response.IsSuccessStatusCode)
                    throw await AutotaskErrors.ZoneErrorAsync(response, Credential.UserName).ConfigureAwait(false);
                var zone = await JsonBody.ReadAsync<ZoneInformationDto>(response, Service, "GET ZoneInformation").ConfigureAwait(false);
                if (!Uri.TryCreate(zone.Url, UriKind.Absolute, out Uri? zoneUrl))
                    throw new PsaMappingException(ErrorIds.AutotaskInvalidResponse, PsaErrorKind.InvalidResponse,
                        $"Autotask's zone lookup answered a zone URL that is not an address ('{zone.Url}'). Run the command again, or give the REST address with -ApiUri.");
                return UriPolicy.RequireSecureBase(zoneUrl, "The Autotask zone URL");
            }
        }

        /// <summary>
        /// Every row of <paramref name="entity"/> that <paramref name="filter"/> selects, following
        /// nextPageUrl with the same method (POST the same body again), as Autotask requires.
        /// </summary>
        public async Task<IReadOnlyList<AutotaskRecord>> QueryAsync(string entity, JArray filter, IEnumerable<string>? includeFields,
            CancellationToken cancellationToken, int maxRecords = MaxRecords, bool firstPageOnly = false)
        {
            Uri restBase = RequireConnected();
            var body = new JObject { ["MaxRecords"] = maxRecords, ["filter"] = filter };
            if (includeFields != null) body["IncludeFields"] = new JArray(includeFields.Cast<object>().ToArray());
            string json = body.ToString(Formatting.None);

            var rows = new List<AutotaskRecord>();
            Uri? next = new Uri(restBase, entity + "/query");
            while (next != null)
            {
                Uri pageUri = next;
                QueryPageDto page;
                using (HttpResponseMessage response = await SendAuthenticatedAsync(EntityEndpoint(entity),
                           () => new HttpRequestMessage(HttpMethod.Post, pageUri) { Content = new StringContent(json, Encoding.UTF8, "application/json") },
                           cancellationToken).ConfigureAwait(false))
                {
                    await AutotaskErrors.EnsureSuccessAsync(response, entity + " query", Credential).ConfigureAwait(false);
                    page = await JsonBody.ReadAsync<QueryPageDto>(response, Service, "POST " + entity + "/query").ConfigureAwait(false);
                }

                rows.AddRange(page.Items);
                next = firstPageOnly ? null : NextPage(page.PageDetails?.NextPageUrl, restBase);
            }

            return rows;
        }

        /// <summary>
        /// Every row <paramref name="conditions"/> select, up to <paramref name="parallelism"/> pages at a time
        /// (Autotask allows 3 requests in flight per endpoint). The first page and a count travel together;
        /// the rest is read in id ranges side by side by <see cref="WholeTableReader"/>. That costs the count
        /// and a partly filled page per range over reading page after page, in about a third of the time.
        /// </summary>
        public Task<IReadOnlyList<AutotaskRecord>> QueryAllAsync(string entity, IReadOnlyList<JObject> conditions, IReadOnlyCollection<string> includeFields,
            int parallelism, CancellationToken cancellationToken) =>
            QueryAllAsync(entity, conditions, includeFields, parallelism, row => row, cancellationToken);

        /// <summary>
        /// Every row, as <see cref="QueryAllAsync(string, IReadOnlyList{JObject}, IReadOnlyCollection{string}, int, CancellationToken)"/>,
        /// each converted by <paramref name="convert"/>, in id order. Pages are converted as they arrive, beside
        /// the requests for the next ones, so that converting a long list does not begin only after its last page.
        /// </summary>
        public async Task<IReadOnlyList<T>> QueryAllAsync<T>(string entity, IReadOnlyList<JObject> conditions, IReadOnlyCollection<string> includeFields,
            int parallelism, Func<AutotaskRecord, T> convert, CancellationToken cancellationToken)
        {
            JArray where = Filter.Of(conditions.DefaultIfEmpty(Filter.All()).ToArray());
            var converted = new Dictionary<long, T>(); // by id, to return the rows in id order
            var conversions = new List<Task>();
            void ConvertBeside(IReadOnlyList<AutotaskRecord> page)
            {
                Task conversion = Task.Run(() =>
                {
                    var items = page.Select(row => new KeyValuePair<long, T>(AutotaskRow.Required<long>(row, "id", entity), convert(row))).ToList();
                    lock (converted)
                        foreach (KeyValuePair<long, T> item in items) converted[item.Key] = item.Value;
                }, cancellationToken);
                lock (conversions) conversions.Add(conversion);
            }

            Task[] Started()
            {
                lock (conversions) return conversions.ToArray();
            }

            // One round trip instead of two, for one request that a table of a single page did not need.
            Task<IReadOnlyList<AutotaskRecord>> firstPage = QueryAsync(entity, where, includeFields, cancellationToken, firstPageOnly: true);
            Task<long> total = CountAsync(entity, where, cancellationToken);
            await Task.WhenAll(firstPage, total).ConfigureAwait(false);
            ConvertBeside(firstPage.Result);

            var reader = new WholeTableReader(entity, conditions,
                async filter =>
                {
                    IReadOnlyList<AutotaskRecord> page = await QueryAsync(entity, filter, includeFields, cancellationToken, firstPageOnly: true).ConfigureAwait(false);
                    ConvertBeside(page);
                    return page;
                });
            try
            {
                await reader.ReadRestAsync(firstPage.Result, total.Result, parallelism, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The read's error is the answer; conversions still running are left to finish, observed.
                _ = Task.WhenAll(Started()).ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                throw;
            }

            await Task.WhenAll(Started()).ConfigureAwait(false); // a row that cannot be converted fails the read with its error
            return converted.OrderBy(pair => pair.Key).Select(pair => pair.Value).ToList();
        }

        /// <summary>
        /// Creates one row with a POST to <paramref name="path"/> (for example "ContractServiceAdjustments" or
        /// "Contracts/7/ServiceAdjustments"), counted under <paramref name="entity"/>'s endpoint, and says what
        /// became of it. The POST is repeated only while Autotask proves it was not processed (429, its thread
        /// limit); a timeout, a dropped connection or a server failure without Autotask's {"errors":[...]} is
        /// <see cref="AutotaskWriteOutcome.Unknown"/> and never sent again here. Once sent, the request is not
        /// cancelled (so that it ends with a known outcome whenever Autotask answers): cancellation is checked
        /// before it leaves. A rejected secret or a forbidden user still throws, as every other call does.
        /// </summary>
        public async Task<AutotaskWriteResult> CreateOnceAsync(string path, string entity, JObject body, CancellationToken cancellationToken)
        {
            Uri uri = new Uri(RequireConnected(), path);
            string json = body.ToString(Formatting.None);
            cancellationToken.ThrowIfCancellationRequested();
            HttpResponseMessage response;
            try
            {
                response = await Http.SendOnceAsync(EntityEndpoint(entity), () => Authenticated(
                        new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(json, Encoding.UTF8, "application/json") }),
                    CancellationToken.None).ConfigureAwait(false);
            }
            catch (RequestOutcomeUnknownException unknown)
            {
                return new AutotaskWriteResult(AutotaskWriteOutcome.Unknown, null, unknown.Message, Array.Empty<string>());
            }
            catch (PsaMappingException notProcessed) when (notProcessed.Kind == PsaErrorKind.Unavailable)
            {
                return new AutotaskWriteResult(AutotaskWriteOutcome.NotProcessed, null, notProcessed.Message, Array.Empty<string>());
            }

            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    JObject? answer = await JsonBody.TryReadObjectAsync(response).ConfigureAwait(false);
                    long? itemId = answer?.GetValue("itemId", StringComparison.OrdinalIgnoreCase) is JValue { Type: JTokenType.Integer } id ? (long?)id : null;
                    return new AutotaskWriteResult(AutotaskWriteOutcome.Applied, itemId,
                        itemId.HasValue ? $"Autotask created {entity} item {itemId}." : $"Autotask accepted the {entity} request but named no item id.",
                        Array.Empty<string>());
                }

                if (response.StatusCode == HttpStatusCode.Unauthorized || response.StatusCode == HttpStatusCode.Forbidden)
                    await AutotaskErrors.EnsureSuccessAsync(response, entity + " request", Credential).ConfigureAwait(false);

                string[] errors = await AutotaskErrors.ErrorsOfAsync(response).ConfigureAwait(false) ?? Array.Empty<string>();
                string said = errors.Length > 0 ? string.Join("; ", errors) : "HTTP " + (int)response.StatusCode + " " + response.ReasonPhrase;
                return new AutotaskWriteResult(AutotaskWriteOutcome.Refused, null, "Autotask refused it: " + said, errors);
            }
        }

        /// <summary>How many rows <paramref name="filter"/> selects (one request).</summary>
        public async Task<long> CountAsync(string entity, JArray filter, CancellationToken cancellationToken)
        {
            Uri uri = new Uri(RequireConnected(), entity + "/query/count");
            string json = new JObject { ["filter"] = filter }.ToString(Formatting.None);
            using (HttpResponseMessage response = await SendAuthenticatedAsync(EntityEndpoint(entity),
                       () => new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(json, Encoding.UTF8, "application/json") },
                       cancellationToken).ConfigureAwait(false))
            {
                await AutotaskErrors.EnsureSuccessAsync(response, entity + " count", Credential).ConfigureAwait(false);
                return (await JsonBody.ReadAsync<QueryCountDto>(response, Service, "POST " + entity + "/query/count").ConfigureAwait(false)).QueryCount;
            }
        }

        /// <summary>The picklists of <paramref name="entity"/>'s fields, fetched once per connection.</summary>
        public Task<IReadOnlyDictionary<string, Picklist>> GetPicklistsAsync(string entity, CancellationToken cancellationToken) =>
            _picklists.GetOrAdd(entity, name => FetchPicklistsAsync(name, cancellationToken));

        private Task<IReadOnlyDictionary<string, Picklist>> FetchPicklistsAsync(string entity, CancellationToken cancellationToken) =>
            FetchPicklistsAsync(RequireConnected(), entity, cancellationToken);

        private async Task<IReadOnlyDictionary<string, Picklist>> FetchPicklistsAsync(Uri restBase, string entity, CancellationToken cancellationToken)
        {
            Uri uri = new Uri(restBase, entity + "/entityInformation/fields");
            try
            {
                using (HttpResponseMessage response = await SendAuthenticatedAsync(EntityEndpoint(entity),
                           () => new HttpRequestMessage(HttpMethod.Get, uri), cancellationToken).ConfigureAwait(false))
                {
                    await AutotaskErrors.EnsureSuccessAsync(response, entity + " field information", Credential).ConfigureAwait(false);
                    return Picklist.From(await JsonBody.ReadAsync<EntityFieldsDto>(response, Service, "GET " + entity + "/entityInformation/fields").ConfigureAwait(false));
                }
            }
            catch
            {
                _picklists.TryRemove(entity, out _); // a failed fetch must not be cached
                throw;
            }
        }

        private Task<HttpResponseMessage> SendAuthenticatedAsync(string endpoint, Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken) =>
            Http.SendAsync(endpoint, () => Authenticated(createRequest()), cancellationToken);

        private HttpRequestMessage Authenticated(HttpRequestMessage request)
        {
            request.Headers.Add("ApiIntegrationCode", Credential.RevealIntegrationCode());
            request.Headers.Add("UserName", Credential.UserName);
            request.Headers.Add("Secret", Credential.RevealSecret());
            return request;
        }

        /// <summary>
        /// The next page's address, only if it stays on the API host we were given or told: the credentials
        /// travel with it.
        /// </summary>
        private static Uri? NextPage(string? nextPageUrl, Uri restBase)
        {
            if (string.IsNullOrWhiteSpace(nextPageUrl)) return null;
            if (!Uri.TryCreate(nextPageUrl, UriKind.Absolute, out Uri? next)
                || !string.Equals(next.GetLeftPart(UriPartial.Authority), restBase.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
                throw new PsaMappingException(ErrorIds.AutotaskInvalidResponse, PsaErrorKind.InvalidResponse,
                    $"Autotask answered a next-page address on another host ('{nextPageUrl}'); it was not followed, so the credentials stay private. Run the command again.");
            return next;
        }

        private Uri RequireConnected() =>
            _restBase ?? throw new PsaMappingException(ErrorIds.AutotaskNotConnected, PsaErrorKind.NotConnected,
                "Not connected to Autotask. Run Connect-Autotask first.");

        public void Dispose() => Http.Dispose();
    }

    /// <summary>What Connect-Autotask returns: who we are connected as and where. Never holds a secret.</summary>
    public sealed record AutotaskConnection
    {
        public AutotaskConnection(string userName, Uri apiUri, Uri? zoneUri)
        {
            UserName = userName;
            ApiUri = apiUri;
            ZoneUri = zoneUri;
        }

        public string UserName { get; }

        /// <summary>The zone's REST address (ending in ATServicesRest/).</summary>
        public Uri ApiUri { get; }

        /// <summary>Where the zone was looked up; empty when -ApiUri was given.</summary>
        public Uri? ZoneUri { get; }
    }
}
