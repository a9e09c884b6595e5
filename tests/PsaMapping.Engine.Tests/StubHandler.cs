using System.Collections.Concurrent;

namespace PsaMapping.Engine.Tests
{
    /// <summary>An HTTP handler whose answers the test decides, recording every request it gets.</summary>
    internal sealed class StubHandler : HttpMessageHandler
    {
        private readonly Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> _answer;
        private int _calls;
        private int _inFlight;
        private int _maxInFlight;

        public StubHandler(Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> answer) => _answer = answer;

        public StubHandler(Func<int, HttpResponseMessage> answer) : this((_, call, _) => Task.FromResult(answer(call))) { }

        public int Calls => Volatile.Read(ref _calls);
        public int MaxInFlight => Volatile.Read(ref _maxInFlight);
        public ConcurrentQueue<HttpRequestMessage> Requests { get; } = new();
        public ConcurrentQueue<string?> Bodies { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            int call = Interlocked.Increment(ref _calls);
            Requests.Enqueue(request);
            Bodies.Enqueue(request.Content == null ? null : await request.Content.ReadAsStringAsync(cancellationToken));
            int now = Interlocked.Increment(ref _inFlight);
            int seen;
            while ((seen = Volatile.Read(ref _maxInFlight)) < now && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen) { }
            try
            {
                return await _answer(request, call, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public static HttpResponseMessage Status(int status, string body = "{}", int? retryAfterSeconds = null)
        {
            var response = new HttpResponseMessage((System.Net.HttpStatusCode)status) { Content = new StringContent(body) };
            if (retryAfterSeconds.HasValue)
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(retryAfterSeconds.Value));
            return response;
        }
    }

    internal static class Eventually
    {
        /// <summary>Waits (in real time, briefly) for background work driven by fake time to catch up.</summary>
        public static async Task True(Func<bool> condition, string because)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30); // a generous bound for a loaded CI machine, not a timing assertion
            while (!condition())
            {
                if (DateTime.UtcNow > deadline) Assert.Fail("Timed out waiting until " + because);
                await Task.Delay(5);
            }
        }
    }

    /// <summary>
    /// Fake time that also records how long each timer created on it waits, so that a test sees how long
    /// something will wait instead of sleeping in real time to show that it did not happen early.
    /// </summary>
    internal sealed class TimerRecordingTimeProvider(DateTimeOffset start) : Microsoft.Extensions.Time.Testing.FakeTimeProvider(start)
    {
        private readonly ConcurrentQueue<TimeSpan> _waits = new();

        /// <summary>The due time of every timer created so far (retry delays, attempt and total timeouts).</summary>
        public IReadOnlyCollection<TimeSpan> Waits => _waits;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _waits.Enqueue(dueTime);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
