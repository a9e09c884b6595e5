using System;

namespace PsaMapping.Engine.Http
{
    /// <summary>
    /// How hard one API client tries before giving up. The defaults suit the real services; tests shorten
    /// the delays or drive them with fake time.
    /// </summary>
    public sealed class ResilienceOptions
    {
        /// <summary>
        /// Retries after the first attempt (so at most this + 1 requests for one call). Generous on purpose:
        /// with four answers in ten failing (a throttled PSA on a bad day), 12 retries leave about one call in
        /// 100,000 failing, while short, capped delays keep a dead server's error quick (see <see cref="TotalTimeout"/>).
        /// </summary>
        public int MaxRetryAttempts { get; set; } = 12;

        /// <summary>First backoff delay; it doubles each retry, with jitter.</summary>
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

        /// <summary>Longest backoff delay between two attempts (a server's Retry-After may ask for more).</summary>
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>One call, retries and waits included, gives up after this long: the bound on a server that never recovers.</summary>
        public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

        /// <summary>A server's Retry-After is honoured up to this long; longer values are clamped.</summary>
        public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(120);

        /// <summary>One attempt (request and whole response body) may take this long.</summary>
        public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Requests in flight at once per endpoint (Autotask allows 3 per object endpoint).</summary>
        public int ConcurrencyPerEndpoint { get; set; } = 3;

        /// <summary>
        /// Clients with the same scope share one concurrency limit per endpoint, as the server counts them:
        /// Autotask's thread limit is per integration code, however many sessions in this process use it.
        /// Null: the client has a limit of its own.
        /// </summary>
        public string? ConcurrencyScope { get; set; }

        /// <summary>The circuit opens when at least this share of recent attempts failed...</summary>
        public double BreakerFailureRatio { get; set; } = 0.8;

        /// <summary>...out of at least this many attempts...</summary>
        public int BreakerMinimumThroughput { get; set; } = 20;

        /// <summary>...within this window.</summary>
        public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>How long an open circuit refuses calls before letting one through to probe.</summary>
        public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>Largest response body accepted, so a runaway response cannot exhaust memory.</summary>
        public long MaxResponseBytes { get; set; } = 256L * 1024 * 1024;

        public ResilienceOptions Clone() => (ResilienceOptions)MemberwiseClone();
    }
}
