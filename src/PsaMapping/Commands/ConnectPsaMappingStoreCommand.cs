using System;
using System.Management.Automation;
using System.Security;
using System.Threading.Tasks;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Store;
using PsaMapping.Engine.Store.Tables;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Connect-PsaMappingStore: chooses where the mappings, their history, the sync log and the sync lock live:
    /// a table of Azure Table Storage shared by a team, or (-Local) the folder on this machine.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "PsaMappingStore", DefaultParameterSetName = ConnectionStringSet, SupportsShouldProcess = true)]
    [OutputType(typeof(MappingStoreInfo))]
    public sealed class ConnectPsaMappingStoreCommand : PsaMappingCmdlet
    {
        public const string ConnectionStringSet = "ConnectionString";
        public const string SasTokenSet = "SasToken";
        public const string LocalSet = "Local";

        /// <summary>The storage account's connection string (Access keys in the Azure portal).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ConnectionStringSet)]
        [ValidateNotNull]
        public SecureString? ConnectionString { get; set; }

        /// <summary>The account's table endpoint, for example https://contoso.table.core.windows.net/.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SasTokenSet)]
        [ValidateNotNull]
        public Uri? TableEndpoint { get; set; }

        /// <summary>A SAS token for the Table service.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SasTokenSet)]
        [ValidateNotNull]
        public SecureString? SasToken { get; set; }

        [Parameter(ParameterSetName = ConnectionStringSet)]
        [Parameter(ParameterSetName = SasTokenSet)]
        [ValidateNotNullOrEmpty]
        public string TableName { get; set; } = TableStoreSettings.DefaultTableName;

        /// <summary>Back to the folder store on this machine.</summary>
        [Parameter(Mandatory = true, ParameterSetName = LocalSet)]
        public SwitchParameter Local { get; set; }

        /// <summary>Keeps the choice (and the table's secret, protected) for every later session and process.</summary>
        [Parameter]
        public SwitchParameter Save { get; set; }

        protected override void EndProcessing()
        {
            IMappingStore store;
            string what;
            if (Local)
            {
                store = FolderMappingStore.Default();
                what = "the folder " + store.Location;
                ModuleState.Current.Store = store;
                if (Save) Connections.SaveCredential("the store choice (" + what + ")", credentials => credentials.Save(SavedStore.Folder));
            }
            else
            {
                TableStoreSettings settings = Guard(() => ParameterSetName == SasTokenSet
                    ? TableStoreSettings.FromSasToken(TableEndpoint!, SasToken!, TableName)
                    : TableStoreSettings.FromConnectionString(ConnectionString!, TableName));
                what = "the table store " + settings;
                if (!ShouldProcess(settings.ToString(), "Use as the mapping store (the table is created when it is missing)")) return;
                var table = new TableMappingStore(settings);
                Run((_, token) => Task.Run(() => { table.Initialize(token); return true; }, token));
                store = table;
                ModuleState.Current.Store = store;
                WriteVerbose($"Using {what}: {table.Requests.Total} table requests to check it.");
                if (Save) Connections.SaveCredential("the store choice (" + what + ") with its secret", credentials => credentials.Save(SavedStore.ForTable(settings)));
            }

            WriteObject(MappingStoreInfo.Describe(store, Guard(() => CredentialStore.Default().LoadStore())));
        }
    }

    /// <summary>Get-PsaMappingStore: which store the mapping commands use, and whether it is the saved choice.</summary>
    [Cmdlet(VerbsCommon.Get, "PsaMappingStore")]
    [OutputType(typeof(MappingStoreInfo))]
    public sealed class GetPsaMappingStoreCommand : PsaMappingCmdlet
    {
        protected override void EndProcessing() =>
            WriteObject(MappingStoreInfo.Describe(Store, Guard(() => CredentialStore.Default().LoadStore())));
    }
}
