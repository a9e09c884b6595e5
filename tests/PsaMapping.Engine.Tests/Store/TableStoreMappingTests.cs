using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Store.Tables;

namespace PsaMapping.Engine.Tests.Store
{
    /// <summary>
    /// The folder store's mapping and history facts (<see cref="MappingStoreTests"/>) on the Azure Table store against
    /// Azurite, each test in a table of its own, with the same fake clock.
    /// </summary>
    [Collection(AzuriteCollection.Name)]
    public sealed class TableStoreMappingTests : MappingStoreTests
    {
        private readonly AzuriteFixture _azurite;
        private readonly string _table;

        public TableStoreMappingTests(AzuriteFixture azurite)
        {
            _azurite = azurite;
            azurite.NewStore(out _table);
        }

        protected override IMappingStore Store() => new TableMappingStore(_azurite.Settings(_table), new TableStoreOptions { Time = Time });

        protected override bool SavesAreSerialized => false;
    }
}
