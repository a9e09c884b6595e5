using PsaMapping.Sandbox;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>One sandbox per test class, for tests that do not change its faults.</summary>
    public sealed class SandboxFixture : IAsyncLifetime
    {
        public SandboxServer Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 250 });

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    internal static class Sessions
    {
        /// <summary>A fresh PowerShell session with the module imported, connected to the sandbox's Sophos Central.</summary>
        public static ModuleHost ConnectedToSophos(SandboxServer server)
        {
            var host = new ModuleHost();
            ConnectSophos(host, server).ThrowOnFailure();
            return host;
        }

        /// <summary>A fresh PowerShell session with the module imported, connected to the sandbox's Autotask.</summary>
        public static ModuleHost ConnectedToAutotask(SandboxServer server)
        {
            var host = new ModuleHost();
            ConnectAutotask(host, server).ThrowOnFailure();
            return host;
        }

        public static HostResult ConnectAutotask(ModuleHost host, SandboxServer server, string? secret = null, string? userName = null,
            string? integrationCode = null, string extra = "") =>
            host.Invoke("Connect-Autotask -Credential $args[0] -IntegrationCode $args[1] -ZoneUri $args[2] " + extra,
                ModuleHost.Credential(userName ?? server.Options.AutotaskUserName, secret ?? server.Options.AutotaskSecret),
                integrationCode ?? server.Options.AutotaskIntegrationCode, server.AutotaskZoneUri);

        public static HostResult ConnectSophos(ModuleHost host, SandboxServer server, string? secret = null, string? clientId = null) =>
            host.Invoke("Connect-SophosCentral -Credential $args[0] -AuthUri $args[1] -ApiUri $args[2]",
                ModuleHost.Credential(clientId ?? server.Options.SophosClientId, secret ?? server.Options.SophosClientSecret),
                server.SophosAuthUri, server.SophosApiUri);
    }
}
