namespace PsaMapping.Engine.Http
{
    /// <summary>Which API a client talks to: its name in messages and the prefix of its error ids.</summary>
    public sealed class ApiService
    {
        public static readonly ApiService SophosCentral = new ApiService("Sophos Central", "Sophos");
        public static readonly ApiService Autotask = new ApiService("Autotask", "Autotask");

        public ApiService(string name, string errorIdPrefix)
        {
            Name = name;
            ErrorIdPrefix = errorIdPrefix;
        }

        /// <summary>"Sophos Central", "Autotask": as users know the service.</summary>
        public string Name { get; }

        /// <summary>Starts every error id about this service: SophosUnavailable, AutotaskInvalidResponse, ...</summary>
        public string ErrorIdPrefix { get; }

        public override string ToString() => Name;
    }
}
