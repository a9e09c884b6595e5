using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Sync;

namespace PsaMapping.Engine.Tests.Sync
{
    public sealed class SyncChecksTests
    {
        private static Guid Id(int n) => new($"00000000-0000-0000-0000-{n:D12}");

        private static CustomerMapping Map(int n, bool sync = true, SyncStatus? last = null) =>
            new(Id(n), $"Customer {n}", 1000 + n, $"Company {n}", 700 + n, $"Contract {n}", sync, null, null, last);

        private static SophosUsageItem Use(int customer, string code, string? description = null) =>
            new(2026, 11, Id(customer), $"Customer {customer}", code, null, description, null, 3, 3, null, null, null, null, null, null, null, null);

        private static AutotaskService Service(long id, string name, bool active = true) => new(id, name, null, null, 5m, 2m, "Monthly", active);

        [Fact]
        public void A_failed_last_sync_an_unmapped_product_and_a_service_missing_from_the_contract_are_each_reported_with_a_fix()
        {
            var saved = new MappingSnapshot(MappingStore.SchemaVersion, 1, null,
                new[] { Map(1), Map(2, last: new SyncStatus(DateTimeOffset.UtcNow, SyncOutcome.Failed, "The contract is inactive.")), Map(3, sync: false) },
                new[] { new ProductMapping("CIXA", 10, "Intercept X"), new ProductMapping("FW", 12, "Firewall") });
            var usage = new SophosUsageReport(2026, 11, true, new[] { Use(1, "CIXA"), Use(1, "FW"), Use(1, "MDR"), Use(3, "MDR") });
            var lines = new[] { new AutotaskContractService(1, 701, 10, 5m, 2m, null) };

            var problems = SyncChecks.Check(saved, usage, lines);

            Assert.Equal(new[] { (Id(1), SyncChecks.ProductUnmapped), (Id(1), SyncChecks.ServiceNotOnContract), (Id(2), SyncChecks.LastSyncFailed) },
                problems.Select(p => (p.SophosCustomerId, p.Problem)).OrderBy(p => p.SophosCustomerId).ThenBy(p => p.Problem).ToArray());
            Assert.Contains("Set-PsaProductMapping -ProductCode 'MDR'", problems.Single(p => p.Problem == SyncChecks.ProductUnmapped).HowToFix);
            Assert.Contains("-AddMissingService", problems.Single(p => p.Problem == SyncChecks.ServiceNotOnContract).HowToFix);
            Assert.Contains("inactive", problems.Single(p => p.Problem == SyncChecks.LastSyncFailed).Message);
        }

        [Fact]
        public void Unmapped_products_are_listed_once_with_the_active_service_whose_name_matches_best()
        {
            var usage = new[] { Use(1, "CIXA", "Intercept X Advanced"), Use(2, "CIXA", "Intercept X Advanced"), Use(1, "SVR", "Server Protection"), Use(1, "FW") };
            var services = new[] { Service(1, "Email Security"), Service(2, "Intercept X"), Service(3, "Server Protection", active: false), Service(4, "Server Protection Plus") };

            var rows = ProductMappingRow.Unmapped(usage, new[] { new ProductMapping("FW", 9, "Firewall") }, services);

            Assert.Equal(new[] { "CIXA", "SVR" }, rows.Select(r => r.ProductCode));
            Assert.Equal("Intercept X", rows[0].SuggestedService);
            Assert.Equal(2, rows[0].SuggestedServiceId);
            Assert.Equal("Server Protection Plus", rows[1].SuggestedService); // the inactive exact match is not suggested
            Assert.All(rows, r => Assert.False(r.IsMapped));
        }
    }
}
