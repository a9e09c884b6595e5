using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using PsaMapping.Engine.Http;

namespace PsaMapping.Engine.Store.Tables
{
    /// <summary>What tests and the benchmark change about a table store's client; the defaults suit a real account.</summary>
    public sealed class TableStoreOptions
    {
        /// <summary>Retries, backoff and timeouts: the same numbers as the API clients' (see <see cref="ResilienceOptions"/>).</summary>
        public ResilienceOptions Resilience { get; set; } = new ResilienceOptions();

        /// <summary>Sends the requests through this handler instead of the network (tests inject faults with it).</summary>
        public HttpMessageHandler? Handler { get; set; }

        /// <summary>The clock that stamps changes and decides when a lease has expired.</summary>
        public TimeProvider Time { get; set; } = TimeProvider.System;

        /// <summary>Counts every request sent, retries included; a new counter when not given.</summary>
        public RequestCounter? Requests { get; set; }
    }

    /// <summary>
    /// The one TableClient of a table store, with the API clients' retry discipline (408, 429, 5xx and network
    /// failures retried with exponential backoff, honouring Retry-After; a timeout per attempt and one for the
    /// whole call) and every request counted. <see cref="Run{T}"/> turns what the service says into the
    /// module's errors, which name the store but never its secret.
    /// </summary>
    internal sealed class TableStoreClient
    {
        /// <summary>The <see cref="RequestCounter"/> endpoint of the store's requests.</summary>
        public const string StoreRequests = "table";

        /// <summary>The endpoint the sync lock's requests are counted under, so a sync can say what its lock cost.</summary>
        public const string SyncLockRequests = "table sync lock";

        private const string PurposeProperty = "PsaMapping.RequestPurpose";

        private readonly ResilienceOptions _resilience;

        public TableStoreClient(TableStoreSettings settings, TableStoreOptions? options = null)
        {
            Settings = settings ?? throw new ArgumentNullException(nameof(settings));
            options = options ?? new TableStoreOptions();
            _resilience = options.Resilience;
            Time = options.Time;
            Requests = options.Requests ?? new RequestCounter();

            var clientOptions = new TableClientOptions();
            clientOptions.Retry.Mode = RetryMode.Exponential;
            clientOptions.Retry.MaxRetries = _resilience.MaxRetryAttempts;
            clientOptions.Retry.Delay = _resilience.BaseDelay;
            clientOptions.Retry.MaxDelay = _resilience.MaxDelay;
            clientOptions.Retry.NetworkTimeout = _resilience.AttemptTimeout;
            // Nothing about requests leaves the process: no logging of headers or query strings (a SAS token).
            clientOptions.Diagnostics.IsLoggingEnabled = false;
            clientOptions.Diagnostics.IsDistributedTracingEnabled = false;
            clientOptions.AddPolicy(new CountingPolicy(Requests), HttpPipelinePosition.PerRetry);
            if (options.Handler != null) clientOptions.Transport = new HttpClientTransport(new HttpClient(options.Handler, disposeHandler: false));
            Table = settings.CreateClient(clientOptions);
        }

        public TableStoreSettings Settings { get; }

        public TableClient Table { get; }

        public TimeProvider Time { get; }

        public RequestCounter Requests { get; }

        /// <summary>
        /// Counts the requests sent until the result is disposed under <paramref name="endpoint"/> instead of
        /// <see cref="StoreRequests"/> (Azure.Core carries the label to the counting policy with each message).
        /// </summary>
        public static IDisposable CountAs(string endpoint) =>
            HttpPipeline.CreateHttpMessagePropertiesScope(new System.Collections.Generic.Dictionary<string, object?> { [PurposeProperty] = endpoint });

