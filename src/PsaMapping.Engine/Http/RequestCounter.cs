using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace PsaMapping.Engine.Http
{
    /// <summary>
    /// Counts the HTTP requests an API client really sent (every attempt, retries included), per endpoint.
    /// Requests are a scarce budget on Autotask; commands report the count with -Verbose and tests assert it.
    /// </summary>
    public sealed class RequestCounter
    {
        private readonly ConcurrentDictionary<string, long> _byEndpoint = new ConcurrentDictionary<string, long>();
        private long _total;
        private long _retries;

        public long Total => Interlocked.Read(ref _total);

        /// <summary>How many of <see cref="Total"/> were retries of a failed attempt.</summary>
        public long Retries => Interlocked.Read(ref _retries);

        public IReadOnlyDictionary<string, long> ByEndpoint =>
            _byEndpoint.ToDictionary(pair => pair.Key, pair => pair.Value);

        public long For(string endpoint) => _byEndpoint.TryGetValue(endpoint, out long count) ? count : 0;

        internal void CountAttempt(string endpoint)
        {
            Interlocked.Increment(ref _total);
            _byEndpoint.AddOrUpdate(endpoint, 1, (_, count) => count + 1);
        }

        internal void CountRetry() => Interlocked.Increment(ref _retries);
    }
}
