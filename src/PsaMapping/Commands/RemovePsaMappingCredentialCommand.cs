using System.Management.Automation;
using PsaMapping.Engine.Store;

namespace PsaMapping.Commands
{
    /// <summary>Remove-PsaMappingCredential: forgets saved credentials (the session's connections stay until it ends).</summary>
    [Cmdlet(VerbsCommon.Remove, "PsaMappingCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemovePsaMappingCredentialCommand : PsaMappingCmdlet
    {
        /// <summary>Which saved credential to forget; both when not given.</summary>
        [Parameter(Position = 0)]
        public CredentialService[] Service { get; set; } = { CredentialService.SophosCentral, CredentialService.Autotask };

        protected override void EndProcessing()
        {
            var store = CredentialStore.Default();
            foreach (CredentialService service in Service)
            {
                if (!ShouldProcess(store.FilePath, $"Forget the saved {service} credential")) continue;
                bool removed = Guard(() => store.Forget(service));
                WriteInformation(new InformationRecord(removed
                    ? $"Forgot the saved {service} credential."
                    : $"There was no saved {service} credential.", "PsaMapping"));
            }
        }
    }
}
