using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PsaMapping.Sandbox.Demo
{
    /// <summary>
    /// A real PowerShell 7 session, hosted in this process, with the freshly built module imported from
    /// out/PsaMapping the way a user imports it. Used by `demo` and by the PowerShell tests.
    /// </summary>
    public sealed class ModuleHost : IDisposable
    {
        private readonly Runspace _runspace;

        public ModuleHost(bool importModule = true, IDictionary<string, string?>? environment = null)
        {
            var state = InitialSessionState.CreateDefault2();
            if (OperatingSystem.IsWindows())
                state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
            _runspace = RunspaceFactory.CreateRunspace(state);
            _runspace.Open();
            if (importModule)
                Invoke("Import-Module -Name $args[0] -ErrorAction Stop", ModuleManifest).ThrowOnFailure();
        }

        /// <summary>The repository root: the folder above this assembly that holds PsaMapping.sln.</summary>
        public static string RepoRoot { get; } = FindRepoRoot();

        public static string ModuleManifest => Path.Combine(RepoRoot, "out", "PsaMapping", "PsaMapping.psd1");

        public Runspace Runspace => _runspace;

        /// <summary>A credential object as Get-Credential would return it.</summary>
        public static PSCredential Credential(string userName, string password)
        {
            return new PSCredential(userName, new System.Net.NetworkCredential("", password).SecurePassword);
        }

        /// <summary>Sets a variable the next scripts can use (e.g. $Sandbox).</summary>
        public void SetVariable(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

        /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/> as $args and gathers every stream.</summary>
        public HostResult Invoke(string script, params object?[] arguments)
        {
            using var shell = PowerShell.Create();
            shell.Runspace = _runspace;
            shell.AddScript(script);
            foreach (object? argument in arguments) shell.AddArgument(argument);
            return HostResult.From(shell, () => shell.Invoke());
        }

        /// <summary>Starts <paramref name="script"/> and returns the running shell, for tests that stop it.</summary>
        public PowerShell Begin(string script, out IAsyncResult pending)
        {
            var shell = PowerShell.Create();
            shell.Runspace = _runspace;
            shell.AddScript(script);
            pending = shell.BeginInvoke();
            return shell;
        }

        public void Dispose() => _runspace.Dispose();

        private static string FindRepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "PsaMapping.sln"))) return dir.FullName;
            for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "PsaMapping.sln"))) return dir.FullName;
            throw new InvalidOperationException("Could not find PsaMapping.sln above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Everything one invocation produced, stream by stream.</summary>
    public sealed class HostResult
    {
        public Collection<PSObject> Output { get; private init; } = new();
        public IReadOnlyList<ErrorRecord> Errors { get; private init; } = Array.Empty<ErrorRecord>();
        public IReadOnlyList<WarningRecord> Warnings { get; private init; } = Array.Empty<WarningRecord>();
        public IReadOnlyList<VerboseRecord> Verbose { get; private init; } = Array.Empty<VerboseRecord>();
        public IReadOnlyList<DebugRecord> Debug { get; private init; } = Array.Empty<DebugRecord>();
        public IReadOnlyList<InformationRecord> Information { get; private init; } = Array.Empty<InformationRecord>();
        public IReadOnlyList<ProgressRecord> Progress { get; private init; } = Array.Empty<ProgressRecord>();

        /// <summary>The terminating error, if the script stopped with one.</summary>
        public ErrorRecord? Terminating { get; private init; }

        /// <summary>
        /// The one error the invocation reported. A cmdlet's terminating error ends only its statement, so it
        /// arrives in the error stream like any other.
        /// </summary>
        public ErrorRecord Error => AllErrors.Count() == 1
            ? AllErrors.Single()
            : throw new InvalidOperationException($"Expected exactly one error, got {AllErrors.Count()}: " + string.Join("; ", AllErrors.Select(e => e.FullyQualifiedErrorId)));

        /// <summary>Every error, terminating or not.</summary>
        public IEnumerable<ErrorRecord> AllErrors => Terminating == null ? Errors : Errors.Append(Terminating);

        public bool Succeeded => Terminating == null && Errors.Count == 0;

        public HostResult ThrowOnFailure()
        {
            if (!Succeeded)
                throw new InvalidOperationException("PowerShell reported errors:\n" + string.Join("\n", AllErrors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
            return this;
        }

        internal static HostResult From(PowerShell shell, Func<Collection<PSObject>> invoke)
        {
            Collection<PSObject> output;
            ErrorRecord? terminating = null;
            try
            {
                output = invoke();
            }
            catch (RuntimeException ex)
            {
                output = new Collection<PSObject>();
                terminating = ex.ErrorRecord;
            }

            return new HostResult
            {
                Output = output,
                Terminating = terminating,
                Errors = shell.Streams.Error.ToList(),
                Warnings = shell.Streams.Warning.ToList(),
                Verbose = shell.Streams.Verbose.ToList(),
                Debug = shell.Streams.Debug.ToList(),
                Information = shell.Streams.Information.ToList(),
                Progress = shell.Streams.Progress.ToList(),
            };
        }
    }
}
