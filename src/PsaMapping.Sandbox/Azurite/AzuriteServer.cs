using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.Sandbox.Azurite
{
    /// <summary>
    /// Azurite's Table service (the Azure Storage emulator, npm package <c>azurite</c>) on a free loopback port,
    /// with in-memory persistence, for the tests and the benchmark: the real component a team store talks to,
    /// with no Azure account. The pinned package is installed into the repository's ignored <c>.tools/azurite</c>
    /// folder the first time it is needed (Node and npm must be on the machine), so a fresh clone still needs
    /// only <c>dotnet test</c>. Disposing stops the process; its data goes with it.
    /// </summary>
    public sealed class AzuriteServer : IAsyncDisposable
    {
        /// <summary>Pinned; 3.35.0 is the newest that still runs on Node 20 (3.36 wants Node 21+).</summary>
        public const string PackageVersion = "3.35.0";

        /// <summary>Azurite's well-known development account; it is public and only ever valid against Azurite.</summary>
        public const string AccountName = "devstoreaccount1";
        public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

        private static readonly SemaphoreSlim InstallGate = new(1, 1);
        private readonly Process _process;

        private AzuriteServer(Process process, int port)
        {
            _process = process;
            Port = port;
            TableEndpoint = new Uri($"http://127.0.0.1:{port}/{AccountName}");
        }

        public int Port { get; }

        /// <summary>The account's table endpoint, for example http://127.0.0.1:49152/devstoreaccount1.</summary>
        public Uri TableEndpoint { get; }

        /// <summary>A connection string for the development account, as a real storage account's would look.</summary>
        public string ConnectionString =>
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};TableEndpoint={TableEndpoint};";

        public static string ToolsFolder => Path.Combine(ModuleHost.RepoRoot, ".tools", "azurite");

        /// <summary>Installs Azurite when missing, starts its Table service and waits until it accepts connections.</summary>
        public static async Task<AzuriteServer> StartAsync(CancellationToken cancellationToken = default)
        {
            string script = await EnsureInstalledAsync(cancellationToken);
            Exception? last = null;
            // A free port can be taken by someone else between our probe and Azurite's bind: try a few.
            for (int attempt = 0; attempt < 5; attempt++)
            {
                int port = FreePort();
                var start = new ProcessStartInfo("node")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                    WorkingDirectory = ToolsFolder,
                };
                foreach (string arg in new[]
                         {
                             script, "--tableHost", "127.0.0.1", "--tablePort", port.ToString(), "--inMemoryPersistence",
                             "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
                         })
                    start.ArgumentList.Add(arg);
                Process process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started");
                var output = new System.Text.StringBuilder();
                process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
                process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();

                var server = new AzuriteServer(process, port);
                // Listening is not enough: when our port was taken meanwhile, another Azurite may be the one answering
                // there, and it goes away with its own test. Azurite says when it has bound the port itself.
                bool Started() { lock (output) return output.ToString().Contains("successfully started"); }
                if (await server.WaitUntilListeningAsync(TimeSpan.FromSeconds(60), Started, cancellationToken)) return server;
                await server.DisposeAsync();
                lock (output) last = new InvalidOperationException($"Azurite did not start on port {port}: {output}");
            }
            throw last!;
        }

        private async Task<bool> WaitUntilListeningAsync(TimeSpan limit, Func<bool> started, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < limit)
            {
                if (_process.HasExited) return false;
                if (!started())
                {
                    await Task.Delay(50, cancellationToken);
                    continue;
                }
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
                    return true;
                }
                catch (SocketException)
                {
                    await Task.Delay(50, cancellationToken);
                }
            }
            return false;
        }

        /// <summary>The path of azurite-table's entry script, installing the pinned package first when it is missing.</summary>
        public static async Task<string> EnsureInstalledAsync(CancellationToken cancellationToken = default)
        {
            string script = Path.Combine(ToolsFolder, "node_modules", "azurite", "dist", "src", "table", "main.js");
            await InstallGate.WaitAsync(cancellationToken);
            try
            {
                Directory.CreateDirectory(ToolsFolder);
                // Test projects run in parallel processes: one installs, the others wait on the lock file.
                using FileStream gate = await LockAsync(Path.Combine(ToolsFolder, ".install.lock"), cancellationToken);
                string marker = Path.Combine(ToolsFolder, "installed-" + PackageVersion);
                if (File.Exists(marker) && File.Exists(script)) return script;

                // On Windows npm is npm.cmd, which starting a process without the shell finds only by its full name.
                var install = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                    WorkingDirectory = ToolsFolder,
                };
                foreach (string arg in new[] { "install", "--no-audit", "--no-fund", "--no-save", "--prefix", ToolsFolder, "azurite@" + PackageVersion })
                    install.ArgumentList.Add(arg);
                using Process npm = Process.Start(install) ?? throw new InvalidOperationException("npm could not be started");
                Task<string> stdout = npm.StandardOutput.ReadToEndAsync(cancellationToken);
                Task<string> stderr = npm.StandardError.ReadToEndAsync(cancellationToken);
                await npm.WaitForExitAsync(cancellationToken);
                if (npm.ExitCode != 0 || !File.Exists(script))
                    throw new InvalidOperationException(
                        $"Installing azurite@{PackageVersion} with npm failed (exit {npm.ExitCode}); the tests of the Azure Table store need Node and npm.\n{await stdout}\n{await stderr}");
                await File.WriteAllTextAsync(marker, PackageVersion, cancellationToken);
                return script;
            }
            finally
            {
                InstallGate.Release();
            }
        }

        private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
        {
            while (true)
            {
                try
                {
                    return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException)
                {
                    await Task.Delay(200, cancellationToken);
                }
            }
        }

        private static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            _process.Dispose();
        }
    }
}
