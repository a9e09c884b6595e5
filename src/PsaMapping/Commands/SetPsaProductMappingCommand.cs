using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Set-PsaProductMapping: records which Autotask service a Sophos product is billed as (Sophos's "Configure usage
    /// synchronization"). Several product codes may name one service: their quantities are summed. The service is
    /// checked against the catalogue; every save is atomic and audited.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "PsaProductMapping", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ById)]
    [OutputType(typeof(ProductMapping))]
    public sealed class SetPsaProductMappingCommand : PsaMappingCmdlet
    {
        public const string ById = "ById";
        public const string ByName = "ByName";

        private readonly List<(string Code, long? Id, string? Name)> _requests = new List<(string, long?, string?)>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ProductCode { get; set; } = "";

        /// <summary>The service's name, exactly as in the catalogue (ignoring case).</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByName)]
        [ValidateNotNullOrEmpty]
        public string AutotaskService { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
        public long AutotaskServiceId { get; set; }

        protected override void ProcessRecord() =>
            _requests.Add((ProductCode.Trim(), ParameterSetName == ById ? AutotaskServiceId : (long?)null, ParameterSetName == ByName ? AutotaskService.Trim() : null));

        protected override void EndProcessing()
        {
            if (_requests.Count == 0) return;
            var billing = new AutotaskBilling(RequireAutotask().Client);
            IReadOnlyList<AutotaskService> services = Run((observer, token) => billing.GetServicesAsync(includeInactive: true, token));

            var wanted = new Dictionary<string, AutotaskService>(ProductMapping.CodeComparer);
            var refused = new HashSet<string>(ProductMapping.CodeComparer);
            foreach (var request in _requests)
            {
                AutotaskService? service = Resolve(request.Id, request.Name, services, request.Code);
                if (service == null) { refused.Add(request.Code); continue; }
                if (!service.IsActive)
                    WriteWarning($"The Autotask service '{service.ServiceName}' (id {service.AutotaskServiceId}) is inactive; '{request.Code}' is mapped to it anyway.");
                if (wanted.TryGetValue(request.Code, out AutotaskService? other) && other.AutotaskServiceId != service.AutotaskServiceId)
                {
                    WriteItemError(new PsaMappingException(ErrorIds.ProductMappingAmbiguous, PsaErrorKind.InvalidArgument,
                        $"The product code '{request.Code}' was given two services, '{other.ServiceName}' and '{service.ServiceName}'; it was not mapped. " +
                        "Give one service per product code (for example Find-AutotaskService '<name>' -First 1 | Set-PsaProductMapping -ProductCode ...).") { Target = request.Code });
                    refused.Add(request.Code);
                    continue;
                }
                wanted[request.Code] = service;
            }

            var edits = wanted.Where(w => !refused.Contains(w.Key))
                .Where(w => ShouldProcess($"Sophos product '{w.Key}' -> Autotask service '{w.Value.ServiceName}' ({w.Value.AutotaskServiceId})", "Set product mapping"))
                .Select(w => ProductMappingEdit.Upsert(new ProductMapping(w.Key, w.Value.AutotaskServiceId, w.Value.ServiceName))).ToList();
            if (edits.Count == 0) return;

            ProductSaveResult result = UseStore((store, token) => store.SaveProductsAsync(_ => edits, MappingStore.CurrentUser(), token));
            foreach (ProductChange change in result.Changes)
                if (change.After != null) WriteObject(change.After);
            WriteInformation(new InformationRecord($"Product mappings: {result.Added} added, {result.Changed} changed, {result.Unchanged} unchanged.", "PsaMapping"));
            WriteRequestSummary();
        }

        private AutotaskService? Resolve(long? id, string? name, IReadOnlyList<AutotaskService> services, string code)
        {
            if (id.HasValue)
            {
                AutotaskService? byId = services.FirstOrDefault(s => s.AutotaskServiceId == id.Value);
                if (byId == null)
                    WriteItemError(new PsaMappingException(ErrorIds.AutotaskServiceNotFound, PsaErrorKind.NotFound,
                        $"Autotask has no service with id {id}; '{code}' was not mapped. Run Find-AutotaskService to list the services.") { Target = id.Value });
                return byId;
            }

            var byName = services.Where(s => string.Equals(s.ServiceName.Trim(), name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (byName.Count == 1) return byName[0];
            WriteItemError(byName.Count == 0
                ? new PsaMappingException(ErrorIds.AutotaskServiceNotFound, PsaErrorKind.NotFound,
                    $"Autotask has no service named '{name}'; '{code}' was not mapped. Run Find-AutotaskService '{name}' to see similar names.") { Target = name }
                : new PsaMappingException(ErrorIds.AutotaskServiceAmbiguous, PsaErrorKind.InvalidArgument,
                    $"{byName.Count} Autotask services are named '{name}' (ids {string.Join(", ", byName.Select(s => s.AutotaskServiceId))}); '{code}' was not mapped. Give -AutotaskServiceId instead.") { Target = name });
            return null;
        }
    }
}
