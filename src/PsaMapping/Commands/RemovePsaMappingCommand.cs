using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine;
using PsaMapping.Engine.Mapping;

namespace PsaMapping.Commands
{
    /// <summary>Remove-PsaMapping: forgets customers' mappings, by name (wildcards), by id, or from the pipeline.</summary>
    [Cmdlet(VerbsCommon.Remove, "PsaMapping", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByName)]
    [OutputType(typeof(void))]
    public sealed class RemovePsaMappingCommand : PsaMappingCmdlet
    {
        public const string ByName = "ByName";
        public const string ById = "ById";

        private readonly List<Guid> _ids = new List<Guid>();

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(SophosCustomerNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] SophosCustomer { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        public Guid[] SophosCustomerId { get; set; } = Array.Empty<Guid>();

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ById) _ids.AddRange(SophosCustomerId);
        }

        protected override void EndProcessing()
        {
            MappingSnapshot saved = UseStore((store, token) => store.LoadAsync(token));
            var targets = new List<CustomerMapping>();

            if (ParameterSetName == ByName)
            {
                NameFilter filter = Guard(() => NameFilter.Create(SophosCustomer, saved.Mappings.Select(m => m.SophosCustomerName)));
                targets.AddRange(saved.Mappings.Where(m => filter.IsMatch(m.SophosCustomerName)));
                // A remove that removes nothing is a mistake worth hearing about, pattern or not.
                foreach (var name in filter.Names.Where(n => !n.Matched))
                    WriteItemError(new PsaMappingException(ErrorIds.MappingNotFound, PsaErrorKind.NotFound,
                        $"No saved mapping is for a customer {(name.IsPattern ? "whose name matches" : "named")} {UserText.Quoted(name.Name)}, so nothing was removed for it. Run Get-PsaMapping to see the mappings.")
                    { Target = name.Name });
            }
            else
            {
                foreach (Guid id in _ids.Distinct())
                {
                    CustomerMapping? mapping = saved.Find(id);
                    if (mapping != null) targets.Add(mapping);
                    else
                        WriteItemError(new PsaMappingException(ErrorIds.MappingNotFound, PsaErrorKind.NotFound,
                            $"The customer with id {id} has no saved mapping. Run Get-PsaMapping to see the mappings.") { Target = id });
                }
            }

            var confirmed = targets.GroupBy(m => m.SophosCustomerId).Select(g => g.First())
                .Where(m => ShouldProcess($"{m.SophosCustomerName} -> {SetPsaMappingCommand.Describe(m)}", "Remove mapping"))
                .Select(m => MappingEdit.Remove(m.SophosCustomerId)).ToList();
            if (confirmed.Count == 0) return;

            MappingSaveResult result = UseStore((store, token) => store.SaveAsync(_ => confirmed, MappingStore.CurrentUser(), saved, token));
            WriteInformation(new InformationRecord($"Removed {result.Removed} mappings.", "PsaMapping"));
        }
    }
}