        /// <summary>Runs one call with the whole-call timeout; what the service refuses becomes a <see cref="PsaMappingException"/>.</summary>
        public T Run<T>(Func<CancellationToken, T> call, CancellationToken cancellationToken = default)
        {
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                deadline.CancelAfter(_resilience.TotalTimeout);
                try
                {
                    return call(deadline.Token);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw Unavailable($"it did not answer within {_resilience.TotalTimeout.TotalSeconds:0} seconds", ex);
                }
                catch (Exception ex) when (Translate(ex) is PsaMappingException translated)
                {
                    throw translated;
                }
            }
        }

        public void Run(Action<CancellationToken> call, CancellationToken cancellationToken = default) =>
            Run(token => { call(token); return true; }, cancellationToken);

        /// <summary>The module's error for a failure of the service or the network; null for anything else (a bug, a cancellation).</summary>
        internal PsaMappingException? Translate(Exception ex)
        {
            if (ex is PsaMappingException) return null;
            if (ex is AggregateException aggregate)
                return aggregate.InnerExceptions.Select(Translate).LastOrDefault(e => e != null);
            if (ex is RequestFailedException failed) return Translate(failed);
            if (ex is HttpRequestException || ex is IOException)
                return Unavailable("the network failed (" + ex.GetType().Name + ")", ex);
            return null;
        }

        private PsaMappingException Translate(RequestFailedException ex)
        {
            // Neither the service's message nor the exception is passed on: Azure.Core builds them from the request
            // and its headers, and a secret must never reach an error record, even redacted.
            string code = string.IsNullOrEmpty(ex.ErrorCode) ? "HTTP " + ex.Status : ex.ErrorCode + ", HTTP " + ex.Status;
            switch (ex.Status)
            {
                case 0:
                    return Unavailable("it could not be reached");
                case 401:
                case 403:
                    return new PsaMappingException(ErrorIds.MappingStoreAccessDenied, PsaErrorKind.Forbidden,
                        $"The table store {Settings} refused access ({code}): the account key or SAS token is wrong or expired, or it lacks table " +
                        "permissions (a SAS token needs the Table service, resource types container and object, and read, add, update and delete; write too to create the table). " +
                        "Connect again with Connect-PsaMappingStore and a valid secret.", null)
                    { Target = Settings.ToString() };
                case 404 when ex.ErrorCode == "TableNotFound":
                    return TableMissing();
                case 408:
                case 429:
                case 500:
                case 502:
                case 503:
                case 504:
                    return Unavailable($"it kept failing through every retry ({code})");
                default:
                    return new PsaMappingException(ErrorIds.MappingStoreRequestFailed, PsaErrorKind.InvalidResponse,
                        $"The table store {Settings} refused a request ({code}). Nothing was half written. Run the command again; if it keeps failing, check the storage account in the Azure portal.", null)
                    { Target = Settings.ToString() };
            }
        }

        internal PsaMappingException TableMissing(Exception? inner = null) =>
            new PsaMappingException(ErrorIds.MappingStoreTableMissing, PsaErrorKind.NotFound,
                $"The table '{Settings.TableName}' does not exist at {Settings.Endpoint}, and it could not be created with this secret. " +
                "Create it in the Azure portal (Storage browser, Tables) or connect once with a secret that may create tables (the account's connection string), then run the command again.", inner)
            { Target = Settings.ToString() };

        internal PsaMappingException Unavailable(string why, Exception? inner = null) =>
            new PsaMappingException(ErrorIds.MappingStoreUnavailable, PsaErrorKind.Unavailable,
                $"The table store {Settings} is unavailable: {why}. Nothing was half written. Check the network and the storage account, then run the command again.", inner)
            { Target = Settings.ToString() };

        /// <summary>Counts each attempt, retries included, as the API clients' counters do.</summary>
        private sealed class CountingPolicy : HttpPipelineSynchronousPolicy
        {
            private readonly RequestCounter _counter;

            public CountingPolicy(RequestCounter counter) => _counter = counter;

            public override void OnSendingRequest(HttpMessage message) =>
                _counter.CountAttempt(message.TryGetProperty(PurposeProperty, out object? endpoint) && endpoint is string label ? label : StoreRequests);
        }
    }
}
