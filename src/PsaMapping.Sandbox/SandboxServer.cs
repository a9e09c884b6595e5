using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PsaMapping.Sandbox.Autotask;
using PsaMapping.Sandbox.Billing;
using PsaMapping.Sandbox.Data;
using PsaMapping.Sandbox.Faults;
using PsaMapping.Sandbox.Sophos;

namespace PsaMapping.Sandbox
{
    /// <summary>
    /// Local stand-in for Sophos Central and Autotask on 127.0.0.1, with seeded data, request counters
    /// and fault injection. Start it in-process from tests and benchmarks, or run the exe.
    /// </summary>
    public sealed class SandboxServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _disposed;

        private readonly Dictionary<Guid, long> _companyByOrganization;
        private readonly Dictionary<Guid, Guid> _organizationByTenant;

        private readonly Lazy<SandboxBilling> _billing;

        private SandboxServer(WebApplication app, SandboxOptions options, SandboxCounters counters, SandboxWorld world,
            SophosState sophos, AutotaskState autotask, Uri baseUri, Lazy<SandboxBilling> billing)
        {
            _app = app;
            _billing = billing;
            Options = options;
            Counters = counters;
            World = world;
            Tenants = sophos.Tenants;
            Companies = autotask.Companies;
            Contracts = autotask.Contracts;
            BaseUri = baseUri;
            _organizationByTenant = Tenants.ToDictionary(t => t.Id, t => t.OrganizationId);
            _companyByOrganization = Companies.Where(c => c.OrganizationId is not null)
                .ToDictionary(c => c.OrganizationId!.Value, c => c.Id);
        }

        public SandboxOptions Options { get; }

        /// <summary>e.g. http://127.0.0.1:41234/ (with a trailing slash).</summary>
        public Uri BaseUri { get; }

        /// <summary>Where /api/v2/oauth2/token lives (id.sophos.com in real life).</summary>
        public Uri SophosAuthUri => BaseUri;

        /// <summary>Where /whoami/v1 lives (api.central.sophos.com); whoami's apiHosts.global points back here.</summary>
        public Uri SophosApiUri => BaseUri;

        /// <summary>Where /ATServicesRest/V1.0/ZoneInformation lives (webservices.autotask.net in real life).</summary>
        public Uri AutotaskZoneUri => BaseUri;

        /// <summary>The zone's url, e.g. http://127.0.0.1:41234/ATServicesRest/ (trailing slash); the REST base is {url}V1.0/.</summary>
        public Uri AutotaskApiUri => new(BaseUri, "ATServicesRest/");

        /// <summary>The same instance as <see cref="SandboxOptions.Faults"/>; change it while the server runs.</summary>
        public FaultOptions Faults => Options.Faults;

        public SandboxCounters Counters { get; }

        /// <summary>
        /// Usage billing on both sides: the Sophos usage reports, the Autotask service lines and the units of every
        /// line, and every adjustment received, so tests can assert exact results. Built on first use, which takes
        /// a moment with thousands of tenants: a benchmark reads this property before it starts timing.
        /// </summary>
        public SandboxBilling Billing => _billing.Value;

        /// <summary>The organizations behind every service's data (the ground truth for matching).</summary>
        public SandboxWorld World { get; }

        /// <summary>The seeded Sophos tenants, in the order the API returns them.</summary>
        public IReadOnlyList<SandboxTenant> Tenants { get; }

        /// <summary>The seeded Autotask companies, ordered by id.</summary>
        public IReadOnlyList<SandboxCompany> Companies { get; }

        /// <summary>The seeded Autotask contracts, ordered by id.</summary>
        public IReadOnlyList<SandboxContract> Contracts { get; }

        /// <summary>
        /// Ground truth for matching: the id of the Autotask company that the tenant's organization really
        /// is, or null when that organization has no company (or the tenant is unknown).
        /// </summary>
        public long? IntendedCompanyId(Guid sophosTenantId) =>
            _organizationByTenant.TryGetValue(sophosTenantId, out var organization)
            && _companyByOrganization.TryGetValue(organization, out long company)
                ? company
                : null;

        /// <summary>Starts listening on 127.0.0.1 and returns once the port is bound.</summary>
        public static async Task<SandboxServer> StartAsync(SandboxOptions? options = null, CancellationToken ct = default)
        {
            options ??= new SandboxOptions();
            var world = SandboxWorld.Create(options.Seed, options.TenantCount);
            var counters = new SandboxCounters();
            var sophosErrors = new SophosErrors(options.TimeProvider);
            var sophos = new SophosState(options, world);
            var now = options.TimeProvider.GetUtcNow().UtcDateTime;
            var thisMonth = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
            var autotaskData = SandboxAutotaskData.Create(world, options.CompanyCount, options.ContractsPerCompany, thisMonth);
            var billing = new Lazy<SandboxBilling>(() => new SandboxBilling(world, thisMonth, sophos.Tenants, autotaskData.Companies, autotaskData.Contracts));
            var autotask = new AutotaskState(options, counters, autotaskData, billing);

            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                ApplicationName = typeof(SandboxServer).Assembly.GetName().Name,
                ContentRootPath = AppContext.BaseDirectory,
            });
            // Tests and the demo share the console: only warnings and errors from ASP.NET.
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Listen(IPAddress.Loopback, options.Port);
                // Autotask's nextPageUrl repeats the whole query in ?search=, so a query with a large `in`
                // list makes a long URL; Kestrel's default 8 KB request line would refuse it.
                kestrel.Limits.MaxRequestLineSize = 256 * 1024;
                kestrel.Limits.MaxRequestHeadersTotalSize = 512 * 1024;
            });

            var app = builder.Build();
            app.UseRouting();
            app.UseMiddleware<FaultInjectionMiddleware>(options, counters,
                new SandboxEndpointInfo(SandboxEndpoints.Unknown, sophosErrors.WriteApi));

            SophosEndpoints.Map(app, sophos, sophosErrors);
            BillingEndpoints.MapSophos(app, sophos, sophosErrors, billing);
            AutotaskEndpoints.Map(app, autotask);
            BillingEndpoints.MapAutotask(app, autotask, billing, new Random(unchecked(options.Seed * 7919 + 29)));
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
            autotask.BaseUri = baseUri;

            return new SandboxServer(app, options, counters, world, sophos, autotask, baseUri, billing);
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
}
