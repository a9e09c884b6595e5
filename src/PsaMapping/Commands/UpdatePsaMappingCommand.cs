using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Update-PsaMapping: the Sophos page's "Refresh customer details". Customers, companies and contracts
    /// renamed since they were mapped get their current names in the store; nothing else changes.
    /// </summary>
    [Cmdlet(VerbsData.Update, "PsaMapping", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(MappingRow))]
    public sealed class UpdatePsaMappingCommand : PsaMappingCmdlet
    {
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            MappingSnapshot saved = UseStore((store, token) => store.LoadAsync(token));
            SophosCentralClient sophos = RequireSophos();
            AutotaskDirectory autotask = RequireAutotask();

            LiveData live = Run((observer, token) => LiveData.ForMappingsAsync(saved.Mappings, sophos, autotask, observer, token));
            var confirmed = MappingChecks.Renamed(saved, live)
                .Where(m => ShouldProcess(saved.Find(m.SophosCustomerId)!.ToString(), $"Refresh the names to: {m}"))
                .ToList();
            WriteRequestSummary();
            if (confirmed.Count == 0)
            {
                WriteVerbose("No saved names differ from Sophos Central and Autotask.");
                return;
            }

            // Applied to the store's content as it is when saving: a mapping another process removed or remapped
            // since it was read stays as that process left it.
            MappingSaveResult result = UseStore((store, token) => store.SaveAsync(
                current => confirmed.Select(m => MappingChecks.ApplyRename(m, current)).Where(m => m != null).Select(m => MappingEdit.Upsert(m!)),
                MappingStore.CurrentUser(), saved, token));
            WriteInformation(new InformationRecord($"Refreshed the names in {result.Changed} mappings.", "PsaMapping"));
            if (PassThru)
                foreach (MappingChange change in result.Changes.Where(c => c.After != null))
                    WriteObject(MappingRow.From(change.After!));
        }
    }
}
