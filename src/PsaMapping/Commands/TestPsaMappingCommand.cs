using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Test-PsaMapping: the troubleshooting page as a command. Checks every saved mapping against Sophos
    /// Central and Autotask and reports each problem with how to fix it; -Quiet answers one boolean.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "PsaMapping")]
    [OutputType(typeof(MappingProblem), typeof(bool))]
    public sealed class TestPsaMappingCommand : PsaMappingCmdlet
    {
        /// <summary>Only say whether the mappings are free of errors: $true or $false.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void EndProcessing()
        {
            MappingSnapshot saved = UseStore((store, token) => store.LoadAsync(token));
            SophosCentralClient sophos = RequireSophos();
            AutotaskDirectory autotask = RequireAutotask();

            LiveData live = Run((observer, token) => LiveData.ForMappingsAsync(saved.Mappings, sophos, autotask, observer, token));
            IReadOnlyList<MappingProblem> problems = MappingChecks.Check(saved, live);

            WriteVerbose($"Checked {saved.Mappings.Count} mappings: {problems.Count(p => p.Severity == ProblemSeverity.Error)} errors, " +
                         $"{problems.Count(p => p.Severity == ProblemSeverity.Warning)} warnings, {problems.Count(p => p.Severity == ProblemSeverity.Information)} notes.");
            WriteRequestSummary();

            if (Quiet)
                WriteObject(problems.All(p => p.Severity != ProblemSeverity.Error));
            else
                WriteObject(problems, enumerateCollection: true);
        }
    }
}
