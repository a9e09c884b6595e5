namespace PsaMapping.Sandbox;

/// <summary>Endpoint keys used by <see cref="SandboxCounters"/>.</summary>
public static class SandboxEndpoints
{
    public const string SophosToken = "sophos.token";
    public const string SophosWhoAmI = "sophos.whoami";
    public const string SophosTenants = "sophos.tenants";
    public const string SophosTenant = "sophos.tenant";

    /// <summary>Requests that matched no route (answered 404).</summary>
    public const string Unknown = "unknown";
}

/// <summary>Fault kinds used by <see cref="SandboxCounters.Faults"/>.</summary>
public static class SandboxFaultKinds
{
    public const string TooManyRequests = "429";
    public const string ServerError = "5xx";
    public const string Dropped = "dropped";
    public const string Always = "always";
}
