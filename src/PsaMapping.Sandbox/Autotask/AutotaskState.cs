using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using PsaMapping.Sandbox.Data;

namespace PsaMapping.Sandbox.Autotask
{
    /// <summary>
    /// What the fake Autotask knows: its seeded tables, the one API user, and the two limits every call
    /// spends against: the thread limit (concurrent requests per integration code and object endpoint)
    /// and the hourly request threshold of the whole database.
    /// </summary>
    internal sealed class AutotaskState
    {
        public const int ThresholdTimeframeMinutes = 60;

        private static readonly TimeSpan Timeframe = TimeSpan.FromMinutes(ThresholdTimeframeMinutes);

        private readonly SandboxOptions _options;
        private readonly SandboxCounters _counters;
        private readonly ConcurrentDictionary<(string Code, string Endpoint), StrongBox<int>> _threads = new();
        private readonly Queue<DateTimeOffset> _recentRequests = new();
        private readonly object _recentGate = new();

        public AutotaskState(SandboxOptions options, SandboxCounters counters, SandboxAutotaskData data, Lazy<SandboxBilling> billing)
        {
            _options = options;
            _counters = counters;
            Companies = data.Companies;
            Contracts = data.Contracts;
            Tables = new Dictionary<string, AutotaskTable>(StringComparer.OrdinalIgnoreCase)
            {
                [AutotaskEntities.Companies] = AutotaskEntities.CreateCompanies(data.Companies),
                [AutotaskEntities.Contracts] = AutotaskEntities.CreateContracts(data.Contracts),
            };
            var sources = Tables.ToDictionary(pair => pair.Key, pair => (Func<AutotaskTable>)(() => pair.Value), StringComparer.OrdinalIgnoreCase);
            // Contracts a test added (SandboxBilling.AddContract) join the seeded ones.
            var contracts = Tables[AutotaskEntities.Contracts];
            sources[AutotaskEntities.Contracts] = () => billing.IsValueCreated && billing.Value.AddedContractsTable is { } added ? added : contracts;
            // Usage billing is built on first use: most runs never touch it.
            sources[AutotaskEntities.Services] = () => billing.Value.ServicesTable;
            sources[AutotaskEntities.ContractServices] = () => billing.Value.ContractServicesTable;
            sources[AutotaskEntities.ContractServiceUnits] = () => billing.Value.UnitsTable;
            TableSources = sources;
        }

        /// <summary>Every queryable entity, and how to get its table as it is now.</summary>
        public IReadOnlyDictionary<string, Func<AutotaskTable>> TableSources { get; }

        public SandboxOptions Options => _options;

        public IReadOnlyList<SandboxCompany> Companies { get; }
        public IReadOnlyList<SandboxContract> Contracts { get; }
        public IReadOnlyDictionary<string, AutotaskTable> Tables { get; }

        /// <summary>The sandbox's own address (the zone's webUrl); set once the server is listening.</summary>
        public Uri BaseUri { get; set; } = new("http://127.0.0.1/");

        /// <summary>The zone's url: where V1.0/ lives, with a trailing slash.</summary>
        public Uri ApiUri => new(BaseUri, "ATServicesRest/");

        /// <summary>Requests counted against the hourly threshold in the last hour.</summary>
        public int CurrentTimeframeRequestCount
        {
            get
            {
                lock (_recentGate)
                {
                    ForgetOlderThanAnHour(_options.TimeProvider.GetUtcNow());
                    return _recentRequests.Count;
                }
            }
        }

        /// <summary>The admission rules of one endpoint: credentials, then the thread limit, then the hourly threshold.</summary>
        public RequestGate Gate(string endpointKey, string endpointName) => context => Admit(context, endpointKey, endpointName);

        private RequestAdmission Admit(HttpContext context, string endpointKey, string endpointName)
        {
            if (Authenticate(context.Request.Headers) is { } refused) return RequestAdmission.Reject(refused);

            int limit = _options.AutotaskThreadLimit;
            var slot = _threads.GetOrAdd((_options.AutotaskIntegrationCode, endpointKey), static _ => new StrongBox<int>());
            if (Interlocked.Increment(ref slot.Value) > limit)
            {
                Interlocked.Decrement(ref slot.Value);
                _counters.CountThreadLimitViolation(endpointKey);
                return RequestAdmission.Reject(AutotaskErrors.Errors(StatusCodes.Status429TooManyRequests,
                    $"Request rejected: the thread threshold of {limit} threads has been exceeded for the {endpointName} endpoint " +
                    $"of this integration. Wait for a running request to finish before sending another. (Itgenatr005)"));
            }
            var lease = new ThreadLease(slot);

            if (!TryCountRequest(out var retryAfter))
            {
                lease.Dispose();
                _counters.CountFault(SandboxFaultKinds.Threshold);
                int seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return RequestAdmission.Reject(AutotaskErrors.Errors(StatusCodes.Status429TooManyRequests,
                    $"Request rejected: the request threshold of {_options.AutotaskHourlyThreshold} requests per " +
                    $"{ThresholdTimeframeMinutes} minutes has been exceeded for this database. Try again in {seconds} seconds."));
            }
            return RequestAdmission.Admit(lease);
        }

        /// <summary>
        /// Autotask's quirks, which clients tell apart by status and text: an unknown user name or a bad
        /// integration code is a 500, a wrong secret for a known user a 401. Never echoes the secret.
        /// </summary>
        private IResult? Authenticate(IHeaderDictionary headers)
        {
            string? user = headers["UserName"], secret = headers["Secret"], code = headers["ApiIntegrationCode"];
            if (!string.Equals(user, _options.AutotaskUserName, StringComparison.OrdinalIgnoreCase))
            {
                return AutotaskErrors.Errors(StatusCodes.Status500InternalServerError,
                    "Unable to authenticate: the user name was not found or is not an API user.");
            }
            if (!string.Equals(secret, _options.AutotaskSecret, StringComparison.Ordinal))
            {
                return AutotaskErrors.Errors(StatusCodes.Status401Unauthorized,
                    "Unauthorized: the secret does not match this API user.");
            }
            if (!string.Equals(code, _options.AutotaskIntegrationCode, StringComparison.Ordinal))
            {
                return AutotaskErrors.Errors(StatusCodes.Status500InternalServerError, "IntegrationCode is invalid.");
            }
            return null;
        }

        /// <summary>Records a request in the rolling hour, unless the threshold is reached: then how long until a slot frees.</summary>
        private bool TryCountRequest(out TimeSpan retryAfter)
        {
            var now = _options.TimeProvider.GetUtcNow();
            lock (_recentGate)
            {
                ForgetOlderThanAnHour(now);
                if (_recentRequests.Count >= _options.AutotaskHourlyThreshold)
                {
                    retryAfter = _recentRequests.Count == 0 ? Timeframe : _recentRequests.Peek() + Timeframe - now;
                    return false;
                }
                _recentRequests.Enqueue(now);
                retryAfter = TimeSpan.Zero;
                return true;
            }
        }

        private void ForgetOlderThanAnHour(DateTimeOffset now)
        {
            while (_recentRequests.Count > 0 && _recentRequests.Peek() <= now - Timeframe)
            {
                _recentRequests.Dequeue();
            }
        }

        /// <summary>One of the thread limit's slots; idempotent, as the middleware frees it early and again at the end.</summary>
        private sealed class ThreadLease(StrongBox<int> slot) : IDisposable
        {
            private StrongBox<int>? _slot = slot;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _slot, null) is { } s) Interlocked.Decrement(ref s.Value);
            }
        }
    }
}
