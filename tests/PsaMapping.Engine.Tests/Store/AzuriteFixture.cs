using System.Security;
using PsaMapping.Engine.Store.Tables;
using PsaMapping.Sandbox.Azurite;

namespace PsaMapping.Engine.Tests.Store
{
    /// <summary>One Azurite for every table store test of this project; each test works in a table of its own.</summary>
    public sealed class AzuriteFixture : IAsyncLifetime
    {
        public AzuriteServer Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await AzuriteServer.StartAsync();

        public async Task DisposeAsync() => await Server.DisposeAsync();

        /// <summary>A table name no other test uses.</summary>
        public static string NewTableName() => "t" + Guid.NewGuid().ToString("N");

        public TableStoreSettings Settings(string tableName) => TableStoreSettings.FromConnectionString(Secure(Server.ConnectionString), tableName);

        /// <summary>A store on a new table, created and initialized.</summary>
        public TableMappingStore NewStore(out string tableName, TableStoreOptions? options = null)
        {
            tableName = NewTableName();
            var store = new TableMappingStore(Settings(tableName), options);
            store.Initialize();
            return store;
        }

        public static SecureString Secure(string text)
        {
            var secure = new SecureString();
            foreach (char c in text) secure.AppendChar(c);
            secure.MakeReadOnly();
            return secure;
        }
    }

    [CollectionDefinition(Name)]
    public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
    {
        public const string Name = "Azurite";
    }
}
