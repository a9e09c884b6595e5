namespace PsaMapping.Sandbox
{
    /// <summary>Endpoint keys used by <see cref="SandboxCounters"/>.</summary>
    public static class SandboxEndpoints
    {
        public const string SophosToken = EndpointNames.SophosToken;
        public const string SophosWhoAmI = EndpointNames.SophosWhoAmI;
        public const string SophosTenants = EndpointNames.SophosTenants;
        public const string SophosTenant = EndpointNames.SophosTenant;

        /// <summary>GET /partner/v1/billing/usage/{year}/{month}, every page.</summary>
        public const string SophosUsage = EndpointNames.SophosUsage;

        /// <summary>GET /ATServicesRest/V1.0/ZoneInformation (no credentials, no limits).</summary>
        public const string AutotaskZone = EndpointNames.AutotaskZone;

        public const string AutotaskThreshold = "autotask.ThresholdInformation";

        /// <summary>
        /// Every request on one Autotask entity (query, query/next, query/count, get by id, entityInformation)
        /// counts under one key, because Autotask's thread limit is per object endpoint.
        /// </summary>
        public static string AutotaskEntity(string entity) => EndpointNames.AutotaskEntity(entity);

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

        /// <summary>Autotask requests refused because the hourly request threshold was reached (not injected).</summary>
        public const string Threshold = "threshold";
    }
}
