using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PsaMapping.Engine;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Http;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Store;

namespace PsaMapping
{
    /// <summary>
    /// The base of every PsaMapping cmdlet: finds the session's connections, runs engine work with Ctrl+C
    /// wired to a cancellation token, relays the engine's verbose and progress messages to the pipeline
    /// thread (the only thread PowerShell lets us write from), and turns engine errors into ErrorRecords.
    /// </summary>
    public abstract class PsaMappingCmdlet : PSCmdlet
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private readonly System.Collections.Generic.Dictionary<ResilientHttpClient, long> _requestBaselines =
            new System.Collections.Generic.Dictionary<ResilientHttpClient, long>();
        private int _progressActivityId;

        internal ModuleState State => ModuleState.Current;

        protected override void StopProcessing() => _stopping.Cancel();

        /// <summary>
        /// The session's Sophos Central connection. Without one, the saved credential is used (what unattended
        /// scripts rely on); without that either, a terminating error says to connect.
        /// </summary>
        internal SophosCentralClient RequireSophos()
        {
            if (State.Sophos != null) return Track(State.Sophos, State.Sophos.Http);

            SavedSophosCredential? saved = Guard(() => CredentialStore.Default().LoadSophos());
            if (saved == null)
                throw Terminate(new PsaMappingException("SophosNotConnected", PsaErrorKind.NotConnected,
                    "Not connected to Sophos Central. Run Connect-SophosCentral -Credential <client ID and secret> first (add -Save to keep the credential for unattended use)."));

            SophosCentralClient client = ConnectSaved($"Connecting to Sophos Central with the saved credential of client ID {saved.Credential.Id}.",
                () => new SophosCentralClient(saved.Credential, saved.AuthUri, saved.ApiUri), (c, token) => c.ConnectAsync(token));
            State.Sophos = client;
            return Track(client, client.Http);
        }

        /// <summary>The session's Autotask connection, from Connect-Autotask or the saved credential.</summary>
        internal AutotaskDirectory RequireAutotask()
        {
            if (State.Autotask != null) return Track(State.Autotask, State.Autotask.Client.Http);

            SavedAutotaskCredential? saved = Guard(() => CredentialStore.Default().LoadAutotask());
            if (saved == null)
                throw Terminate(new PsaMappingException("AutotaskNotConnected", PsaErrorKind.NotConnected,
                    "Not connected to Autotask. Run Connect-Autotask -Credential <API user and secret> -IntegrationCode <code> first (add -Save to keep it for unattended use)."));

            AutotaskClient client = ConnectSaved($"Connecting to Autotask with the saved credential of API user {saved.Credential.UserName}.",
                () => new AutotaskClient(saved.Credential, saved.ZoneUri, saved.ApiUri), (c, token) => c.ConnectAsync(token));
            State.Autotask = new AutotaskDirectory(client);
            return Track(State.Autotask, client.Http);
        }

        /// <summary>
        /// Keeps a credential in the store (Connect-* -Save), after confirmation: saving a secret is a change
        /// of state, so it honours -WhatIf and -Confirm.
        /// </summary>
        internal void SaveCredential(string what, Action<CredentialStore> save)
        {
            var store = CredentialStore.Default();
            if (!ShouldProcess(store.FilePath, "Save " + what)) return;
            Guard(() =>
            {
                save(store);
                return true;
            });
            WriteInformation(new InformationRecord($"Saved {what} in {store.FilePath}.", "PsaMapping"));
        }

