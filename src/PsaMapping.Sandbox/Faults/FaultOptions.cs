namespace PsaMapping.Sandbox
{
    /// <summary>
    /// Faults injected in front of every endpoint. Mutable while the server runs: the middleware takes a
    /// consistent <see cref="Snapshot"/> on each request, and every property is guarded by one lock so a
    /// test thread can change them safely (int? and double writes are not atomic on every platform).
    /// </summary>
    public sealed class FaultOptions
    {
        private readonly object _gate = new();
        private int _latencyMs;
        private int _latencyJitterMs;
        private double _fraction429;
        private int _retryAfterSeconds = 1;
        private double _fraction5xx;
        private double _fractionDropped;
        private int? _alwaysFailStatus;
        private double _fractionAdjustmentApplyThenDrop;
        private int _tokenLifetimeSeconds = 3600;

        /// <summary>Added to every response.</summary>
        public int LatencyMs { get { lock (_gate) return _latencyMs; } set { lock (_gate) _latencyMs = value; } }

        /// <summary>Plus a uniform random 0..jitter milliseconds.</summary>
        public int LatencyJitterMs { get { lock (_gate) return _latencyJitterMs; } set { lock (_gate) _latencyJitterMs = value; } }

        /// <summary>Fraction of requests answered 429 with Retry-After: <see cref="RetryAfterSeconds"/>.</summary>
        public double Fraction429 { get { lock (_gate) return _fraction429; } set { lock (_gate) _fraction429 = value; } }

        public int RetryAfterSeconds { get { lock (_gate) return _retryAfterSeconds; } set { lock (_gate) _retryAfterSeconds = value; } }

        /// <summary>Fraction of requests answered 500, 502 or 503 (picked at random).</summary>
        public double Fraction5xx { get { lock (_gate) return _fraction5xx; } set { lock (_gate) _fraction5xx = value; } }

        /// <summary>Fraction of requests whose connection is aborted with no response at all.</summary>
        public double FractionDropped { get { lock (_gate) return _fractionDropped; } set { lock (_gate) _fractionDropped = value; } }

        /// <summary>
        /// Fraction of Autotask adjustment POSTs that are applied and then answered with a dropped connection: the
        /// client cannot tell them from a request that never arrived, and must read the units back.
        /// </summary>
        public double FractionAdjustmentApplyThenDrop
        {
            get { lock (_gate) return _fractionAdjustmentApplyThenDrop; }
            set { lock (_gate) _fractionAdjustmentApplyThenDrop = value; }
        }

        /// <summary>When set, every request gets this status: a server that never recovers.</summary>
        public int? AlwaysFailStatus { get { lock (_gate) return _alwaysFailStatus; } set { lock (_gate) _alwaysFailStatus = value; } }

        /// <summary>expires_in of newly issued tokens; expired tokens are refused with 401.</summary>
        public int TokenLifetimeSeconds { get { lock (_gate) return _tokenLifetimeSeconds; } set { lock (_gate) _tokenLifetimeSeconds = value; } }

        internal FaultSnapshot Snapshot()
        {
            lock (_gate)
            {
                return new FaultSnapshot(_latencyMs, _latencyJitterMs, _fraction429, _retryAfterSeconds,
                    _fraction5xx, _fractionDropped, _alwaysFailStatus);
            }
        }
    }

    internal readonly record struct FaultSnapshot(
        int LatencyMs, int LatencyJitterMs, double Fraction429, int RetryAfterSeconds,
        double Fraction5xx, double FractionDropped, int? AlwaysFailStatus);
}
