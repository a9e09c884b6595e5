using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using PsaMapping.Engine.Http;

namespace PsaMapping.Engine.Tests
{
    /// <summary>
    /// A request that bills (an Autotask adjustment) must never be sent twice when it may have been processed: the
    /// pipeline retries it only on answers that prove it was not, and says "unknown" otherwise.
    /// </summary>
    public sealed class SendOnceTests
    {
        private static readonly Uri Target = new("https://api.example.test/adjust");
        private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-23T10:00:00Z", CultureInfo.InvariantCulture));

        private ResilientHttpClient Client(StubHandler handler, Action<ResilienceOptions>? configure = null)
        {
            var options = new ResilienceOptions { BaseDelay = TimeSpan.Zero, BreakerMinimumThroughput = 100 };
            configure?.Invoke(options);
            return new ResilientHttpClient(ApiService.Autotask, handler, options, _time);
        }

        private static Func<HttpRequestMessage> Post => () => new HttpRequestMessage(HttpMethod.Post, Target) { Content = new StringContent("{\"unitChange\":3}") };

        [Theory]
        [InlineData(500)]
        [InlineData(502)]
        [InlineData(503)]
        [InlineData(504)]
        [InlineData(408)]
        public async Task A_server_failure_is_not_retried_and_its_outcome_is_unknown(int status)
        {
            var handler = new StubHandler(_ => StubHandler.Status(status, "{\"Message\":\"An error has occurred.\"}"));
            using var client = Client(handler);

            var error = await Assert.ThrowsAsync<RequestOutcomeUnknownException>(() => client.SendOnceAsync("adjust", Post, CancellationToken.None));

            Assert.Equal(1, handler.Calls);
            Assert.Equal(ErrorIds.AutotaskOutcomeUnknown, error.ErrorId);
            Assert.Equal(0, client.Requests.Retries);
        }

        [Fact]
        public async Task The_same_failure_is_retried_for_a_request_that_may_be_repeated()
        {
            var handler = new StubHandler(call => call == 1 ? StubHandler.Status(503) : StubHandler.Status(200));
            using var client = Client(handler);

            using HttpResponseMessage response = await client.SendAsync("adjust", Post, CancellationToken.None);

            Assert.Equal(2, handler.Calls);
        }

        [Fact]
        public async Task A_dropped_connection_is_not_retried_and_its_outcome_is_unknown()
        {
            var handler = new StubHandler((_, _, _) => throw new HttpRequestException("The response ended prematurely.", new IOException("reset")));
            using var client = Client(handler);

            await Assert.ThrowsAsync<RequestOutcomeUnknownException>(() => client.SendOnceAsync("adjust", Post, CancellationToken.None));

            Assert.Equal(1, handler.Calls);
        }

        [Fact]
        public async Task An_attempt_that_times_out_is_not_retried_and_its_outcome_is_unknown()
        {
            var handler = new StubHandler(async (_, _, token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return StubHandler.Status(200);
            });
            using var client = Client(handler, o => o.AttemptTimeout = TimeSpan.FromSeconds(20));

            Task<HttpResponseMessage> send = client.SendOnceAsync("adjust", Post, CancellationToken.None);
            await Eventually.True(() => handler.Calls == 1, "the attempt is made");
            _time.Advance(TimeSpan.FromSeconds(20));

            var error = await Assert.ThrowsAsync<RequestOutcomeUnknownException>(() => send.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("no answer within 20 seconds", error.Message);
            Assert.Equal(1, handler.Calls);
        }

        [Fact]
        public async Task A_429_proves_nothing_was_processed_and_is_retried()
        {
            var handler = new StubHandler(call => call == 1 ? StubHandler.Status(429, retryAfterSeconds: 0) : StubHandler.Status(200, "{\"itemId\":7}"));
            using var client = Client(handler);

            using HttpResponseMessage response = await client.SendOnceAsync("adjust", Post, CancellationToken.None);

            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(2, handler.Calls);
        }

        [Fact]
        public async Task A_refused_connection_never_left_and_is_retried()
        {
            var handler = new StubHandler((_, call, _) => call == 1
                ? throw new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused))
                : Task.FromResult(StubHandler.Status(200)));
            using var client = Client(handler);

            using HttpResponseMessage response = await client.SendOnceAsync("adjust", Post, CancellationToken.None);

            Assert.Equal(2, handler.Calls);
        }

        [Fact]
        public async Task A_request_refused_unprocessed_through_every_retry_is_unavailable_not_unknown()
        {
            var handler = new StubHandler(_ => StubHandler.Status(429, retryAfterSeconds: 0));
            using var client = Client(handler, o => o.MaxRetryAttempts = 2);

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => client.SendOnceAsync("adjust", Post, CancellationToken.None));

