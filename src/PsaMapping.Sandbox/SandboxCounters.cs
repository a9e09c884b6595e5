using System.Collections.Concurrent;

namespace PsaMapping.Sandbox
{
    /// <summary>
    /// Per-endpoint request counts and peak concurrency, and fault counts, so tests and benchmarks can
    /// assert on how many requests a client really made. Thread-safe.
    /// </summary>
    public sealed class SandboxCounters
    {
        internal sealed class EndpointCounter
        {
            public long Requests;
            public int InFlight;
            public int MaxInFlight;
        }

        private readonly ConcurrentDictionary<string, EndpointCounter> _endpoints = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, long> _faults = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, long> _threadLimitViolations = new(StringComparer.Ordinal);

        /// <summary>Every request that reached the endpoint, faulted ones included.</summary>
        public long Requests(string endpoint) =>
            _endpoints.TryGetValue(endpoint, out var c) ? Interlocked.Read(ref c.Requests) : 0;

        /// <summary>Highest number of requests in flight at once on that endpoint.</summary>
        public int MaxConcurrency(string endpoint) =>
            _endpoints.TryGetValue(endpoint, out var c) ? Volatile.Read(ref c.MaxInFlight) : 0;

        /// <summary>
        /// Faults of one kind: injected ones ("429", "5xx", "dropped", "always") and Autotask's hourly
        /// threshold rejections ("threshold"). See <see cref="SandboxFaultKinds"/>.
        /// </summary>
        public long Faults(string kind) => _faults.TryGetValue(kind, out var n) ? n : 0;

        /// <summary>
        /// Requests Autotask rejected because more than its thread limit were already in flight for the same
        /// integration code on that endpoint (e.g. <c>SandboxEndpoints.AutotaskEntity("Companies")</c>).
        /// A well-behaved client keeps this at 0.
        /// </summary>
        public long ThreadLimitViolations(string endpoint) => _threadLimitViolations.TryGetValue(endpoint, out var n) ? n : 0;

        public long TotalThreadLimitViolations => _threadLimitViolations.Values.Sum();

        public IReadOnlyDictionary<string, long> RequestsByEndpoint =>
            _endpoints.ToDictionary(kv => kv.Key, kv => Interlocked.Read(ref kv.Value.Requests), StringComparer.Ordinal);

        public long TotalRequests => _endpoints.Values.Sum(c => Interlocked.Read(ref c.Requests));

        /// <summary>Forgets all counts. Requests in flight keep decrementing harmlessly into fresh counters.</summary>
        public void Reset()
        {
            _endpoints.Clear();
            _faults.Clear();
            _threadLimitViolations.Clear();
        }

        /// <summary>Counts a request and marks it in flight; dispose the result when it ends.</summary>
        internal InFlight Enter(string endpoint)
        {
            var c = _endpoints.GetOrAdd(endpoint, static _ => new EndpointCounter());
            Interlocked.Increment(ref c.Requests);
            int now = Interlocked.Increment(ref c.InFlight);
            int max;
            while (now > (max = Volatile.Read(ref c.MaxInFlight)) &&
                   Interlocked.CompareExchange(ref c.MaxInFlight, now, max) != max)
            {
            }
            return new InFlight(c);
        }

        internal void CountFault(string kind) => _faults.AddOrUpdate(kind, 1, static (_, n) => n + 1);

        internal void CountThreadLimitViolation(string endpoint) =>
            _threadLimitViolations.AddOrUpdate(endpoint, 1, static (_, n) => n + 1);

        /// <summary>Idempotent, so it can be released early (as the response starts) and again at the end.</summary>
        internal sealed class InFlight : IDisposable
        {
            private EndpointCounter? _counter;
            public InFlight(EndpointCounter counter) => _counter = counter;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _counter, null) is { } counter) Interlocked.Decrement(ref counter.InFlight);
            }
        }
    }
}
