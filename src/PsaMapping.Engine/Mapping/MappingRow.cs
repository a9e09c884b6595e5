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
            string? contractName, bool syncEnabled, bool isMapped, DateTimeOffset? updatedAt, string? updatedBy, SyncStatus? lastSync = null)
        {
            LastSyncAt = lastSync?.At;
            LastSyncStatus = lastSync?.Outcome;
            LastSyncMessage = lastSync?.Message;
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
                mapping.ContractId, mapping.ContractName, mapping.SyncEnabled, true, mapping.UpdatedAt, mapping.UpdatedBy, mapping.LastSync);

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

        /// <summary>When Sync-PsaUsage last synchronized this customer (the Sophos page's Sync Status column).</summary>
        public DateTimeOffset? LastSyncAt { get; }

        /// <summary>Succeeded, Failed or Partial (some lines adjusted, others skipped or failed); empty before the first sync.</summary>
        public SyncOutcome? LastSyncStatus { get; }

        /// <summary>What the last sync did, or why it failed.</summary>
        public string? LastSyncMessage { get; }

        public override string ToString() => IsMapped ? $"{SophosCustomerName} -> {AutotaskCompanyName} / {ContractName}" : SophosCustomerName + " (unmapped)";
    }
}
