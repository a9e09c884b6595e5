using System;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>
    /// One row of the mapping page, as Get-PsaMapping outputs it: a saved mapping, or (with -IncludeUnmapped)
    /// a Sophos customer with blank company and contract. Its properties bind back into Set-PsaMapping, so
    /// Export-Csv then Import-Csv | Set-PsaMapping reproduces the store.
    /// </summary>
    public sealed class MappingRow
    {
        private MappingRow(Guid customerId, string customerName, long? companyId, string? companyName, long? contractId,
            string? contractName, bool syncEnabled, bool isMapped, DateTimeOffset? updatedAt, string? updatedBy)
        {
            SophosCustomerId = customerId;
            SophosCustomerName = customerName;
            AutotaskCompanyId = companyId;
            AutotaskCompanyName = companyName;
            ContractId = contractId;
            ContractName = contractName;
            SyncEnabled = syncEnabled;
            IsMapped = isMapped;
            UpdatedAt = updatedAt;
            UpdatedBy = updatedBy;
        }

        public static MappingRow From(CustomerMapping mapping) =>
            new MappingRow(mapping.SophosCustomerId, mapping.SophosCustomerName, mapping.AutotaskCompanyId, mapping.AutotaskCompanyName,
                mapping.ContractId, mapping.ContractName, mapping.SyncEnabled, true, mapping.UpdatedAt, mapping.UpdatedBy);

        public static MappingRow Unmapped(SophosCustomer customer) =>
            new MappingRow(customer.SophosCustomerId, customer.SophosCustomerName, null, null, null, null, false, false, null, null);

        public Guid SophosCustomerId { get; }
        public string SophosCustomerName { get; }
        public long? AutotaskCompanyId { get; }
        public string? AutotaskCompanyName { get; }
        public long? ContractId { get; }
        public string? ContractName { get; }

        /// <summary>The "Sync with PSA" toggle.</summary>
        public bool SyncEnabled { get; }
        public bool IsMapped { get; }
        public DateTimeOffset? UpdatedAt { get; }
        public string? UpdatedBy { get; }

        public override string ToString() => IsMapped ? $"{SophosCustomerName} -> {AutotaskCompanyName} / {ContractName}" : SophosCustomerName + " (unmapped)";
    }
}
