using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Store.Tables;

namespace PsaMapping.Engine.Tests.Store
{
    using PsaMapping.Engine.Tests;

    /// <summary>
    /// Stores written by the previous version, before customer and product audit entries became one generic entry and
    /// the table store got one save path: the folder's files in PreviousVersion/ and a table's rows as it wrote them
    /// load, with their history, and take new saves.
    /// </summary>
    [Collection(AzuriteCollection.Name)]
    public sealed class PreviousVersionTests(AzuriteFixture azurite) : IDisposable
    {
        private const string Customer = "3f2b8c1e-5a47-4d2e-9b61-0c8e7d4a1f20";
        private const string CustomerAdded = "{\"when\":\"2026-11-30T08:02:00.0000000+00:00\",\"who\":\"alice@host\",\"kind\":\"Added\",\"sophosCustomerId\":\"3f2b8c1e-5a47-4d2e-9b61-0c8e7d4a1f20\",\"revision\":1,\"before\":null,\"after\":{\"sophosCustomerId\":\"3f2b8c1e-5a47-4d2e-9b61-0c8e7d4a1f20\",\"sophosCustomerName\":\"Contoso Ltd\",\"autotaskCompanyId\":1001,\"autotaskCompanyName\":\"Contoso\",\"contractId\":100001,\"contractName\":\"Sophos MSP - Contoso\",\"syncEnabled\":true,\"updatedAt\":\"2026-11-30T08:02:00.0000000+00:00\",\"updatedBy\":\"alice@host\"}}\n";
        private const string ProductAdded = "{\"when\":\"2026-11-30T08:02:00.0000000+00:00\",\"who\":\"alice@host\",\"kind\":\"Added\",\"productCode\":\"CIXA\",\"revision\":2,\"before\":null,\"after\":{\"productCode\":\"CIXA\",\"autotaskServiceId\":301,\"serviceName\":\"Intercept X Advanced\",\"updatedAt\":\"2026-11-30T08:02:00.0000000+00:00\",\"updatedBy\":\"alice@host\"}}\n";

        private readonly string _folder = Path.Combine(Path.GetTempPath(), "psamapping-previous-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        }

        private static string Fixtures([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "PreviousVersion");

        [Fact]
        public void A_folder_store_written_by_the_previous_version_loads_with_its_customer_and_product_history()
        {
            Directory.CreateDirectory(_folder);
            foreach (string file in Directory.GetFiles(Fixtures())) File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
            var store = new FolderMappingStore(_folder);

            MappingSnapshot snapshot = store.Load();
            Assert.Equal(3, snapshot.Revision);
            Assert.False(Assert.Single(snapshot.Mappings).SyncEnabled);
            Assert.Equal(301, Assert.Single(snapshot.Products).AutotaskServiceId);
            StoredEntries<AuditEntry> history = store.ReadHistory();
            Assert.Equal(new[] { MappingChangeKind.Added, MappingChangeKind.Changed }, history.Select(e => e.Kind));
            Assert.All(history, e => Assert.Equal(Guid.Parse(Customer), e.SophosCustomerId));
            Assert.True(history[1].Before!.SyncEnabled);
            ProductAuditEntry product = Assert.Single(store.ReadProductHistoryAsync(HistoryQuery.All).GetAwaiter().GetResult());
            Assert.Equal(("CIXA", 2L, "alice@host"), (product.ProductCode, product.Revision, product.Who));
            Assert.Equal(0, history.Skipped);

            // A new save goes on from there: revision 4, its entry appended after the old ones.
            store.Save(new[] { MappingEdit.Remove(Guid.Parse(Customer)) }, "carol");
            Assert.Equal(3, store.ReadHistory().Count);
            Assert.Equal(4, store.Load().Revision);
        }

        [Fact]
        public async Task A_table_written_by_the_previous_version_loads_with_its_customer_and_product_history()
        {
            string name = AzuriteFixture.NewTableName();
            var client = new TableClient(azurite.Server.ConnectionString, name);
            await client.CreateAsync();
            var at = new DateTimeOffset(2026, 11, 30, 8, 2, 0, TimeSpan.Zero);
            await client.AddEntityAsync(new TableEntity("Meta", "Schema") { ["SchemaVersion"] = 1, ["CreatedAt"] = at });
            await client.AddEntityAsync(new TableEntity("Mapping", "!h0639316225200000000-0000013799453478072-e704936b7f4b47c38ea22b9e43823008")
            {
                ["When"] = at, ["Who"] = "alice@host", ["Count"] = 1, ["Entries0"] = CustomerAdded,
            });
            await client.AddEntityAsync(new TableEntity("Mapping", "!p0639316225200000000-0000013799489990190-328a1949dd7a4bc7a704c7decfd8560e")
            {
                ["When"] = at, ["Who"] = "alice@host", ["Count"] = 1, ["Entries0"] = ProductAdded,
            });
            await client.AddEntityAsync(new TableEntity("Mapping", Customer)
            {
                ["SophosCustomerName"] = "Contoso Ltd", ["AutotaskCompanyId"] = 1001L, ["AutotaskCompanyName"] = "Contoso", ["ContractId"] = 100001L,
                ["ContractName"] = "Sophos MSP - Contoso", ["SyncEnabled"] = true, ["UpdatedAt"] = at, ["UpdatedBy"] = "alice@host", ["Revision"] = 1L,
            });
            await client.AddEntityAsync(new TableEntity("Mapping", "~pCIXA")
            {
                ["ProductCode"] = "CIXA", ["AutotaskServiceId"] = 301L, ["ServiceName"] = "Intercept X Advanced", ["UpdatedAt"] = at, ["UpdatedBy"] = "alice@host", ["Revision"] = 2L,
            });
            var store = new TableMappingStore(azurite.Settings(name));

            MappingSnapshot snapshot = store.Load();
            Assert.True(Assert.Single(snapshot.Mappings).SyncEnabled);
            Assert.Equal("Intercept X Advanced", Assert.Single(snapshot.Products).ServiceName);
            AuditEntry customer = Assert.Single(store.ReadHistory());
            Assert.Equal((Guid.Parse(Customer), MappingChangeKind.Added, 1L), (customer.SophosCustomerId, customer.Kind, customer.Revision));
            ProductAuditEntry product = Assert.Single(await store.ReadProductHistoryAsync(HistoryQuery.All));
            Assert.Equal(("CIXA", 301L), (product.ProductCode, product.After!.AutotaskServiceId));

            await store.SaveProductsAsync(_ => new[] { ProductMappingEdit.Upsert(new ProductMapping("CIXA", 302, "Intercept X Advanced with XDR")) }, "carol");
            Assert.Equal(2, (await store.ReadProductHistoryAsync(HistoryQuery.All)).Count);
            Assert.Equal(302, Assert.Single(store.Load().Products).AutotaskServiceId);
        }
    }
}
