using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Sync;

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
            var problems = MappingChecks.Check(saved, live).ToList();
            problems.AddRange(CheckSync(saved, sophos, autotask));

            WriteVerbose($"Checked {saved.Mappings.Count} mappings: {problems.Count(p => p.Severity == ProblemSeverity.Error)} errors, " +
                         $"{problems.Count(p => p.Severity == ProblemSeverity.Warning)} warnings, {problems.Count(p => p.Severity == ProblemSeverity.Information)} notes.");
            WriteRequestSummary();

            if (Quiet)
                WriteObject(problems.All(p => p.Severity != ProblemSeverity.Error));
            else
                WriteObject(problems, enumerateCollection: true);
        }

        /// <summary>
        /// The sync checks: a failed last sync, and for synced customers the products of last month's usage with no
        /// product mapping and the mapped services their contract lacks. Costs the usage pages and one query per 500
        /// synced contracts.
        /// </summary>
        private IReadOnlyList<MappingProblem> CheckSync(MappingSnapshot saved, SophosCentralClient sophos, AutotaskDirectory autotask)
        {
            var synced = saved.Mappings.Where(m => m.SyncEnabled).Select(m => m.ContractId).Distinct().ToList();
            if (synced.Count == 0) return SyncChecks.Check(saved, null, Array.Empty<AutotaskContractService>());
            (int year, int month) = UsageSyncRequest.PreviousMonth(DateTimeOffset.UtcNow);
            var billing = new AutotaskBilling(autotask.Client);
            return Run(async (observer, token) =>
            {
                Task<IReadOnlyList<AutotaskContractService>> lines = billing.GetContractServicesAsync(synced, token);
                SophosUsageReport usage = await sophos.GetUsageAsync(year, month, false, observer, token).ConfigureAwait(false);
                return SyncChecks.Check(saved, usage, await lines.ConfigureAwait(false));
            });
        }
    }
}
