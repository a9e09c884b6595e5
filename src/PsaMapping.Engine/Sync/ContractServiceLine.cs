using System;
using System.Collections.Generic;
using System.Linq;
using PsaMapping.Engine.Autotask;

namespace PsaMapping.Engine.Sync
{
    /// <summary>A contract's service line with the units in force on a day, as Get-AutotaskContractService outputs it.</summary>
    public sealed class ContractServiceLine
    {
        public ContractServiceLine(long contractServiceId, long contractId, long autotaskServiceId, string? serviceName, decimal? unitPrice,
            decimal units, DateTime asOf, Guid? sophosCustomerId, string? sophosCustomerName)
        {
            ContractServiceId = contractServiceId;
            ContractId = contractId;
            AutotaskServiceId = autotaskServiceId;
            ServiceName = serviceName;
            UnitPrice = unitPrice;
            Units = units;
            AsOf = asOf;
            SophosCustomerId = sophosCustomerId;
            SophosCustomerName = sophosCustomerName;
        }

        public long ContractServiceId { get; }
        public long ContractId { get; }
        public long AutotaskServiceId { get; }
        public string? ServiceName { get; }
        public decimal? UnitPrice { get; }

        /// <summary>The units in force on <see cref="AsOf"/> (0 when no billing period of the line covers that day).</summary>
        public decimal Units { get; }
        public DateTime AsOf { get; }

        /// <summary>Passed through from a piped mapping.</summary>
        public Guid? SophosCustomerId { get; }
        public string? SophosCustomerName { get; }

        /// <summary>Joins lines, their unit rows and the catalogue's names into one object per line, ordered by contract then line.</summary>
        public static IReadOnlyList<ContractServiceLine> From(IEnumerable<AutotaskContractService> lines, IEnumerable<AutotaskServiceUnits> units,
            IReadOnlyDictionary<long, string> serviceNames, DateTime asOf, Func<long, (Guid? Id, string? Name)> customerOf)
        {
            ILookup<long, AutotaskServiceUnits> byLine = units.ToLookup(u => u.ContractServiceId);
            return lines.OrderBy(l => l.ContractId).ThenBy(l => l.ContractServiceId).Select(l =>
            {
                serviceNames.TryGetValue(l.AutotaskServiceId, out string? name);
                (Guid? id, string? customer) = customerOf(l.ContractId);
                return new ContractServiceLine(l.ContractServiceId, l.ContractId, l.AutotaskServiceId, name, l.UnitPrice,
                    AutotaskBilling.UnitsInForce(byLine[l.ContractServiceId], asOf)?.Units ?? 0m, asOf.Date, id, customer);
            }).ToList();
        }

        public override string ToString() => $"{ServiceName} ({Units} units)";
    }
}
