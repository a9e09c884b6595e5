using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Store.Tables;

namespace PsaMapping.Engine.Tests.Store
{
    /// <summary>
    /// The product-mapping, sync-status, sync-log and sync-lock facts every store holds (<see cref="StoreSyncTests"/>),
    /// run on the Azure Table store against Azurite, with the same fake clock.
    /// </summary>
    [Collection(AzuriteCollection.Name)]
    public sealed class TableStoreSyncTests : StoreSyncTests
    {
        private readonly AzuriteFixture _azurite;
        private readonly string _table;

        public TableStoreSyncTests(AzuriteFixture azurite)
        {
            _azurite = azurite;
            azurite.NewStore(out _table);
        }

        protected override IMappingStore Store() => new TableMappingStore(_azurite.Settings(_table), new TableStoreOptions { Time = Time });
    }
}
