using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using PsaMapping.Engine.Http;

namespace PsaMapping.Engine.Tests
{
    public sealed class ResilientHttpClientTests
    {
        private static readonly Uri Target = new("https://api.example.test/thing");
        private readonly TimerRecordingTimeProvider _time = new(DateTimeOffset.Parse("2026-11-23T10:00:00Z", CultureInfo.InvariantCulture));

        private ResilientHttpClient Client(StubHandler handler, Action<ResilienceOptions>? configure = null)
        {
            var options = new ResilienceOptions();
            configure?.Invoke(options);
            return new ResilientHttpClient(ApiService.Autotask, handler, options, _time);
        }

        private static Func<HttpRequestMessage> Get => () => new HttpRequestMessage(HttpMethod.Get, Target);

        [Fact]
        public async Task A_429_is_retried_after_the_servers_Retry_After_and_not_before()
        {
            var handler = new StubHandler(call => call == 1 ? StubHandler.Status(429, retryAfterSeconds: 7) : StubHandler.Status(200));
            using var client = Client(handler);

            Task<HttpResponseMessage> send = client.SendAsync("things", Get, CancellationToken.None);
            await Eventually.True(() => _time.Waits.Contains(TimeSpan.FromSeconds(7)), "the retry waits the 7 s the server asked for");

            // Nothing waits less: fake time fires a timer only once it is advanced past its due time.
            Assert.DoesNotContain(_time.Waits, wait => wait > TimeSpan.Zero && wait < TimeSpan.FromSeconds(7));
            Assert.Equal(1, handler.Calls);
            _time.Advance(TimeSpan.FromSeconds(7));
            using HttpResponseMessage response = await send.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(2, handler.Calls);
            Assert.Equal(1, client.Requests.Retries);
        }

        [Fact]
        public async Task A_huge_Retry_After_is_clamped()
        {
            var handler = new StubHandler(call => call == 1 ? StubHandler.Status(503, retryAfterSeconds: 86400) : StubHandler.Status(200));
            using var client = Client(handler, o => o.MaxRetryAfter = TimeSpan.FromSeconds(30));

            Task<HttpResponseMessage> send = client.SendAsync("things", Get, CancellationToken.None);
            await Eventually.True(() => handler.Calls == 1, "the first attempt is made");
            _time.Advance(TimeSpan.FromSeconds(30));

            using HttpResponseMessage response = await send.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(200, (int)response.StatusCode);
        }

        [Fact]
        public async Task Without_Retry_After_the_backoff_grows_exponentially()
        {
            var handler = new StubHandler(call => call <= 3 ? StubHandler.Status(502) : StubHandler.Status(200));
            using var client = Client(handler, o => { o.BaseDelay = TimeSpan.FromSeconds(30); o.MaxDelay = TimeSpan.FromMinutes(5); });

            Task<HttpResponseMessage> send = client.SendAsync("things", Get, CancellationToken.None);
            await Eventually.True(() => handler.Calls == 1, "the first attempt is made");

            // Polly's jittered exponential backoff stays below twice the plain exponential delay
            // (10 s, 20 s, 40 s) and gets longer from one retry to the next on average; step through time
            // and record when each retry happens.
            var retryTimes = new List<double>();
            int lastCalls = 1;
            for (int second = 1; second <= 400 && !send.IsCompleted; second++)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(2);
                if (handler.Calls != lastCalls)
                {
                    retryTimes.Add(second);
                    lastCalls = handler.Calls;
                }
            }

            using HttpResponseMessage response = await send.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(4, handler.Calls);
            Assert.Equal(3, retryTimes.Count);
            Assert.True(retryTimes[2] > 20, $"the third retry comes after the backoff grew (at {string.Join(", ", retryTimes)} s)");
        }

        [Fact]
        public async Task Every_attempt_sends_a_new_request_message_with_its_body()
        {
            var handler = new StubHandler(call => call < 3 ? StubHandler.Status(500) : StubHandler.Status(200));
            using var client = Client(handler, o => o.BaseDelay = TimeSpan.Zero);

            using HttpResponseMessage response = await client.SendAsync("things",
                () => new HttpRequestMessage(HttpMethod.Post, Target) { Content = new StringContent("{\"a\":1}") }, CancellationToken.None);

            Assert.Equal(3, handler.Requests.Distinct().Count());
            Assert.All(handler.Bodies, body => Assert.Equal("{\"a\":1}", body));
        }

        [Theory]
        [InlineData(400)]
        [InlineData(401)]
        [InlineData(403)]
        [InlineData(404)]
        public async Task Answers_that_another_try_cannot_fix_are_returned_at_once(int status)
        {
            var handler = new StubHandler(_ => StubHandler.Status(status));
            using var client = Client(handler);

            using HttpResponseMessage response = await client.SendAsync("things", Get, CancellationToken.None);

            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal(1, handler.Calls);
        }

