namespace PsaMapping.Sandbox
{
    /// <summary>Writes an error response in the style of the service that owns the endpoint.</summary>
    internal delegate Task ErrorWriter(HttpContext context, int status, string message);

    /// <summary>
    /// A service's own admission rules (Autotask's credentials, thread limit and hourly threshold), run by
    /// the fault middleware before any injected latency, so a limit holds for the whole time a request is
    /// in flight, injected latency included.
    /// </summary>
    internal delegate RequestAdmission RequestGate(HttpContext context);

    /// <summary>Either a rejection to send instead of the endpoint's answer, or a lease held while the request runs.</summary>
    internal readonly record struct RequestAdmission(IResult? Rejection, IDisposable? Lease)
    {
        public static RequestAdmission Reject(IResult rejection) => new(rejection, null);
        public static RequestAdmission Admit(IDisposable? lease) => new(null, lease);
    }

    /// <summary>
    /// Metadata attached to every sandbox endpoint: its counter key, how its service writes errors, and
    /// optionally its admission gate, so the shared fault middleware can answer the way that service would.
    /// </summary>
    internal sealed record SandboxEndpointInfo(string Key, ErrorWriter WriteError, RequestGate? Gate = null);

    internal static class SandboxEndpointInfoExtensions
    {
        public static TBuilder WithSandboxEndpoint<TBuilder>(this TBuilder builder, string key, ErrorWriter writeError,
            RequestGate? gate = null)
            where TBuilder : IEndpointConventionBuilder =>
            builder.WithMetadata(new SandboxEndpointInfo(key, writeError, gate));
    }
}
