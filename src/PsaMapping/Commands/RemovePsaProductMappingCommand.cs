using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine;
using PsaMapping.Engine.Mapping;

namespace PsaMapping.Commands
{
    /// <summary>Remove-PsaProductMapping: forgets product mappings, by code (wildcards) or from the pipeline.</summary>
    [Cmdlet(VerbsCommon.Remove, "PsaProductMapping", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemovePsaProductMappingCommand : PsaMappingCmdlet
    {
        private readonly List<string> _codes = new List<string>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] ProductCode { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord() => _codes.AddRange(ProductCode);

        protected override void EndProcessing()
        {
            MappingSnapshot saved = UseStore((store, token) => store.LoadAsync(token));
            NameFilter filter = Guard(() => NameFilter.Create(_codes.Distinct(StringComparer.OrdinalIgnoreCase), saved.Products.Select(p => p.ProductCode)));
            var targets = saved.Products.Where(p => filter.IsMatch(p.ProductCode)).ToList();
            foreach (var code in filter.Names.Where(n => !n.Matched && !n.IsPattern))
                WriteItemError(new PsaMappingException(ErrorIds.ProductMappingNotFound, PsaErrorKind.NotFound,
                    $"No product mapping is for the product code {UserText.Quoted(code.Name)}. Run Get-PsaProductMapping to see them.") { Target = code.Name });

            var edits = targets.GroupBy(p => p.ProductCode, ProductMapping.CodeComparer).Select(g => g.First())
                .Where(p => ShouldProcess($"Sophos product '{p.ProductCode}' -> Autotask service '{p.ServiceName}' ({p.AutotaskServiceId})", "Remove product mapping"))
                .Select(p => ProductMappingEdit.Remove(p.ProductCode)).ToList();
            if (edits.Count == 0) return;

            ProductSaveResult result = UseStore((store, token) => store.SaveProductsAsync(_ => edits, MappingStore.CurrentUser(), saved, token));
            WriteInformation(new InformationRecord($"Removed {result.Removed} product mappings.", "PsaMapping"));
        }
    }
}
