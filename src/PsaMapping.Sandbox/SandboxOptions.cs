namespace PsaMapping.Sandbox;

/// <summary>How a <see cref="SandboxServer"/> is seeded, bound and faulted.</summary>
public sealed class SandboxOptions
{
    /// <summary>Seeds all generated data; the same seed and tenant count give identical tenants, ids included.</summary>
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

    /// <summary>Read on every request, so tests can change faults while the server runs.</summary>
    public FaultOptions Faults { get; set; } = new();

    /// <summary>
    /// The clock used for token expiry and error timestamps. Tests can pass a FakeTimeProvider to
    /// expire tokens without waiting.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