            Assert.IsNotType<RequestOutcomeUnknownException>(error);
            Assert.Equal(PsaErrorKind.Unavailable, error.Kind);
            Assert.Equal(3, handler.Calls);
        }

        [Theory]
        [InlineData(400)]
        [InlineData(404)]
        public async Task A_definitive_refusal_is_returned_for_the_caller_to_read(int status)
        {
            var handler = new StubHandler(_ => StubHandler.Status(status, "{\"errors\":[\"no\"]}"));
            using var client = Client(handler);

            using HttpResponseMessage response = await client.SendOnceAsync("adjust", Post, CancellationToken.None);

            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal(1, handler.Calls);
        }
    }

    /// <summary>How the Autotask client reads a billing write's answer.</summary>
    public sealed class AutotaskWriteOutcomeTests
    {
        private static async Task<(Autotask.AutotaskBilling Billing, StubHandler Handler)> ConnectAsync(Func<int, HttpResponseMessage> post)
        {
            int posts = 0;
            var handler = new StubHandler((request, _, _) => Task.FromResult(request.Method == HttpMethod.Post
                ? post(Interlocked.Increment(ref posts))
                : StubHandler.Status(200, "{\"fields\":[]}")));
            var client = new Autotask.AutotaskClient(new AutotaskCredential("api@example.test", SophosCentralClientTests.Secure("secret"),
                    SophosCentralClientTests.Secure("CODE")), apiUri: new Uri("https://webservices5.autotask.net/ATServicesRest/"), handler: handler,
                resilience: new ResilienceOptions { BaseDelay = TimeSpan.Zero, ConcurrencyScope = Guid.NewGuid().ToString() });
            await client.ConnectAsync(CancellationToken.None);
            return (new Autotask.AutotaskBilling(client), handler);
        }

        private static readonly Autotask.ServiceAdjustment Adjustment = new(7, 70, null, new DateTime(2026, 12, 1), 3);

        [Fact]
        public async Task A_thread_limit_refusal_under_another_status_was_not_processed_and_is_sent_again()
        {
            var (billing, handler) = await ConnectAsync(call => call == 1
                ? StubHandler.Status(500, "{\"errors\":[\"Request rejected: the thread threshold of 3 threads has been exceeded. (Itgenatr005)\"]}")
                : StubHandler.Status(200, "{\"itemId\":42}"));

            Autotask.AutotaskWriteResult result = await billing.PostAdjustmentAsync(Adjustment, CancellationToken.None);

            Assert.Equal(Autotask.AutotaskWriteOutcome.Applied, result.Outcome);
            Assert.Equal(42, result.ItemId);
            Assert.Equal(2, handler.Requests.Count(r => r.Method == HttpMethod.Post));
        }

        [Fact]
        public async Task A_500_with_autotasks_errors_is_a_refusal_with_its_message()
        {
            var (billing, handler) = await ConnectAsync(_ => StubHandler.Status(500,
                "{\"errors\":[\"This operation would result in the deletion/modification of an already approved and posted contract period.\"]}"));

            Autotask.AutotaskWriteResult result = await billing.PostAdjustmentAsync(Adjustment, CancellationToken.None);

            Assert.Equal(Autotask.AutotaskWriteOutcome.Refused, result.Outcome);
            Assert.Contains("already approved and posted", result.Message);
            Assert.Equal(1, handler.Requests.Count(r => r.Method == HttpMethod.Post));
        }

        [Fact]
        public async Task A_500_without_autotasks_errors_is_unknown_and_not_sent_again()
        {
            var (billing, handler) = await ConnectAsync(_ => StubHandler.Status(500, "{\"Message\":\"An error has occurred.\"}"));

            Autotask.AutotaskWriteResult result = await billing.PostAdjustmentAsync(Adjustment, CancellationToken.None);

            Assert.Equal(Autotask.AutotaskWriteOutcome.Unknown, result.Outcome);
            Assert.Equal(1, handler.Requests.Count(r => r.Method == HttpMethod.Post));
        }

        [Fact]
        public async Task The_adjustment_names_the_line_sends_a_whole_unit_change_and_never_a_price()
        {
            var (billing, handler) = await ConnectAsync(_ => StubHandler.Status(200, "{\"itemId\":1}"));

            await billing.PostAdjustmentAsync(Adjustment, CancellationToken.None);

            var body = Newtonsoft.Json.Linq.JObject.Parse(handler.Bodies.Last()!);
            Assert.Equal(Newtonsoft.Json.Linq.JTokenType.Integer, body["unitChange"]!.Type);
            Assert.Equal(70, (long)body["contractServiceID"]!);
            Assert.Contains("\"effectiveDate\":\"2026-12-01T00:00:00\"", handler.Bodies.Last());
            Assert.Null(body["adjustedUnitPrice"]);
            Assert.EndsWith("/V1.0/ContractServiceAdjustments", handler.Requests.Last().RequestUri!.AbsolutePath);
        }
    }
}
