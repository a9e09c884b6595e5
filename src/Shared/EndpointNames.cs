// One list of endpoint names, compiled into both the engine (which counts its requests and limits its
// concurrency under them) and the sandbox (which counts what it serves under them), so that the two always
// agree. The sandbox cannot reference the engine (it hosts the module, whose assemblies load in their own
// context), hence a shared file; each assembly gets the class in its own namespace.
#if PSAMAPPING_SANDBOX
namespace PsaMapping.Sandbox
#else
namespace PsaMapping.Engine.Http
#endif
{
    internal static class EndpointNames
    {
        public const string SophosToken = "sophos.token";
        public const string SophosWhoAmI = "sophos.whoami";
        public const string SophosTenants = "sophos.tenants";
        public const string SophosTenant = "sophos.tenant";

        /// <summary>GET /partner/v1/billing/usage/{year}/{month}, every page.</summary>
        public const string SophosUsage = "sophos.usage";

        /// <summary>GET /ATServicesRest/V1.0/ZoneInformation (no credentials, no limits).</summary>
        public const string AutotaskZone = "autotask.zone";

        /// <summary>
        /// Every request on one Autotask entity (query, query/next, query/count, get by id, entityInformation)
        /// counts under one name, because Autotask's thread limit is per object endpoint.
        /// </summary>
        public static string AutotaskEntity(string entity) => "autotask." + entity;
    }
}
