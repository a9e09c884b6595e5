using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Store.Tables;

namespace PsaMapping.Engine.Store
{
    /// <summary>Which store is in use (Get-PsaMappingStore, Connect-PsaMappingStore): where it is, never its secret.</summary>
    public sealed class MappingStoreInfo
    {
        public const string FolderKind = "Folder";
        public const string AzureTableKind = "AzureTable";

        private MappingStoreInfo(string kind, string location, string? endpoint, string? tableName, string? credential, bool saved)
        {
            Kind = kind;
            Location = location;
            Endpoint = endpoint;
            TableName = tableName;
            Credential = credential;
            Saved = saved;
        }

        /// <summary>Folder or AzureTable.</summary>
        public string Kind { get; }

        /// <summary>The folder's path, or the table's endpoint and name.</summary>
        public string Location { get; }

        /// <summary>The table service endpoint (AzureTable only).</summary>
        public string? Endpoint { get; }

        public string? TableName { get; }

        /// <summary>ConnectionString or SasToken (AzureTable only): how it connects, never the secret itself.</summary>
        public string? Credential { get; }

        /// <summary>True when this is the saved choice, which every later session and process uses.</summary>
        public bool Saved { get; }

        public static MappingStoreInfo Describe(IMappingStore store, SavedStore? saved)
        {
            if (store is TableMappingStore table)
            {
                TableStoreSettings settings = table.Settings;
                bool isSaved = saved?.Table != null && saved.Table.ToString() == settings.ToString() && saved.Table.Kind == settings.Kind;
                return new MappingStoreInfo(AzureTableKind, store.Location, settings.Endpoint.ToString(), settings.TableName, settings.Kind.ToString(), isSaved);
            }
            // The folder is the saved choice when it was saved explicitly or when nothing else was.
            return new MappingStoreInfo(FolderKind, store.Location, null, null, null, saved == null || saved.Table == null);
        }

        public override string ToString() => $"{Kind}: {Location}";
    }
}
