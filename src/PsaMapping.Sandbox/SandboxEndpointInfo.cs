namespace PsaMapping.Sandbox;

/// <summary>Writes an error response in the style of the service that owns the endpoint.</summary>
internal delegate Task ErrorWriter(HttpContext context, int status, string message);

/// <summary>
/// Metadata attached to every sandbox endpoint: its counter key and how its service writes errors,
/// so the shared fault middleware can answer a fault the way that service would.
/// </summary>
internal sealed record SandboxEndpointInfo(string Key, ErrorWriter WriteError);

internal static class SandboxEndpointInfoExtensions
{
    public static TBuilder WithSandboxEndpoint<TBuilder>(this TBuilder builder, string key, ErrorWriter writeError)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SandboxEndpointInfo(key, writeError));
}
