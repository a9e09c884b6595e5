using System.Globalization;
using PsaMapping.Sandbox.Azurite;

namespace PsaMapping.Sandbox
{
    /// <summary>
    /// `PsaMapping.Sandbox [options]` runs the sandbox until Ctrl+C; `PsaMapping.Sandbox demo ...` runs
    /// the demo instead.
    /// </summary>
    internal static class Program
    {
        private const int StandalonePort = 5080;

        private const string Usage = """
        PsaMapping sandbox: local stand-in for Sophos Central and Autotask on 127.0.0.1.

        Usage: PsaMapping.Sandbox [options]
               PsaMapping.Sandbox demo [demo options]

        Options:
          --port <n>            port to listen on (default 5080; 0 = any free port)
          --tenants <n>         number of seeded tenants (default 250)
          --companies <n>       number of seeded Autotask companies (default 400; more when the tenants need more)
          --seed <n>            seed for the generated data (default 42)
          --latency-ms <n>      latency added to every response
          --jitter-ms <n>       plus a random 0..n milliseconds
          --fail-429 <f>        fraction of requests answered 429 (0..1)
          --fail-5xx <f>        fraction of requests answered 500/502/503 (0..1)
          --drop <f>            fraction of connections dropped without a response (0..1)
          --always-fail <code>  answer every request with this status
          --token-lifetime <s>  expires_in of issued tokens (default 3600)
          --azurite             also start Azurite (the Azure Table Storage emulator, installed into .tools/azurite
                                when missing; needs Node and npm) in memory on a free port, for Connect-PsaMappingStore
          --help                show this help
        """;

        public static async Task<int> Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "demo")
            {
                return await Demo.DemoCommand.RunAsync(args[1..]);
            }

            var options = new SandboxOptions { Port = StandalonePort };
            bool withAzurite = false;
            try
            {
                if (!Parse(args, options, ref withAzurite))
                {
                    Console.WriteLine(Usage);
                    return 0;
                }
            }
            catch (FormatException ex)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine("Run with --help for the options.");
                return 2;
            }

            await using var server = await SandboxServer.StartAsync(options);
            // Stopped with the sandbox (Ctrl+C); a caller that kills the sandbox kills its process tree.
            await using AzuriteServer? azurite = withAzurite ? await AzuriteServer.StartAsync() : null;
            string azuriteInfo = azurite == null ? "" : $"""

              Azurite table endpoint   : {azurite.TableEndpoint}
              Azurite connection string: {azurite.ConnectionString}   (Azurite's public development account)
            """;
            string azuriteConnect = azurite == null ? "" : $"""

              Connect-PsaMappingStore -ConnectionString (ConvertTo-SecureString '{azurite.ConnectionString}' -AsPlainText -Force)
            """;
            string auth = server.SophosAuthUri.ToString(), api = server.SophosApiUri.ToString(), zone = server.AutotaskZoneUri.ToString();
            Console.WriteLine($"""
            PsaMapping sandbox listening on {server.BaseUri}
              Sophos auth URI : {auth}
              Sophos API URI  : {api}
              Partner client  : {options.SophosClientId}
              Partner secret  : {options.SophosClientSecret}   (fake sandbox values)
              Tenant client   : {options.SophosTenantClientId}   (tenant-level: refused by Connect-SophosCentral)
              Tenant secret   : {options.SophosTenantClientSecret}
              Tenants         : {server.Tenants.Count} (seed {options.Seed})

              Autotask zone URI        : {zone}
              Autotask REST base       : {server.AutotaskApiUri}V1.0/
              Autotask user            : {options.AutotaskUserName}
              Autotask secret          : {options.AutotaskSecret}   (fake sandbox values)
              Autotask integration code: {options.AutotaskIntegrationCode}
              Companies / contracts    : {server.Companies.Count} / {server.Contracts.Count}{azuriteInfo}

            Connect from PowerShell:
              Connect-SophosCentral -Credential ([pscredential]::new('{options.SophosClientId}', (ConvertTo-SecureString '{options.SophosClientSecret}' -AsPlainText -Force))) -AuthUri {auth} -ApiUri {api}
              Connect-Autotask -Credential ([pscredential]::new('{options.AutotaskUserName}', (ConvertTo-SecureString '{options.AutotaskSecret}' -AsPlainText -Force))) -IntegrationCode '{options.AutotaskIntegrationCode}' -ZoneUri {zone}{azuriteConnect}

            Press Ctrl+C to stop.
            """);
            await server.WaitForShutdownAsync();
            return 0;
        }

        /// <summary>Applies the command line to <paramref name="options"/> (and --azurite); false when help was asked for.</summary>
        private static bool Parse(string[] args, SandboxOptions options, ref bool withAzurite)
        {
            var faults = options.Faults;
            for (int i = 0; i < args.Length; i++)
            {
                string name = args[i];
                if (name is "--help" or "-h" or "-?" or "/?") return false;
                if (name == "--azurite")
                {
                    withAzurite = true;
                    continue;
                }
                if (i + 1 >= args.Length) throw new FormatException($"{name} needs a value.");
                string value = args[++i];
                switch (name)
                {
                    case "--port": options.Port = Int(name, value); break;
                    case "--tenants": options.TenantCount = Int(name, value); break;
                    case "--companies": options.CompanyCount = Int(name, value); break;
                    case "--seed": options.Seed = Int(name, value); break;
                    case "--latency-ms": faults.LatencyMs = Int(name, value); break;
                    case "--jitter-ms": faults.LatencyJitterMs = Int(name, value); break;
                    case "--fail-429": faults.Fraction429 = Fraction(name, value); break;
                    case "--fail-5xx": faults.Fraction5xx = Fraction(name, value); break;
                    case "--drop": faults.FractionDropped = Fraction(name, value); break;
                    case "--always-fail": faults.AlwaysFailStatus = Int(name, value); break;
                    case "--token-lifetime": faults.TokenLifetimeSeconds = Int(name, value); break;
                    default: throw new FormatException($"Unknown option {name}.");
                }
            }
            return true;
        }

        private static int Int(string name, string value) =>
            int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 0
                ? n
                : throw new FormatException($"{name} expects a whole number of 0 or more, not '{value}'.");

        private static double Fraction(string name, string value) =>
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f is >= 0 and <= 1
                ? f
                : throw new FormatException($"{name} expects a fraction between 0 and 1, not '{value}'.");
    }
}
