using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PsaMapping.Engine;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Http;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Store;
using PsaMapping.Engine.Store.Tables;

namespace PsaMapping
{
    /// <summary>
    /// Connection handling for one command: the session's connections (from Connect-* or a saved credential),
    /// making a new connection without disturbing the current one until it works, saving credentials, and
    /// counting the requests the command sends. <see cref="PsaMappingCmdlet"/> only runs the pipeline.
    /// </summary>
    internal sealed class SessionConnections
    {
        private readonly PsaMappingCmdlet _cmdlet;
        private readonly Dictionary<ResilientHttpClient, long> _requestBaselines = new Dictionary<ResilientHttpClient, long>();
        private TableMappingStore? _table;
        private (long Total, long Lock) _tableBaseline;

        public SessionConnections(PsaMappingCmdlet cmdlet) => _cmdlet = cmdlet;

        private static ModuleState State => ModuleState.Current;

        /// <summary>
        /// The session's Sophos Central connection. Without one, the saved credential is used (what unattended
        /// scripts rely on); without that either, a terminating error says to connect.
        /// </summary>
        public SophosCentralClient RequireSophos()
        {
            if (State.Sophos != null) return Track(State.Sophos, State.Sophos.Http);

            SavedSophosCredential? saved = _cmdlet.Guard(() => CredentialStore.Default().LoadSophos());
            if (saved == null)
                throw _cmdlet.Terminate(new PsaMappingException(ErrorIds.SophosNotConnected, PsaErrorKind.NotConnected,
                    "Not connected to Sophos Central. Run Connect-SophosCentral -Credential <client ID and secret> first (add -Save to keep the credential for unattended use)."));

            _cmdlet.WriteVerbose($"Connecting to Sophos Central with the saved credential of client ID {saved.Credential.Id}.");
            ConnectSophos(saved.Credential, saved.AuthUri, saved.ApiUri, out SophosCentralClient client);
            State.Sophos = client;
            return client;
        }

        /// <summary>The session's Autotask connection, from Connect-Autotask or the saved credential.</summary>
        public AutotaskDirectory RequireAutotask()
        {
            if (State.Autotask != null) return Track(State.Autotask, State.Autotask.Client.Http);

            SavedAutotaskCredential? saved = _cmdlet.Guard(() => CredentialStore.Default().LoadAutotask());
            if (saved == null)
                throw _cmdlet.Terminate(new PsaMappingException(ErrorIds.AutotaskNotConnected, PsaErrorKind.NotConnected,
                    "Not connected to Autotask. Run Connect-Autotask -Credential <API user and secret> -IntegrationCode <code> first (add -Save to keep it for unattended use)."));

            _cmdlet.WriteVerbose($"Connecting to Autotask with the saved credential of API user {saved.Credential.UserName}.");
            ConnectAutotask(saved.Credential, saved.ZoneUri, saved.ApiUri, out AutotaskDirectory directory);
            State.Autotask = directory;
            return directory;
        }

        /// <summary>The session's current Autotask connection, or null; never connects.</summary>
        public static AutotaskDirectory? CurrentAutotask => State.Autotask;

        /// <summary>Connects a new Sophos Central client; the session's connection is not touched (see <see cref="UseSophos"/>).</summary>
        public SophosConnection ConnectSophos(ClientCredential credential, Uri authUri, Uri apiUri, out SophosCentralClient client)
        {
            _cmdlet.WriteVerbose($"Requesting a token from {authUri} for client ID {credential.Id}.");
            return Connect(() => new SophosCentralClient(credential, authUri, apiUri), c => c.Http, (c, token) => c.ConnectAsync(token), out client);
        }

        /// <summary>Connects a new Autotask client and checks the credential; the session's connection is not touched.</summary>
        public AutotaskConnection ConnectAutotask(AutotaskCredential credential, Uri? zoneUri, Uri? apiUri, out AutotaskDirectory directory)
        {
            _cmdlet.WriteVerbose(apiUri == null
                ? $"Looking up the zone of API user {credential.UserName} at {zoneUri}."
                : $"Using the Autotask API at {apiUri}.");
            AutotaskConnection connection = Connect(() => new AutotaskClient(credential, zoneUri, apiUri), c => c.Http,
                (c, token) => c.ConnectAsync(token), out AutotaskClient client);
            directory = new AutotaskDirectory(client);
            return connection;
        }

        /// <summary>Makes <paramref name="client"/> the session's Sophos Central connection, closing the one it replaces.</summary>
        public static void UseSophos(SophosCentralClient client)
        {
            if (State.Sophos != client) State.Sophos?.Dispose();
            State.Sophos = client;
        }

        /// <summary>Makes <paramref name="directory"/> the session's Autotask connection, closing the one it replaces.</summary>
        public static void UseAutotask(AutotaskDirectory directory)
        {
            if (State.Autotask != directory) State.Autotask?.Dispose();
            State.Autotask = directory;
        }

        /// <summary>
        /// Keeps a credential in the store (Connect-* -Save), after confirmation: saving a secret is a change
        /// of state, so it honours -WhatIf and -Confirm.
        /// </summary>
        public void SaveCredential(string what, Action<CredentialStore> save)
        {
            var store = CredentialStore.Default();
            if (!_cmdlet.ShouldProcess(store.FilePath, "Save " + what)) return;
            _cmdlet.Guard(() =>
            {
                save(store);
                return true;
            });
            _cmdlet.WriteInformation(new InformationRecord($"Saved {what} in {store.FilePath}.", "PsaMapping"));
        }

        /// <summary>Says with -Verbose how many requests this command sent to each service (they are a scarce budget).</summary>
        public void WriteRequestSummary()
        {
            foreach (var pair in _requestBaselines)
                _cmdlet.WriteVerbose($"{pair.Key.ServiceName} requests made by this command: {pair.Key.Requests.Total - pair.Value}" +
                                     (pair.Key.Requests.Retries > 0 ? $" (retries in this session: {pair.Key.Requests.Retries})." : "."));
            if (_table != null)
            {
                long total = _table.Requests.Total - _tableBaseline.Total, lockRequests = _table.Requests.For(TableMappingStore.SyncLockRequests) - _tableBaseline.Lock;
                _cmdlet.WriteVerbose($"Table store requests made by this command: {total}" + (lockRequests > 0 ? $", {lockRequests} of them for the sync lock." : "."));
            }
        }

        /// <summary>Remembers how many requests a table store had sent when this command started using it; the folder sends none.</summary>
        public IMappingStore TrackStore(IMappingStore store)
        {
            if (store is TableMappingStore table && _table == null)
            {
                _table = table;
                _tableBaseline = (table.Requests.Total, table.Requests.For(TableMappingStore.SyncLockRequests));
            }
            return store;
        }

        /// <summary>The one "create, connect, dispose on failure": a client that fails to connect never lingers.</summary>
        private TResult Connect<TClient, TResult>(Func<TClient> create, Func<TClient, ResilientHttpClient> http,
            Func<TClient, CancellationToken, Task<TResult>> connect, out TClient client) where TClient : IDisposable
        {
            TClient created = _cmdlet.Guard(create);
            Track(created, http(created));
            try
            {
                TResult result = _cmdlet.Run((observer, token) => connect(created, token));
                client = created;
                return result;
            }
            catch
            {
                created.Dispose();
                throw;
            }
        }

        /// <summary>Remembers how many requests <paramref name="http"/> had sent when this command started using it.</summary>
        private T Track<T>(T client, ResilientHttpClient http)
        {
            if (!_requestBaselines.ContainsKey(http)) _requestBaselines[http] = http.Requests.Total;
            return client;
        }
    }
}
