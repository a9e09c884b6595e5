using System.IO;
using System.Management.Automation;
using PsaMapping.Engine;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Store.Tables;

namespace PsaMapping.Commands
{
    /// <summary>Import-PsaMappingStore: copies a folder store (mappings, product mappings, history, sync log) into the connected table.</summary>
    [Cmdlet(VerbsData.Import, "PsaMappingStore", SupportsShouldProcess = true)]
    [OutputType(typeof(StoreImport))]
    public sealed class ImportPsaMappingStoreCommand : PsaMappingCmdlet
    {
        /// <summary>The store folder to copy from (for example ~/.local/share/psamapping).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        protected override void EndProcessing()
        {
            if (!(Store is TableMappingStore table))
                throw Terminate(new PsaMappingException(ErrorIds.MappingStoreNotTable, PsaErrorKind.NotConnected,
                    "Import-PsaMappingStore copies a folder into an Azure table store, and the store in use is the folder. Connect to the table first with Connect-PsaMappingStore, then run the command again."));
            string folder = GetUnresolvedProviderPathFromPSPath(Path);
            if (!Directory.Exists(folder))
                throw Terminate(new PsaMappingException(ErrorIds.MappingStoreFolderNotFound, PsaErrorKind.NotFound,
                    $"There is no folder '{folder}' to import. Give the folder of a PsaMapping store (the one PSAMAPPING_HOME names, or the per-user folder).") { Target = folder });

            var source = new FolderMappingStore(folder);
            StoreImport plan = Run((_, token) => table.ImportAsync(source, apply: false, token));
            if (!ShouldProcess(table.Location, plan.ToString().Replace("Would import", "Import")))
            {
                WriteObject(plan);
                return;
            }
            StoreImport done = Run((_, token) => table.ImportAsync(source, apply: true, token));
            WriteInformation(new InformationRecord(done.ToString(), "PsaMapping"));
            WriteObject(done);
        }
    }
}
