using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PsaMapping.Engine;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Store;
using PsaMapping.Engine.Store.Tables;

namespace PsaMapping
{
    /// <summary>
    /// The base of every PsaMapping cmdlet, the pipeline plumbing: runs engine work with Ctrl+C wired to a
    /// cancellation token, relays the engine's verbose and progress messages to the pipeline thread (the only
    /// thread PowerShell lets us write from), and turns engine errors into ErrorRecords. Connections are
    /// <see cref="SessionConnections"/>'s business.
    /// </summary>
    public abstract class PsaMappingCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private int _progressActivityId;

        private SessionConnections? _connections;
        private IMappingStore? _store;

        /// <summary>The session's connections and this command's request count: see <see cref="SessionConnections"/>.</summary>
        internal SessionConnections Connections => _connections ??= new SessionConnections(this);

        protected override void StopProcessing()
        {
            try
            {
                _stopping.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Ctrl+C arrived as the command finished: there is nothing left to stop.
            }
        }

        /// <summary>PowerShell disposes a command when its pipeline ends.</summary>
        public void Dispose()
        {
            _stopping.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>Shorthand for <see cref="SessionConnections.RequireSophos"/>.</summary>
        internal SophosCentralClient RequireSophos() => Connections.RequireSophos();

        /// <summary>Shorthand for <see cref="SessionConnections.RequireAutotask"/>.</summary>
        internal AutotaskDirectory RequireAutotask() => Connections.RequireAutotask();

        /// <summary>Shorthand for <see cref="SessionConnections.WriteRequestSummary"/>.</summary>
        protected void WriteRequestSummary() => Connections.WriteRequestSummary();

        /// <summary>
        /// The store every mapping command uses: the one this session chose (Connect-PsaMappingStore), else the
        /// saved choice (-Save), else the folder store. A saved choice that cannot be read is an error, never a
        /// silent fall back to the folder, which would split the team's truth in two.
        /// </summary>
        /// <remarks>
        /// Resolved once per command, so one command is one store object: a saved table's schema version is read
        /// once per command, and a save can build on what the same command loaded (see <see cref="IMappingStore.SaveAsync"/>).
        /// </remarks>
        internal IMappingStore Store => _store ??= Connections.TrackStore(ModuleState.Current.Store ?? Guard(() =>
        {
            SavedStore? saved = CredentialStore.Default().LoadStore();
            return saved?.Table != null ? new TableMappingStore(saved.Table) : (IMappingStore)FolderMappingStore.Default();
        }));

        /// <summary>Runs one store call like other engine work (Ctrl+C cancels it; its errors become this command's).</summary>
        internal T UseStore<T>(Func<IMappingStore, CancellationToken, Task<T>> work)
        {
            IMappingStore store = Store;
            return Run((_, token) => work(store, token));
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

        /// <summary>
        /// Runs engine work to completion on the pipeline thread's behalf: messages the work reports are
        /// written as they arrive, Ctrl+C cancels it, and engine errors come back as they were thrown.
        /// </summary>
        internal T Run<T>(Func<IOperationObserver, CancellationToken, Task<T>> work)
        {
            using var relay = new PipelineRelay();
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

        /// <summary>
        /// Writes <paramref name="item"/> with the Sophos customer it was looked up for, as note properties:
        /// they belong to the pipeline, not to the Autotask object, and let the next cmdlet (or a CSV) map one
        /// to the other. Always added, empty when there is none, so every row has the same columns.
        /// </summary>
        internal void WritePassedThrough(object item, Guid? sophosCustomerId, string? sophosCustomerName)
        {
            var output = PSObject.AsPSObject(item);
            output.Properties.Add(new PSNoteProperty("SophosCustomerId", sophosCustomerId));
            output.Properties.Add(new PSNoteProperty("SophosCustomerName", sophosCustomerName));
            WriteObject(output);
        }

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
                case PsaErrorKind.SecurityError: return ErrorCategory.SecurityError;
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
        private sealed class PipelineRelay : IOperationObserver, IDisposable
        {
            private readonly BlockingCollection<Action<PsaMappingCmdlet>> _queue = new BlockingCollection<Action<PsaMappingCmdlet>>();

            public void Verbose(string message) => Post(cmdlet => cmdlet.WriteVerbose(message));

            public void Progress(OperationProgress progress) => Post(cmdlet => cmdlet.WriteEngineProgress(progress));

            public void Complete()
            {
                try
                {
                    _queue.CompleteAdding();
                }
                catch (ObjectDisposedException)
                {
                    // The pipeline thread stopped reading (Ctrl+C, or a write failed) and let the relay go.
                }
            }

            public System.Collections.Generic.IEnumerable<Action<PsaMappingCmdlet>> Pending() => _queue.GetConsumingEnumerable();

            public void Dispose() => _queue.Dispose();

            private void Post(Action<PsaMappingCmdlet> write)
            {
                try
                {
                    _queue.Add(write);
                }
                catch (InvalidOperationException)
                {
                    // The work already finished (the queue is completed, or disposed: ObjectDisposedException
                    // is an InvalidOperationException); a late message has nowhere to go.
                }
            }
        }
    }
}
