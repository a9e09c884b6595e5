namespace PsaMapping.Sandbox
{
    /// <summary>A seeded Sophos Central tenant, as served by the sandbox (for test assertions).</summary>
    /// <param name="ApiHost">Null for a tenant that is not activated yet.</param>
    /// <param name="OrganizationId">The <see cref="Data.SandboxOrganization"/> this tenant belongs to.</param>
    public sealed record SandboxTenant(
        Guid Id,
        string Name,
        string ShowAs,
        string DataGeography,
        string DataRegion,
        string BillingType,
        string? ApiHost,
        Guid OrganizationId);
}
