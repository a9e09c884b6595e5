namespace PsaMapping.Sandbox
{
    /// <summary>How a <see cref="SandboxServer"/> is seeded, bound and faulted.</summary>
    public sealed class SandboxOptions
    {
        /// <summary>
        /// Seeds all generated data; the same seed and counts give identical tenants, companies and contracts,
        /// ids included (contract dates are relative to the current month).
        /// </summary>
        public int Seed { get; set; } = 42;

        public int TenantCount { get; set; } = 250;

        /// <summary>0 picks a free ephemeral port. The server always binds 127.0.0.1 only.</summary>
        public int Port { get; set; }

        public string SophosClientId { get; set; } = "sandbox-partner-client";
        public string SophosClientSecret { get; set; } = "sandbox-partner-secret";

        /// <summary>A tenant-level credential (whoami answers idType "tenant"), for testing the module's refusal of it.</summary>
        public string SophosTenantClientId { get; set; } = "sandbox-tenant-client";
        public string SophosTenantClientSecret { get; set; } = "sandbox-tenant-secret";

        public Guid PartnerId { get; set; } = new("5a9c0f3e-7d21-4b8e-9f6a-2c4d8e1b3a70");

        /// <summary>The Autotask API user ("API User (system)" resource); zone lookup knows only this name.</summary>
        public string AutotaskUserName { get; set; } = "sandbox-api@psamapping.example";
        public string AutotaskSecret { get; set; } = "sandbox-autotask-secret";
        public string AutotaskIntegrationCode { get; set; } = "SANDBOXINTEGRATIONCODE";
        public string AutotaskZoneName { get; set; } = "Sandbox Zone";

        /// <summary>
        /// Total Autotask companies. The fixed well-known companies, one for most tenants and the decoys are
        /// always created, even when that is more; the rest belong to businesses with no Sophos tenant.
        /// </summary>
        public int CompanyCount { get; set; } = 400;

        /// <summary>Average number of contracts of a Customer company (1 to 2n-1 each).</summary>
        public int ContractsPerCompany { get; set; } = 3;

        /// <summary>Concurrent requests allowed per integration code and object endpoint; more are refused with 429.</summary>
        public int AutotaskThreadLimit { get; set; } = 3;

        /// <summary>Requests per rolling hour for the whole database (every call but zone lookup); more are refused with 429.</summary>
        public int AutotaskHourlyThreshold { get; set; } = 10_000;

        /// <summary>How the Sophos usage report pages: by key (pages.nextKey, pageFromKey) or by page number.</summary>
        public SophosPaging SophosUsagePaging { get; set; } = SophosPaging.Keys;

        /// <summary>Read on every request, so tests can change faults while the server runs.</summary>
        public FaultOptions Faults { get; set; } = new();

        /// <summary>
        /// The clock used for token expiry, error timestamps, Autotask's rolling hour and the month contract
        /// dates are relative to. Tests can pass a FakeTimeProvider to expire tokens without waiting.
        /// </summary>
        public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
    }

    /// <summary>The two ways Sophos lists are paged (shared/reference/sophos-central.md, "Usage billing").</summary>
    public enum SophosPaging
    {
        /// <summary>pages.nextKey, sent back as pageFromKey; page numbers are not understood.</summary>
        Keys,

        /// <summary>page and pageSize, with pages.total when asked with pageTotal=true.</summary>
        Numbers,
    }
}