        /// <summary>Creates and connects a client from a saved credential; a client that fails to connect is disposed.</summary>
        private T ConnectSaved<T>(string verbose, Func<T> create, Func<T, CancellationToken, Task> connect) where T : IDisposable
        {
            WriteVerbose(verbose);
            T client = Guard(create);
            try
            {
                Run((observer, token) => connect(client, token));
                return client;
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        /// <summary>Runs synchronous engine code, turning its errors into this command's terminating error.</summary>
        internal T Guard<T>(Func<T> work)
        {
            try
            {
                return work();
            }
            catch (PsaMappingException ex)
            {
                throw Terminate(ex);
            }
        }

        /// <summary>Remembers how many requests <paramref name="http"/> had sent when this command started using it.</summary>
        internal T Track<T>(T client, ResilientHttpClient http)
        {
            if (!_requestBaselines.ContainsKey(http)) _requestBaselines[http] = http.Requests.Total;
            return client;
        }

        /// <summary>Says with -Verbose how many requests this command sent to each service (they are a scarce budget).</summary>
        protected void WriteRequestSummary()
        {
            foreach (var pair in _requestBaselines)
                WriteVerbose($"{pair.Key.ServiceName} requests made by this command: {pair.Key.Requests.Total - pair.Value}" +
                             (pair.Key.Requests.Retries > 0 ? $" (retries in this session: {pair.Key.Requests.Retries})." : "."));
        }

        /// <summary>
        /// Runs engine work to completion on the pipeline thread's behalf: messages the work reports are
        /// written as they arrive, Ctrl+C cancels it, and engine errors come back as they were thrown.
        /// </summary>
        internal T Run<T>(Func<IOperationObserver, CancellationToken, Task<T>> work)
        {
            var relay = new PipelineRelay();
            Task<T> task = Task.Run(() => work(relay, _stopping.Token));
            task.ContinueWith(_ => relay.Complete(), TaskScheduler.Default);

            foreach (Action<PsaMappingCmdlet> write in relay.Pending())
                write(this);

            if (_progressActivityId != 0)
                WriteProgress(new ProgressRecord(_progressActivityId, "Done", "Done") { RecordType = ProgressRecordType.Completed });

            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (PsaMappingException ex)
            {
                throw Terminate(ex);
            }
        }

        internal void Run(Func<IOperationObserver, CancellationToken, Task> work) =>
            Run<bool>(async (observer, token) =>
            {
                await work(observer, token).ConfigureAwait(false);
                return true;
            });

        /// <summary>Stops the command with <paramref name="error"/>; returns nothing, it throws.</summary>
        internal Exception Terminate(PsaMappingException error)
        {
            ThrowTerminatingError(ToErrorRecord(error));
            return error; // not reached: ThrowTerminatingError always throws
        }

        /// <summary>True under -WhatIf (or $WhatIfPreference): nothing may be written, nor claimed to be.</summary>
        internal bool WhatIfMode =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? whatIf)
                ? LanguagePrimitives.IsTrue(whatIf)
                : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

        /// <summary>Reports one bad item and lets the pipeline go on.</summary>
        protected void WriteItemError(PsaMappingException error) => WriteError(ToErrorRecord(error));

        internal static ErrorRecord ToErrorRecord(PsaMappingException error)
        {
            var record = new ErrorRecord(error, error.ErrorId, CategoryOf(error.Kind), error.Target);
            return record;
        }

        private static ErrorCategory CategoryOf(PsaErrorKind kind)
        {
            switch (kind)
            {
                case PsaErrorKind.NotConnected: return ErrorCategory.InvalidOperation;
                case PsaErrorKind.AuthenticationFailed: return ErrorCategory.AuthenticationError;
                case PsaErrorKind.WrongCredentialType: return ErrorCategory.InvalidArgument;
                case PsaErrorKind.Forbidden: return ErrorCategory.PermissionDenied;
                case PsaErrorKind.NotFound: return ErrorCategory.ObjectNotFound;
                case PsaErrorKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case PsaErrorKind.InvalidResponse: return ErrorCategory.InvalidResult;
                case PsaErrorKind.Unavailable: return ErrorCategory.ResourceUnavailable;
                default: return ErrorCategory.NotSpecified;
            }
        }

        private void WriteEngineProgress(OperationProgress progress)
        {
            if (_progressActivityId == 0) _progressActivityId = Math.Abs(GetType().Name.GetHashCode() % 10000) + 1;
            var record = new ProgressRecord(_progressActivityId, progress.Activity, progress.Status);
            if (progress.Total > 0) record.PercentComplete = Math.Min(100, progress.PercentComplete);
            WriteProgress(record);
        }

        /// <summary>Carries observer calls from worker threads to the pipeline thread.</summary>
        private sealed class PipelineRelay : IOperationObserver
        {
            private readonly BlockingCollection<Action<PsaMappingCmdlet>> _queue = new BlockingCollection<Action<PsaMappingCmdlet>>();

            public void Verbose(string message) => Post(cmdlet => cmdlet.WriteVerbose(message));

            public void Progress(OperationProgress progress) => Post(cmdlet => cmdlet.WriteEngineProgress(progress));

            public void Complete() => _queue.CompleteAdding();

            public System.Collections.Generic.IEnumerable<Action<PsaMappingCmdlet>> Pending() => _queue.GetConsumingEnumerable();

            private void Post(Action<PsaMappingCmdlet> write)
            {
                try
                {
                    _queue.Add(write);
                }
                catch (InvalidOperationException)
                {
                    // The work already finished; a late message has nowhere to go.
                }
            }
        }
    }
}
