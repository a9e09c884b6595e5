using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace PsaMapping.Engine.Http
{
    /// <summary>
    /// Sends requests to one API through one Polly pipeline: retry (exponential backoff with jitter,
    /// honouring Retry-After) around a circuit breaker, around a per-endpoint concurrency limit, around a
    /// per-attempt timeout. Every attempt gets a fresh <see cref="HttpRequestMessage"/> from the caller's
    /// factory, and the caller's cancellation token reaches the HTTP call.
    /// </summary>
    public sealed class ResilientHttpClient : IDisposable
    {
        private static readonly ResiliencePropertyKey<string> EndpointKey = new ResiliencePropertyKey<string>("psamapping.endpoint");

        /// <summary>Set on a request that must not be sent twice if it may have been processed (see <see cref="SendOnceAsync"/>).</summary>
        private static readonly ResiliencePropertyKey<bool> NotRepeatableKey = new ResiliencePropertyKey<bool>("psamapping.not-repeatable");

        /// <summary>When the call started: a wait the server asks for that ends after the call's deadline is not waited.</summary>
        private static readonly ResiliencePropertyKey<DateTimeOffset> StartedKey = new ResiliencePropertyKey<DateTimeOffset>("psamapping.started");

        private readonly HttpClient _http;
        private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PartitionedRateLimiter<string>> SharedLimiters =
            new System.Collections.Concurrent.ConcurrentDictionary<string, PartitionedRateLimiter<string>>();

        private readonly PartitionedRateLimiter<string> _limiter;
        private readonly bool _ownsLimiter;
        private readonly ResilienceOptions _options;
        private readonly TimeProvider _time;
        private readonly Func<HttpResponseMessage, Task<bool>> _isTransientFailure;
        private readonly Func<HttpResponseMessage, Task<bool>> _wasNotProcessed;

        /// <param name="isTransientFailure">
        /// Whether a response is worth another try. The default retries 408, 429 and 5xx; a service whose
        /// 5xx can also be a definitive answer (Autotask reports validation errors as 500) passes its own.
        /// </param>
        /// <param name="wasNotProcessed">
        /// Whether a failed response proves the request was refused before it was processed, so that even a
        /// request that must never be repeated blindly (<see cref="SendOnceAsync"/>) may be sent again. The
        /// default trusts only 429; a service with other such refusals (Autotask's thread limit) passes its own.
        /// </param>
        public ResilientHttpClient(ApiService service, HttpMessageHandler handler, ResilienceOptions? options = null,
            TimeProvider? timeProvider = null, bool disposeHandler = true, Func<HttpResponseMessage, Task<bool>>? isTransientFailure = null,
            Func<HttpResponseMessage, Task<bool>>? wasNotProcessed = null)
        {
            _isTransientFailure = isTransientFailure ?? (response => Task.FromResult(IsTransientStatus(response.StatusCode)));
            _wasNotProcessed = wasNotProcessed ?? (response => Task.FromResult((int)response.StatusCode == 429));
            Service = service ?? throw new ArgumentNullException(nameof(service));
            _options = (options ?? new ResilienceOptions()).Clone();
            _time = timeProvider ?? TimeProvider.System;
            _http = new HttpClient(handler ?? throw new ArgumentNullException(nameof(handler)), disposeHandler)
            {
                // Polly owns timeouts (per attempt); HttpClient's own would cut across retries.
                Timeout = Timeout.InfiniteTimeSpan,
            };
            _limiter = _options.ConcurrencyScope == null
                ? CreateLimiter(_options.ConcurrencyPerEndpoint)
                : SharedLimiters.GetOrAdd(_options.ConcurrencyScope + "|" + _options.ConcurrencyPerEndpoint, _ => CreateLimiter(_options.ConcurrencyPerEndpoint));
            _ownsLimiter = _options.ConcurrencyScope == null;
            _pipeline = BuildPipeline();
        }

        public ApiService Service { get; }

        /// <summary>"Sophos Central" or "Autotask": used in messages.</summary>
        public string ServiceName => Service.Name;

        public RequestCounter Requests { get; } = new RequestCounter();

        /// <summary>
        /// Sends the request made by <paramref name="createRequest"/> until it gets an answer that is not a
        /// transient failure. Returns that response (success or a non-transient error such as 401 or 404,
        /// for the caller to interpret). Throws <see cref="PsaMappingException"/> (Unavailable) when the
        /// service kept failing through every retry.
        /// </summary>
        public Task<HttpResponseMessage> SendAsync(string endpoint, Func<HttpRequestMessage> createRequest,
            CancellationToken cancellationToken) =>
            SendAsync(endpoint, createRequest, notRepeatable: false, cancellationToken);

        /// <summary>
        /// Sends a request that must never reach the service twice (a write that bills): it is sent again only
        /// when the answer proves it was not processed (429, or what the constructor's <c>wasNotProcessed</c>
        /// recognises) or when it never left (circuit open, connection refused). Returns the answer, success or
        /// a definitive error, for the caller to interpret. Throws <see cref="RequestOutcomeUnknownException"/>
        /// when the request may have been processed but no definitive answer came (a timeout, a dropped
        /// connection, a server failure without the service's own error body): the caller must find out from
        /// the service what happened before sending anything again. Throws <see cref="PsaMappingException"/>
        /// (Unavailable) when the request was never processed through every allowed retry.
        /// </summary>
        public Task<HttpResponseMessage> SendOnceAsync(string endpoint, Func<HttpRequestMessage> createRequest,
            CancellationToken cancellationToken) =>
            SendAsync(endpoint, createRequest, notRepeatable: true, cancellationToken);

        private async Task<HttpResponseMessage> SendAsync(string endpoint, Func<HttpRequestMessage> createRequest, bool notRepeatable,
            CancellationToken cancellationToken)
        {
            ResilienceContext context = ResilienceContextPool.Shared.Get(cancellationToken);
            context.Properties.Set(EndpointKey, endpoint);
            context.Properties.Set(NotRepeatableKey, notRepeatable);
            context.Properties.Set(StartedKey, _time.GetUtcNow());
            try
            {
                Outcome<HttpResponseMessage> outcome = await _pipeline.ExecuteOutcomeAsync(
                    async (ctx, state) =>
                    {
                        state.Requests.CountAttempt(ctx.Properties.GetValue(EndpointKey, "?"));
                        using (HttpRequestMessage request = state.CreateRequest())
                        {
                            try
                            {
                                HttpResponseMessage response = await state.Http
                                    .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.CancellationToken)
                                    .ConfigureAwait(false);
                                await BufferBoundedAsync(response, state.MaxBytes, ctx.CancellationToken).ConfigureAwait(false);
                                return Outcome.FromResult(response);
                            }
                            catch (Exception ex)
                            {
                                return Outcome.FromException<HttpResponseMessage>(ex);
                            }
                        }
                    },
                    context,
                    (CreateRequest: createRequest, Http: _http, Requests: Requests, MaxBytes: _options.MaxResponseBytes)).ConfigureAwait(false);

                if (notRepeatable)
                    return await OutcomeOfNotRepeatableAsync(endpoint, outcome).ConfigureAwait(false);

                cancellationToken.ThrowIfCancellationRequested();
                if (outcome.Exception is ResponseTooLargeException tooLarge)
                    throw new PsaMappingException(Service.ResponseTooLargeId, PsaErrorKind.InvalidResponse,
                        $"{Service.Name} answered {Label(endpoint)} with more than {tooLarge.Limit / (1024 * 1024.0):0.#} MB, larger than any answer it should give; " +
                        "it was not read. Run the command again; if it persists, a proxy or the service may be misbehaving.", tooLarge)
                    { Target = endpoint };
                if (CertificateFailure(outcome.Exception) is Exception tls)
                    throw CertificateRejected(endpoint, tls);
                if (outcome.Exception != null)
                    throw Unavailable(endpoint, outcome.Exception);

                HttpResponseMessage result = outcome.Result!;
                if (WaitBeyondDeadline(result, context) is TimeSpan wait)
                {
                    result.Dispose();
                    throw ThresholdExceeded(endpoint, wait);
                }

                if (await _isTransientFailure(result).ConfigureAwait(false))
                {
                    string status = (int)result.StatusCode + " " + result.ReasonPhrase;
                    result.Dispose();
                    throw new PsaMappingException(Service.UnavailableId, PsaErrorKind.Unavailable,
                        $"{Service.Name} kept failing: the last of {_options.MaxRetryAttempts + 1} attempts at {Label(endpoint)} was answered " +
                        $"{status}. Wait a few minutes and run the command again; if it keeps failing, check the service's status page.")
                    { Target = endpoint };
                }

                return result;
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }

        /// <summary>
        /// What became of a request that must not be repeated: its definitive answer, "never processed"
        /// (Unavailable), or "may have been processed" (<see cref="RequestOutcomeUnknownException"/>). A
        /// cancellation while it was in flight is unknown too: the request may have arrived.
        /// </summary>
        private async Task<HttpResponseMessage> OutcomeOfNotRepeatableAsync(string endpoint, Outcome<HttpResponseMessage> outcome)
        {
            if (outcome.Exception != null)
            {
                if (CertificateFailure(outcome.Exception) is Exception tls) throw CertificateRejected(endpoint, tls);
                if (WasNeverSent(outcome.Exception)) throw Unavailable(endpoint, outcome.Exception);
                throw new RequestOutcomeUnknownException(Service, endpoint, DescribeFailure(outcome.Exception), outcome.Exception);
            }

            HttpResponseMessage result = outcome.Result!;
            if (WaitBeyondDeadline(result, null) is TimeSpan wait)
            {
                result.Dispose();
                throw ThresholdExceeded(endpoint, wait);
            }

            if (await _wasNotProcessed(result).ConfigureAwait(false))
            {
                string status = (int)result.StatusCode + " " + result.ReasonPhrase;
                result.Dispose();
                throw new PsaMappingException(Service.UnavailableId, PsaErrorKind.Unavailable,
                    $"{Service.Name} refused {Label(endpoint)} without processing it through {_options.MaxRetryAttempts + 1} attempts (the last answered " +
                    $"{status}). Nothing was changed. Wait a few minutes and run the command again.")
                { Target = endpoint };
            }

            if (await _isTransientFailure(result).ConfigureAwait(false))
            {
                string status = (int)result.StatusCode + " " + result.ReasonPhrase;
                result.Dispose();
                throw new RequestOutcomeUnknownException(Service, endpoint, "it answered " + status + " without saying what it did", null);
            }

            return result;
        }

        private string DescribeFailure(Exception cause)
        {
            switch (cause)
            {
                case BrokenCircuitException _:
                    return "too many requests failed in a row, so further calls are paused for a while";
                case TimeoutRejectedException timeout when timeout.Timeout >= _options.TotalTimeout:
                    return $"it kept failing for {_options.TotalTimeout.TotalSeconds:0} seconds";
                case TimeoutRejectedException _:
                    return $"no answer within {_options.AttemptTimeout.TotalSeconds:0} seconds";
                case RateLimiterRejectedException _:
                    return "too many requests were waiting";
                case ResponseTooLargeException tooLarge:
                    return $"its answer was larger than {tooLarge.Limit / (1024 * 1024.0):0.#} MB and was not read";
                default:
                    return "the connection failed (" + UserText.Clause(UserText.Clip(cause.GetBaseException().Message)) + ")";
            }
        }

        /// <summary>Failures that prove the request never left this machine, so it cannot have been processed.</summary>
        private static bool WasNeverSent(Exception? exception)
        {
            switch (exception)
            {
                case BrokenCircuitException _:
                case RateLimiterRejectedException _:
                    return true;
                case HttpRequestException http:
                    return http.InnerException is System.Net.Sockets.SocketException socket
                           && (socket.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionRefused
                               || socket.SocketErrorCode == System.Net.Sockets.SocketError.HostNotFound);
                default:
                    return false;
            }
        }

        private PsaMappingException Unavailable(string endpoint, Exception cause)
        {
            string why = DescribeFailure(cause);
            return new PsaMappingException(Service.UnavailableId, PsaErrorKind.Unavailable,
                $"{Service.Name} could not be reached for {Label(endpoint)}: {UserText.Clause(why)}. Check the network and the service's status page, then run the command again.",
                cause) { Target = endpoint };
        }

        /// <summary>
        /// Reads the whole body within the attempt (so a connection dropped mid-body is retried like any other
        /// network failure), but never more than <paramref name="maxBytes"/>: a runaway answer is refused, not
        /// retried, and never fills memory.
        /// </summary>
        private static async Task BufferBoundedAsync(HttpResponseMessage response, long maxBytes, CancellationToken cancellationToken)
        {
            HttpContent? original = response.Content;
            if (original == null) return;
            if (original.Headers.ContentLength > maxBytes)
            {
                response.Dispose();
                throw new ResponseTooLargeException(maxBytes);
            }

            var buffer = new MemoryStream();
            using (Stream stream = await original.ReadAsStreamAsync().ConfigureAwait(false))
            {
                byte[] chunk = new byte[81920];
                int read;
                while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > maxBytes)
                    {
                        response.Dispose();
                        throw new ResponseTooLargeException(maxBytes);
                    }

                    buffer.Write(chunk, 0, read);
                }
            }

            var content = new ByteArrayContent(buffer.ToArray());
            foreach (var header in original.Headers) content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            original.Dispose();
            response.Content = content;
        }

        /// <summary>An answer larger than <see cref="ResilienceOptions.MaxResponseBytes"/>: refused, never retried.</summary>
        private sealed class ResponseTooLargeException : Exception
        {
            public ResponseTooLargeException(long limit) : base("The response is larger than " + limit + " bytes.") => Limit = limit;

            public long Limit { get; }
        }

        private static PartitionedRateLimiter<string> CreateLimiter(int permitsPerEndpoint)
        {
            int permits = Math.Max(1, permitsPerEndpoint);
            return PartitionedRateLimiter.Create<string, string>(endpoint =>
                RateLimitPartition.GetConcurrencyLimiter(endpoint, _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = permits,
                    QueueLimit = int.MaxValue,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                }));
        }

        private ResiliencePipeline<HttpResponseMessage> BuildPipeline()
        {
            var builder = new ResiliencePipelineBuilder<HttpResponseMessage>
            {
                Name = Service.Name,
                TimeProvider = _time,
            };

            // Outermost: the whole call, every retry and wait included, has a deadline.
            builder.AddTimeout(new TimeoutStrategyOptions { Timeout = _options.TotalTimeout, Name = "total" });

            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.BaseDelay,
                MaxDelay = _options.MaxDelay,
                // A 429 whose Retry-After ends past the call's deadline (Autotask's hourly threshold) is not
                // waited for: the caller gets a specific error at once, saying when the budget frees up.
                ShouldHandle = args => WaitBeyondDeadline(args.Outcome.Result, args.Context) != null
                    ? new ValueTask<bool>(false)
                    : args.Context.Properties.GetValue(NotRepeatableKey, false)
                        ? IsProvenNotProcessedAsync(args.Outcome)
                        : IsTransientAsync(args.Outcome, args.Context.CancellationToken),
                DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    // The failed response is ours to dispose: nobody else will see it.
                    args.Outcome.Result?.Dispose();
                    Requests.CountRetry();
                    return default;
                },
            });

            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = _options.BreakerFailureRatio,
                MinimumThroughput = _options.BreakerMinimumThroughput,
                SamplingDuration = _options.BreakerSamplingDuration,
                BreakDuration = _options.BreakDuration,
                ShouldHandle = args => IsTransientAsync(args.Outcome, args.Context.CancellationToken),
            });

            builder.AddRateLimiter(new RateLimiterStrategyOptions
            {
                RateLimiter = args => _limiter.AcquireAsync(
                    args.Context.Properties.GetValue(EndpointKey, "?"), 1, args.Context.CancellationToken),
            });

            builder.AddTimeout(_options.AttemptTimeout);
            return builder.Build();
        }

        /// <summary>Transient answers (see the constructor), and failures to get an answer at all, are worth another try.</summary>
        private async ValueTask<bool> IsTransientAsync(Outcome<HttpResponseMessage> outcome, CancellationToken callerToken)
        {
            if (outcome.Result != null) return await _isTransientFailure(outcome.Result).ConfigureAwait(false);
            return IsTransientException(outcome.Exception, callerToken);
        }

        /// <summary>For a request that must not be repeated: only answers and failures that prove it was not processed.</summary>
        private async ValueTask<bool> IsProvenNotProcessedAsync(Outcome<HttpResponseMessage> outcome)
        {
            if (outcome.Result != null) return await _wasNotProcessed(outcome.Result).ConfigureAwait(false);
            return WasNeverSent(outcome.Exception);
        }

        /// <summary>
        /// The TLS handshake failure inside <paramref name="exception"/> (a certificate that is not trusted, expired
        /// or for another name), or null. Not a network glitch: retrying cannot help, and blaming the network misleads.
        /// </summary>
        private static Exception? CertificateFailure(Exception? exception)
        {
            for (Exception? e = exception; e != null; e = e.InnerException)
                if (e is System.Security.Authentication.AuthenticationException) return e;
            return null;
        }

        private PsaMappingException CertificateRejected(string endpoint, Exception tls) =>
            new PsaMappingException(Service.CertificateRejectedId, PsaErrorKind.SecurityError,
                $"The TLS certificate {Service.Name} presented for {Label(endpoint)} was not accepted ({UserText.Clause(UserText.Clip(tls.Message))}), so nothing was sent. " +
                "This is not a network glitch and was not retried: check that the address is the service's own, that this computer's clock is right, " +
                "and whether a proxy replaces certificates (then trust its root certificate).", tls) { Target = endpoint };

        private static bool IsTransientException(Exception? exception, CancellationToken callerToken)
        {
            if (CertificateFailure(exception) != null) return false;
            switch (exception)
            {
                case null:
                    return false;
                case OperationCanceledException _ when callerToken.IsCancellationRequested:
                    return false; // the user pressed Ctrl+C: stop, do not retry
                case HttpRequestException _:
                case IOException _:
                case TimeoutRejectedException _:
                case BrokenCircuitException _:
                case OperationCanceledException _: // a connection torn down under us, not a user cancellation
                    return true;
                default:
                    return false;
            }
        }

        public static bool IsTransientStatus(HttpStatusCode status) =>
            status == HttpStatusCode.RequestTimeout || (int)status == 429 || (int)status >= 500;

        /// <summary>The server's Retry-After, clamped to [0, MaxRetryAfter]; null to use the backoff.</summary>
        private TimeSpan? RetryAfter(HttpResponseMessage? response)
        {
            TimeSpan? wait = RequestedWait(response);
            if (wait == null) return null;
            if (wait < TimeSpan.Zero) return TimeSpan.Zero;
            return wait > _options.MaxRetryAfter ? _options.MaxRetryAfter : wait;
        }

        /// <summary>The wait a response's Retry-After asks for, unclamped; null when it names none.</summary>
        private TimeSpan? RequestedWait(HttpResponseMessage? response)
        {
            var header = response?.Headers.RetryAfter;
            if (header == null) return null;
            if (header.Delta.HasValue) return header.Delta;
            return header.Date.HasValue ? header.Date.Value - _time.GetUtcNow() : (TimeSpan?)null;
        }

        /// <summary>
        /// For a 429, the wait its Retry-After asks for when that is longer than any retry waits or ends after the
        /// call's deadline (<paramref name="context"/> null: the longest single wait alone decides); else null.
        /// </summary>
        private TimeSpan? WaitBeyondDeadline(HttpResponseMessage? response, ResilienceContext? context)
        {
            if (response == null || (int)response.StatusCode != 429) return null;
            TimeSpan? wait = RequestedWait(response);
            if (wait == null) return null;
            if (wait > _options.MaxRetryAfter) return wait;
            if (context == null) return null;
            TimeSpan elapsed = _time.GetUtcNow() - context.Properties.GetValue(StartedKey, _time.GetUtcNow());
            return elapsed + wait > _options.TotalTimeout ? wait : null;
        }

        private PsaMappingException ThresholdExceeded(string endpoint, TimeSpan wait)
        {
            // Rounded up to the minute: "until 10:27" must not be a moment too early.
            DateTimeOffset until = _time.GetUtcNow() + wait;
            until = until.AddTicks(-(until.Ticks % TimeSpan.TicksPerMinute)).AddMinutes(until.Ticks % TimeSpan.TicksPerMinute == 0 ? 0 : 1);
            return new PsaMappingException(Service.ThresholdExceededId, PsaErrorKind.Unavailable,
                $"{Service.Name} refused {Label(endpoint)} because its request limit is used up (429), and asks to wait {Describe(wait)}, until " +
                $"{until.UtcDateTime:yyyy-MM-dd HH:mm} UTC. {Service.Name} counts the requests of every integration of the database " +
                "(Autotask allows 10,000 an hour). Nothing was changed: run the command again after that time.") { Target = endpoint };
        }

        /// <summary>
        /// An endpoint as a user reads it: "sophos.token" is "the token request", "autotask.Companies" "the
        /// Companies request". The dotted names are the request counter's keys, not words for a message.
        /// </summary>
        internal static string Label(string endpoint)
        {
            int dot = endpoint.IndexOf('.');
            string name = dot >= 0 ? endpoint.Substring(dot + 1) : endpoint;
            return $"the {name} request";
        }

        private static string Describe(TimeSpan wait) =>
            wait.TotalMinutes >= 2 ? $"{Math.Ceiling(wait.TotalMinutes):0} minutes" : $"{Math.Ceiling(wait.TotalSeconds):0} seconds";

        public void Dispose()
        {
            _http.Dispose();
            if (_ownsLimiter) _limiter.Dispose();
        }
    }
}
