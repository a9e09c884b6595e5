using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PsaMapping.Sandbox.Data;
using PsaMapping.Sandbox.Faults;
using PsaMapping.Sandbox.Sophos;

namespace PsaMapping.Sandbox;

/// <summary>
/// Local stand-in for Sophos Central (and later Autotask) on 127.0.0.1, with seeded data, request
/// counters and fault injection. Start it in-process from tests and benchmarks, or run the exe.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    private SandboxServer(WebApplication app, SandboxOptions options, SandboxCounters counters, SandboxWorld world,
        SophosState sophos, Uri baseUri)
    {
        _app = app;
        Options = options;
        Counters = counters;
        World = world;
        Tenants = sophos.Tenants;
        BaseUri = baseUri;
    }

    public SandboxOptions Options { get; }

    /// <summary>e.g. http://127.0.0.1:41234/ (with a trailing slash).</summary>
    public Uri BaseUri { get; }

    /// <summary>Where /api/v2/oauth2/token lives (id.sophos.com in real life).</summary>
    public Uri SophosAuthUri => BaseUri;

    /// <summary>Where /whoami/v1 lives (api.central.sophos.com); whoami's apiHosts.global points back here.</summary>
    public Uri SophosApiUri => BaseUri;

    /// <summary>The same instance as <see cref="SandboxOptions.Faults"/>; change it while the server runs.</summary>
    public FaultOptions Faults => Options.Faults;

    public SandboxCounters Counters { get; }

    /// <summary>The organizations behind every service's data (the ground truth for matching).</summary>
    public SandboxWorld World { get; }

    /// <summary>The seeded Sophos tenants, in the order the API returns them.</summary>
    public IReadOnlyList<SandboxTenant> Tenants { get; }

    /// <summary>Starts listening on 127.0.0.1 and returns once the port is bound.</summary>
    public static async Task<SandboxServer> StartAsync(SandboxOptions? options = null, CancellationToken ct = default)
    {
        options ??= new SandboxOptions();
        var world = SandboxWorld.Create(options.Seed, options.TenantCount);
        var counters = new SandboxCounters();
        var sophosErrors = new SophosErrors(options.TimeProvider);
        var sophos = new SophosState(options, world);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SandboxServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Tests and the demo share the console: only warnings and errors from ASP.NET.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));

        var app = builder.Build();
        app.UseRouting();
        app.UseMiddleware<FaultInjectionMiddleware>(options, counters,
            new SandboxEndpointInfo(SandboxEndpoints.Unknown, sophosErrors.WriteApi));

        SophosEndpoints.Map(app, sophos, sophosErrors);
        app.MapFallback(() => sophosErrors.Api(StatusCodes.Status404NotFound, "No such resource in the sandbox.", "resourceNotFound"))
            .WithSandboxEndpoint(SandboxEndpoints.Unknown, sophosErrors.WriteApi);

        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        // Read the port Kestrel really bound (Port = 0 asks for an ephemeral one).
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        int port = new Uri(address).Port;
        var baseUri = new Uri($"http://127.0.0.1:{port}/");
        sophos.GlobalApiHost = baseUri.GetLeftPart(UriPartial.Authority);

        return new SandboxServer(app, options, counters, world, sophos, baseUri);
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C when standalone).</summary>
    internal Task WaitForShutdownAsync(CancellationToken ct = default) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
