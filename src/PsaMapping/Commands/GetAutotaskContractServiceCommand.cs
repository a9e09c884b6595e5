using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Sync;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Get-AutotaskContractService: each service line of the contracts with the units in force on a day. Contracts
    /// given or piped (Get-PsaMapping | Get-AutotaskContractService) are read together: a few `in`-filtered queries,
    /// not one per contract.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AutotaskContractService")]
    [OutputType(typeof(ContractServiceLine))]
    public sealed class GetAutotaskContractServiceCommand : PsaMappingCmdlet
    {
        private readonly List<long> _contracts = new List<long>();
        private readonly Dictionary<long, (Guid? Id, string? Name)> _customers = new Dictionary<long, (Guid?, string?)>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public long[] ContractId { get; set; } = Array.Empty<long>();

        /// <summary>The day whose units are shown. Default: today.</summary>
        [Parameter]
        public DateTime? AsOf { get; set; }

        /// <summary>Passed through from piped mappings.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public Guid? SophosCustomerId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? SophosCustomerName { get; set; }

        protected override void ProcessRecord()
        {
            foreach (long id in ContractId)
            {
                _contracts.Add(id);
                if (SophosCustomerId.HasValue && !_customers.ContainsKey(id)) _customers[id] = (SophosCustomerId, SophosCustomerName);
            }
        }

        protected override void EndProcessing()
        {
            var ids = _contracts.Distinct().ToList();
            if (ids.Count == 0) return;
            DateTime asOf = (AsOf ?? DateTime.UtcNow).Date;
            var billing = new AutotaskBilling(RequireAutotask().Client);

            var lines = Run(async (observer, token) =>
            {
                var services = billing.GetServicesAsync(includeInactive: true, token);
                var contractLines = billing.GetContractServicesAsync(ids, token);
                var units = billing.GetContractServiceUnitsAsync(ids, asOf, token);
                await Task.WhenAll(services, contractLines, units).ConfigureAwait(false);
                return ContractServiceLine.From(contractLines.Result, units.Result,
                    services.Result.ToDictionary(s => s.AutotaskServiceId, s => s.ServiceName), asOf,
                    id => _customers.TryGetValue(id, out var customer) ? customer : (null, null));
            });

            WriteObject(lines, enumerateCollection: true);
            WriteRequestSummary();
        }
    }
}