        [Fact]
        public async Task Network_errors_and_408_are_retried()
        {
            var handler = new StubHandler((_, call, _) => call switch
            {
                1 => throw new HttpRequestException("connection reset"),
                2 => Task.FromResult(StubHandler.Status(408)),
                _ => Task.FromResult(StubHandler.Status(200)),
            });
            using var client = Client(handler, o => o.BaseDelay = TimeSpan.Zero);

            using HttpResponseMessage response = await client.SendAsync("things", Get, CancellationToken.None);

            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(3, handler.Calls);
        }

        [Fact]
        public async Task A_service_that_keeps_failing_ends_in_an_unavailable_error_after_the_last_retry()
        {
            var handler = new StubHandler(_ => StubHandler.Status(503));
            using var client = Client(handler, o => { o.BaseDelay = TimeSpan.Zero; o.MaxRetryAttempts = 4; o.BreakerMinimumThroughput = 100; });

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.SendAsync("things", Get, CancellationToken.None));

            Assert.Equal(ErrorIds.AutotaskUnavailable, error.ErrorId);
            Assert.Equal(PsaErrorKind.Unavailable, error.Kind);
            Assert.Contains("503", error.Message);
            Assert.Equal(5, handler.Calls);
        }

        [Fact]
        public async Task A_server_that_never_answers_ends_at_the_total_deadline()
        {
            var handler = new StubHandler(async (_, _, token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return StubHandler.Status(200);
            });
            using var client = Client(handler, o => { o.AttemptTimeout = TimeSpan.FromSeconds(60); o.TotalTimeout = TimeSpan.FromSeconds(150); });

            Task<HttpResponseMessage> send = client.SendAsync("things", Get, CancellationToken.None);
            for (int second = 0; second < 150 && !send.IsCompleted; second++)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(2);
            }

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => send.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(PsaErrorKind.Unavailable, error.Kind);
            Assert.Contains("kept failing for 150 seconds", error.Message);
            Assert.InRange(handler.Calls, 2, 3); // two full attempts of 60 s fit, the third is cut short
        }

        [Fact]
        public async Task An_attempt_that_hangs_times_out_and_is_retried()
        {
            var handler = new StubHandler(async (_, call, token) =>
            {
                if (call == 1) await Task.Delay(Timeout.Infinite, token);
                return StubHandler.Status(200);
            });
            using var client = Client(handler, o => { o.AttemptTimeout = TimeSpan.FromSeconds(20); o.BaseDelay = TimeSpan.Zero; });

            Task<HttpResponseMessage> send = client.SendAsync("things", Get, CancellationToken.None);
            await Eventually.True(() => handler.Calls == 1, "the first attempt is made");
            _time.Advance(TimeSpan.FromSeconds(20));

            using HttpResponseMessage response = await send.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(2, handler.Calls);
        }

        [Fact]
        public async Task Cancellation_reaches_the_HTTP_call_and_is_not_retried()
        {
            var cancelledInHandler = new TaskCompletionSource();
            var handler = new StubHandler(async (_, _, token) =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    cancelledInHandler.TrySetResult();
                    throw;
                }

                return StubHandler.Status(200);
            });
            using var client = Client(handler);
            using var cts = new CancellationTokenSource();

            Task<HttpResponseMessage> send = client.SendAsync("things", Get, cts.Token);
            await Eventually.True(() => handler.Calls == 1, "the first attempt is made");
            cts.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send.WaitAsync(TimeSpan.FromSeconds(30)));
            await cancelledInHandler.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(1, handler.Calls);
        }

        [Fact]
        public async Task The_circuit_opens_after_repeated_failures_and_fails_fast()
        {
            var handler = new StubHandler(_ => StubHandler.Status(500));
            using var client = Client(handler, o =>
            {
                o.BaseDelay = TimeSpan.Zero;
                o.MaxRetryAttempts = 10;
                o.BreakerMinimumThroughput = 3;
                o.BreakerFailureRatio = 0.5;
                o.BreakDuration = TimeSpan.FromMinutes(1);
            });

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.SendAsync("things", Get, CancellationToken.None));

            Assert.Equal(PsaErrorKind.Unavailable, error.Kind);
            Assert.Contains("paused", error.Message);
            Assert.Equal(3, handler.Calls); // the other 8 attempts were refused by the open circuit, not sent
            Assert.Equal(3, client.Requests.Total);
        }

        [Fact]
        public async Task At_most_the_allowed_number_of_requests_per_endpoint_are_in_flight()
        {
            var release = new TaskCompletionSource();
            var handler = new StubHandler(async (_, _, _) =>
            {
                await release.Task;
                return StubHandler.Status(200);
            });
            using var client = Client(handler, o => o.ConcurrencyPerEndpoint = 3);

            var sends = Enumerable.Range(0, 10).Select(_ => client.SendAsync("things", Get, CancellationToken.None)).ToList();
            var other = client.SendAsync("other", Get, CancellationToken.None);
            await Eventually.True(() => handler.Calls == 4, "three 'things' and the 'other' request are in flight");

            release.SetResult();
            foreach (var response in await Task.WhenAll(sends.Append(other))) response.Dispose();
            // Nothing answers before the release, so without the limit all eleven would have been in flight at once.
            Assert.Equal(4, handler.MaxInFlight);
            Assert.Equal(10, client.Requests.For("things"));
        }
    }

    /// <summary>Autotask's hourly threshold: a 429 whose Retry-After ends past the call's deadline is not waited for.</summary>
    public sealed class ThresholdExceededTests
    {
        private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-23T10:00:00Z", CultureInfo.InvariantCulture));

        private static Func<HttpRequestMessage> Get => () => new HttpRequestMessage(HttpMethod.Get, new Uri("https://api.example.test/Companies/query"));

        [Fact]
        public async Task A_429_asking_to_wait_beyond_the_calls_deadline_is_an_immediate_ThresholdExceeded_saying_when_the_budget_frees_up()
        {
            var handler = new StubHandler(_ => StubHandler.Status(429, retryAfterSeconds: 1617));
            using var client = new ResilientHttpClient(ApiService.Autotask, handler, new ResilienceOptions(), _time);

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.SendAsync("Companies/query", Get, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

            Assert.Equal("AutotaskThresholdExceeded", error.ErrorId);
            Assert.Equal(1, handler.Calls); // not retried, not waited for
            Assert.Contains("27 minutes, until 2026-11-23 10:27 UTC", error.Message);
            Assert.DoesNotContain("network", error.Message);
        }

        [Fact]
        public async Task A_429_whose_wait_fits_within_the_deadline_is_still_waited_for()
        {
            var handler = new StubHandler(call => call == 1 ? StubHandler.Status(429, retryAfterSeconds: 100) : StubHandler.Status(200));
            using var client = new ResilientHttpClient(ApiService.Autotask, handler, new ResilienceOptions(), _time);

            Task<HttpResponseMessage> send = client.SendAsync("Companies/query", Get, CancellationToken.None);
            await Eventually.True(() => handler.Calls == 1, "the first attempt is made");
            _time.Advance(TimeSpan.FromSeconds(101));

            using HttpResponseMessage response = await send.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(200, (int)response.StatusCode);
        }
    }

    /// <summary>A TLS certificate that is not trusted is not a network glitch.</summary>
    public sealed class CertificateRejectedTests
    {
        [Fact]
        public async Task A_bad_certificate_fails_at_once_naming_the_certificate_not_the_network()
        {
            var handler = new StubHandler((_, _, _) => throw new HttpRequestException("The SSL connection could not be established, see inner exception.",
                new System.Security.Authentication.AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot")));
            using var client = new ResilientHttpClient(ApiService.Autotask, handler, new ResilienceOptions(), new FakeTimeProvider());

            var error = await Assert.ThrowsAsync<PsaMappingException>(() =>
                client.SendAsync("Companies/query", () => new HttpRequestMessage(HttpMethod.Get, "https://api.example.test/"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

            Assert.Equal("AutotaskCertificateRejected", error.ErrorId);
            Assert.Equal(PsaErrorKind.SecurityError, error.Kind);
            Assert.Equal(1, handler.Calls);
            Assert.Contains("certificate", error.Message);
            Assert.DoesNotContain("Check the network", error.Message);
        }
    }

    /// <summary>What a user reads when a service cannot be reached: words, not the request counter's keys.</summary>
    public sealed class UnreachableMessageTests
    {
        [Fact]
        public async Task An_unreachable_service_is_named_without_internal_labels_or_double_full_stops()
        {
            var handler = new StubHandler((_, _, _) => throw new HttpRequestException("Connection refused."));
            using var client = new ResilientHttpClient(ApiService.SophosCentral, handler,
                new ResilienceOptions { MaxRetryAttempts = 1, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero }, new FakeTimeProvider());

            var error = await Assert.ThrowsAsync<PsaMappingException>(() =>
                client.SendAsync("sophos.token", () => new HttpRequestMessage(HttpMethod.Post, "https://id.example.test/"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

            Assert.Equal("SophosUnavailable", error.ErrorId);
            Assert.Contains("the token request", error.Message);
            Assert.DoesNotContain("sophos.token", error.Message);
            Assert.DoesNotContain("..", error.Message);
        }
    }
}
