using System;
using System.IO;
using System.Security;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PsaMapping.Engine.Store
{
    /// <summary>A Sophos Central credential kept for unattended use, with where it connects.</summary>
    public sealed class SavedSophosCredential
    {
        public SavedSophosCredential(ClientCredential credential, Uri authUri, Uri apiUri)
        {
            Credential = credential;
            AuthUri = authUri;
            ApiUri = apiUri;
        }

        public ClientCredential Credential { get; }
        public Uri AuthUri { get; }
        public Uri ApiUri { get; }
    }

    /// <summary>An Autotask API user kept for unattended use, with where it connects.</summary>
    public sealed class SavedAutotaskCredential
    {
        /// <summary>
        /// The one rule for Autotask's addresses: an API address, when given, is used as it is and no zone is
        /// looked up, so the zone is kept only without one; with neither, the default zone lookup.
        /// </summary>
        public SavedAutotaskCredential(AutotaskCredential credential, Uri? zoneUri, Uri? apiUri)
        {
            Credential = credential;
            ApiUri = apiUri;
            ZoneUri = apiUri != null ? null : zoneUri ?? new Uri(Autotask.AutotaskClient.DefaultZoneUri);
        }

        public AutotaskCredential Credential { get; }
        public Uri? ZoneUri { get; }
        public Uri? ApiUri { get; }
    }

    /// <summary>What Remove-PsaMappingCredential can forget.</summary>
    public enum CredentialService
    {
        SophosCentral,
        Autotask,

        /// <summary>The saved store choice (Connect-PsaMappingStore -Save): a table store with its secret, or the folder.</summary>
        MappingStore,
    }

    /// <summary>
    /// credentials.json in the store folder: the saved Sophos Central and Autotask credentials. Written
    /// atomically under the store's cross-process lock; on Unix mode 0600 in a 0700 folder, and a file that
    /// group or others can read, or one that is a link, is refused rather than used.
    /// </summary>
    public sealed class CredentialStore
    {
        public const string FileName = "credentials.json";
        private const int SchemaVersion = 1;

        public CredentialStore(string folder)
        {
            Folder = folder;
            FilePath = Path.Combine(folder, FileName);
        }

        public static CredentialStore Default() => new CredentialStore(StoreFolder.Resolve());

        public string Folder { get; }

        public string FilePath { get; }

        public bool Exists => File.Exists(FilePath);

        public SavedSophosCredential? LoadSophos()
        {
            JObject? sophos = Read()?["sophos"] as JObject;
            if (sophos == null) return null;
            string clientId = Text(sophos, "clientId");
            Uri authUri = Address(sophos, "authUri")!, apiUri = Address(sophos, "apiUri")!;
            return new SavedSophosCredential(Usable(() => new ClientCredential(clientId, Secret(sophos, "secret"))), authUri, apiUri);
        }

        public SavedAutotaskCredential? LoadAutotask()
        {
            JObject? autotask = Read()?["autotask"] as JObject;
            if (autotask == null) return null;
            var credential = Usable(() => new AutotaskCredential(Text(autotask, "userName"), Secret(autotask, "secret"), Secret(autotask, "integrationCode")));
            return new SavedAutotaskCredential(credential, Address(autotask, "zoneUri", optional: true), Address(autotask, "apiUri", optional: true));
        }

        public void Save(SavedSophosCredential saved) => Update(root => root["sophos"] = new JObject
        {
            ["clientId"] = saved.Credential.Id,
            ["secret"] = SecretProtector.Protect(saved.Credential.RevealSecret()),
            ["authUri"] = saved.AuthUri.ToString(),
            ["apiUri"] = saved.ApiUri.ToString(),
        });

        public void Save(SavedAutotaskCredential saved) => Update(root => root["autotask"] = new JObject
        {
            ["userName"] = saved.Credential.UserName,
            ["secret"] = SecretProtector.Protect(saved.Credential.RevealSecret()),
            ["integrationCode"] = SecretProtector.Protect(saved.Credential.RevealIntegrationCode()),
            ["zoneUri"] = saved.ZoneUri?.ToString(),
            ["apiUri"] = saved.ApiUri?.ToString(),
        });

        /// <summary>The saved store choice (Connect-PsaMappingStore -Save); null when none was saved (the folder).</summary>
        public SavedStore? LoadStore()
        {
            JObject? store = Read()?["store"] as JObject;
            if (store == null) return null;
            string kind = Text(store, "kind");
            if (kind == "Folder") return SavedStore.Folder;
            if (kind != "AzureTable") throw Unreadable($"its saved store kind '{kind}' is not one this version knows");
            if (!Enum.TryParse(Text(store, "credential"), out Tables.TableCredentialKind credential))
                throw Unreadable("its saved store credential kind is not one this version knows");
            SecureString secret = Secret(store, "secret");
            try
            {
                return SavedStore.ForTable(Tables.TableStoreSettings.FromSaved(credential, Address(store, "endpoint")!, Text(store, "tableName"), secret));
            }
            catch (PsaMappingException ex)
            {
                throw Unreadable("its saved table store cannot be used (" + ex.ErrorId + ")", ex);
            }
        }

        public void Save(SavedStore saved) => Update(root => root["store"] = saved.Table == null
            ? new JObject { ["kind"] = "Folder" }
            : new JObject
            {
                ["kind"] = "AzureTable",
                ["credential"] = saved.Table.Kind.ToString(),
                ["endpoint"] = saved.Table.Endpoint.ToString(),
                ["tableName"] = saved.Table.TableName,
                ["secret"] = SecretProtector.Protect(saved.Table.RevealSecret()),
            });

        /// <summary>
        /// Forgets one saved credential, its secret included (the file is rewritten without it); true when there was
        /// one. Nothing is decrypted, so what another user or computer saved can be forgotten too. Forgetting the saved
        /// store choice sends later sessions back to the folder store.
        /// </summary>
        public bool Forget(CredentialService service)
        {
            bool removed = false;
            if (!Exists) return false;
            string section = service == CredentialService.SophosCentral ? "sophos" : service == CredentialService.Autotask ? "autotask" : "store";
            Update(root => removed = root.Remove(section));
            return removed;
        }

        private void Update(Action<JObject> change)
        {
            StoreFolder.Ensure(Folder);
            string lockPath = Path.Combine(Folder, ".credentials.lock");
            StoreFolder.RefuseLinkOrFolder(lockPath);
            using (FileLock.Acquire(lockPath, TimeSpan.FromSeconds(30)))
            {
                JObject root = Read() ?? new JObject();
                root["schemaVersion"] = SchemaVersion;
                change(root);
                AtomicFile.WriteAllText(FilePath, root.ToString(Formatting.Indented), UnixPermissions.OwnerReadWrite);
            }
        }

        /// <summary>The file's content; null when there is none. Refuses a file others can read, or one it cannot understand.</summary>
        private JObject? Read()
        {
            // A link could hand PsaMapping someone else's file, or send a save of secrets wherever it points.
            StoreFolder.RefuseLinkOrFolder(FilePath);
            if (!File.Exists(FilePath)) return null;

            int? mode = UnixPermissions.Get(FilePath);
            if (mode.HasValue && (mode.Value & UnixPermissions.GroupOrOthers) != 0)
                throw new PsaMappingException(ErrorIds.CredentialFileInsecure, PsaErrorKind.Forbidden,
                    $"The saved credentials file '{FilePath}' can be read by other users (mode {Convert.ToString(mode.Value, 8)}), so it is not used. " +
                    $"Make it private with: chmod 600 '{FilePath}', or delete it and save the credentials again.")
                { Target = FilePath };

            JObject root;
            try
            {
                root = JObject.Parse(File.ReadAllText(FilePath));
            }
            catch (JsonException ex)
            {
                throw Unreadable("it is not valid JSON (" + ex.Message + ")", ex);
            }

            int version;
            try
            {
                version = (int?)root["schemaVersion"] ?? 0;
            }
            catch (Exception ex) when (ex is FormatException || ex is OverflowException || ex is ArgumentException || ex is InvalidCastException)
            {
                // Found by fuzzing: a 'schemaVersion' that is text, an object or a huge number.
                throw Unreadable("its 'schemaVersion' is not a whole number", ex);
            }
            if (version > SchemaVersion)
                throw Unreadable($"it was written by a newer PsaMapping (schema {version}); update the module");
            return root;
        }

        private static string Text(JObject section, string name)
        {
            string? value = StringValue(section, name);
            return !string.IsNullOrWhiteSpace(value) ? value! : throw new PsaMappingException(ErrorIds.CredentialFileUnreadable, PsaErrorKind.InvalidArgument,
                $"The saved credentials file has no '{name}'. Save the credentials again with Connect-SophosCentral -Save or Connect-Autotask -Save.");
        }

        private Uri? Address(JObject section, string name, bool optional = false)
        {
            string? text = StringValue(section, name);
            if (string.IsNullOrEmpty(text))
                return optional ? null : throw Unreadable($"it has no '{name}'");
            return Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) ? uri : throw Unreadable($"its '{name}' ('{text}') is not an address");
        }

        private SecureString Secret(JObject section, string name)
        {
            string? secret = SecretProtector.Unprotect(Text(section, name));
            if (secret == null)
                throw Unreadable("a saved secret cannot be decrypted here: it was saved by another user or on another computer");
            return SecretText.ToSecureString(secret);
        }

        /// <summary>A field's text; null when it is missing, null or not a plain value (an object or a list).</summary>
        private static string? StringValue(JObject section, string name) =>
            // Found by fuzzing: casting an object or array token to string throws ArgumentException.
            section[name] is JValue value ? (string?)value : null;

        /// <summary>Builds a credential, reporting values the credential types refuse (found by fuzzing) as an unreadable file.</summary>
        private T Usable<T>(Func<T> create)
        {
            try
            {
                return create();
            }
            catch (ArgumentException ex)
            {
                throw Unreadable("it holds a credential that cannot be used (" + ex.Message + ")", ex);
            }
        }

        private PsaMappingException Unreadable(string why, Exception? inner = null) =>
            new PsaMappingException(ErrorIds.CredentialFileUnreadable, PsaErrorKind.InvalidArgument,
                $"The saved credentials file '{FilePath}' cannot be used: {why}. It was left untouched: move it aside or delete it, then save the credentials again (Connect-SophosCentral -Save, Connect-Autotask -Save).", inner)
            { Target = FilePath };
    }
}
