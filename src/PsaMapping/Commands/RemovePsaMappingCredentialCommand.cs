using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine.Store;

namespace PsaMapping.Commands
{
    /// <summary>Remove-PsaMappingCredential: forgets saved credentials and the saved store choice (the session's connections stay until it ends).</summary>
    [Cmdlet(VerbsCommon.Remove, "PsaMappingCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemovePsaMappingCredentialCommand : PsaMappingCmdlet
    {
        /// <summary>
        /// Which saved credentials to forget; every one when not given. MappingStore is the saved store choice
        /// (Connect-PsaMappingStore -Save) with a table store's secret: forgotten, later sessions use the folder store.
        /// </summary>
        [Parameter(Position = 0)]
        public CredentialService[] Service { get; set; } = { CredentialService.SophosCentral, CredentialService.Autotask, CredentialService.MappingStore };

        protected override void EndProcessing()
        {
            var store = CredentialStore.Default();
            foreach (CredentialService service in Service.Distinct())
            {
                string what = service == CredentialService.MappingStore ? "saved mapping store choice and its secret" : $"saved {service} credential";
                if (!ShouldProcess(store.FilePath, "Forget the " + what)) continue;
                bool removed = Guard(() => store.Forget(service));
                string later = service != CredentialService.MappingStore ? ""
                    : ModuleState.Current.Store == null ? $" Commands use the folder store {StoreFolder.Resolve()} from now on."
                    : $" Later sessions use the folder store {StoreFolder.Resolve()}; this one keeps the store it connected to until it ends (Connect-PsaMappingStore -Local leaves it now).";
                WriteInformation(new InformationRecord(removed ? $"Forgot the {what}.{later}" : $"There was no {what.Replace(" and its secret", "")}.", "PsaMapping"));
            }
        }
    }
}
