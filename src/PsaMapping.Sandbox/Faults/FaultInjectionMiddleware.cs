using Microsoft.AspNetCore.WebUtilities;

namespace PsaMapping.Sandbox.Faults
{
    /// <summary>
    /// Sits after routing and in front of every endpoint: counts the request first (so faulted requests
    /// are counted too), runs the endpoint's admission gate if it has one, then injects, in order,
    /// latency, the always-fail status, a dropped connection, a 429 and a 5xx.
    /// </summary>
    internal sealed class FaultInjectionMiddleware
    {
        private static readonly int[] ServerErrors = [500, 502, 503];

        private readonly RequestDelegate _next;
        private readonly SandboxOptions _options;
        private readonly SandboxCounters _counters;
        private readonly SandboxEndpointInfo _fallback;
        private readonly Random _random;
        private readonly object _randomGate = new();

        public FaultInjectionMiddleware(RequestDelegate next, SandboxOptions options, SandboxCounters counters, SandboxEndpointInfo fallback)
        {
            _next = next;
            _options = options;
            _counters = counters;
            _fallback = fallback;
            // Seeded so a single-threaded run sees the same fault sequence; concurrent runs interleave anyway.
            _random = new Random(unchecked(options.Seed * 7919 + 17));
        }

        public async Task InvokeAsync(HttpContext context)
        {
            var endpoint = context.GetEndpoint()?.Metadata.GetMetadata<SandboxEndpointInfo>() ?? _fallback;
            using var inFlight = _counters.Enter(endpoint.Key);
            ReleaseWhenResponseStarts(context, inFlight);

            // The service's own limits come before injected latency, so they hold while the latency runs.
            var admission = endpoint.Gate?.Invoke(context) ?? default;
            if (admission.Rejection is { } rejection)
            {
                await rejection.ExecuteAsync(context);
                return;
            }
            using var lease = admission.Lease;
            if (lease is not null) ReleaseWhenResponseStarts(context, lease);

            var faults = _options.Faults.Snapshot();

            int delay = faults.LatencyMs + (faults.LatencyJitterMs > 0 ? Next(faults.LatencyJitterMs + 1) : 0);
            if (delay > 0)
            {
                try
                {
                    await Task.Delay(delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return; // the client gave up; nobody is listening for an answer
                }
            }

            if (faults.AlwaysFailStatus is int always)
            {
                _counters.CountFault(SandboxFaultKinds.Always);
                if (always == StatusCodes.Status429TooManyRequests)
                {
                    context.Response.Headers.RetryAfter = faults.RetryAfterSeconds.ToString();
                }
                await endpoint.WriteError(context, always, "The sandbox is configured to fail every request.");
                return;
            }

            if (Roll(faults.FractionDropped))
            {
                _counters.CountFault(SandboxFaultKinds.Dropped);
                context.Abort();
                return;
            }

            if (Roll(faults.Fraction429))
            {
                _counters.CountFault(SandboxFaultKinds.TooManyRequests);
                context.Response.Headers.RetryAfter = faults.RetryAfterSeconds.ToString();
                await endpoint.WriteError(context, StatusCodes.Status429TooManyRequests, "Too many requests. Retry later.");
                return;
            }

            if (Roll(faults.Fraction5xx))
            {
                _counters.CountFault(SandboxFaultKinds.ServerError);
                int status = ServerErrors[Next(ServerErrors.Length)];
                await endpoint.WriteError(context, status, ReasonPhrases.GetReasonPhrase(status) + " (injected by the sandbox).");
                return;
            }

            await _next(context);
        }

        /// <summary>
        /// Ends a request's in-flight state as its response starts rather than after it has been sent: a
        /// client that waits for one answer before sending its next request must never be seen overlapping
        /// with itself. The disposables are idempotent; the using still releases requests that never answer.
        /// </summary>
        private static void ReleaseWhenResponseStarts(HttpContext context, IDisposable release) =>
            context.Response.OnStarting(static state =>
            {
                ((IDisposable)state).Dispose();
                return Task.CompletedTask;
            }, release);

        private bool Roll(double fraction)
        {
            if (fraction <= 0) return false;  // don't consume randomness for faults that are off
            if (fraction >= 1) return true;
            lock (_randomGate) return _random.NextDouble() < fraction;
        }

        private int Next(int maxExclusive)
        {
            lock (_randomGate) return _random.Next(maxExclusive);
        }
    }
}
