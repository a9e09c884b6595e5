using System;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>
    /// One saved mapping: the Autotask company and contract a Sophos Central customer is billed under,
    /// and whether its usage is synchronized. Immutable. Two mappings are equal when the seven mapping
    /// fields are (names compared ordinally); when and by whom it was last changed, and its last sync, do not count.
    /// </summary>
    public sealed class CustomerMapping : IEquatable<CustomerMapping>
    {
        public CustomerMapping(Guid sophosCustomerId, string sophosCustomerName, long autotaskCompanyId, string autotaskCompanyName,
                               long contractId, string contractName, bool syncEnabled, DateTimeOffset? updatedAt = null, string? updatedBy = null,
                               SyncStatus? lastSync = null)
        {
            if (sophosCustomerId == Guid.Empty) throw new ArgumentException("A mapping needs a Sophos Central customer id.", nameof(sophosCustomerId));
            SophosCustomerId = sophosCustomerId;
            SophosCustomerName = sophosCustomerName ?? throw new ArgumentNullException(nameof(sophosCustomerName));
            AutotaskCompanyId = autotaskCompanyId;
            AutotaskCompanyName = autotaskCompanyName ?? throw new ArgumentNullException(nameof(autotaskCompanyName));
            ContractId = contractId;
            ContractName = contractName ?? throw new ArgumentNullException(nameof(contractName));
            SyncEnabled = syncEnabled;
            UpdatedAt = updatedAt;
            UpdatedBy = updatedBy;
            LastSync = lastSync;
        }

        public Guid SophosCustomerId { get; }
        public string SophosCustomerName { get; }
        public long AutotaskCompanyId { get; }
        public string AutotaskCompanyName { get; }
        public long ContractId { get; }
        public string ContractName { get; }
        public bool SyncEnabled { get; }

        /// <summary>When this mapping was last added or changed; set by the store when it saves.</summary>
        public DateTimeOffset? UpdatedAt { get; }

        /// <summary>Who last added or changed it (<see cref="MappingStore.CurrentUser"/> by default); set by the store.</summary>
        public string? UpdatedBy { get; }

        /// <summary>How the last Sync-PsaUsage of this customer went; null before the first. Set only by <see cref="IMappingStore.RecordSyncStatusAsync"/>.</summary>
        public SyncStatus? LastSync { get; }

        /// <summary>True when the seven mapping fields are equal, whatever UpdatedAt/UpdatedBy say.</summary>
        public bool SameAs(CustomerMapping? other) =>
            other != null &&
            SophosCustomerId == other.SophosCustomerId &&
            string.Equals(SophosCustomerName, other.SophosCustomerName, StringComparison.Ordinal) &&
            AutotaskCompanyId == other.AutotaskCompanyId &&
            string.Equals(AutotaskCompanyName, other.AutotaskCompanyName, StringComparison.Ordinal) &&
            ContractId == other.ContractId &&
            string.Equals(ContractName, other.ContractName, StringComparison.Ordinal) &&
            SyncEnabled == other.SyncEnabled;

        /// <summary>The same mapping, stamped with who changed it and when.</summary>
        public CustomerMapping Stamped(DateTimeOffset updatedAt, string updatedBy) =>
            new CustomerMapping(SophosCustomerId, SophosCustomerName, AutotaskCompanyId, AutotaskCompanyName,
                ContractId, ContractName, SyncEnabled, updatedAt, updatedBy, LastSync);

        /// <summary>The same mapping with <paramref name="syncEnabled"/> as its Sync with PSA flag.</summary>
        public CustomerMapping WithSyncEnabled(bool syncEnabled) =>
            syncEnabled == SyncEnabled ? this : new CustomerMapping(SophosCustomerId, SophosCustomerName, AutotaskCompanyId, AutotaskCompanyName,
                ContractId, ContractName, syncEnabled, UpdatedAt, UpdatedBy, LastSync);

        /// <summary>The same mapping with <paramref name="lastSync"/> as its sync status (what the stores use to keep or record it).</summary>
        public CustomerMapping WithLastSync(SyncStatus? lastSync) =>
            new CustomerMapping(SophosCustomerId, SophosCustomerName, AutotaskCompanyId, AutotaskCompanyName,
                ContractId, ContractName, SyncEnabled, UpdatedAt, UpdatedBy, lastSync);

        public bool Equals(CustomerMapping? other) => SameAs(other);

        public override bool Equals(object? obj) => SameAs(obj as CustomerMapping);

        public override int GetHashCode()
        {
            unchecked
            {
                int hash = SophosCustomerId.GetHashCode();
                hash = hash * 31 + StringComparer.Ordinal.GetHashCode(SophosCustomerName);
                hash = hash * 31 + AutotaskCompanyId.GetHashCode();
                hash = hash * 31 + StringComparer.Ordinal.GetHashCode(AutotaskCompanyName);
                hash = hash * 31 + ContractId.GetHashCode();
                hash = hash * 31 + StringComparer.Ordinal.GetHashCode(ContractName);
                return hash * 31 + (SyncEnabled ? 1 : 0);
            }
        }

        public override string ToString() =>
            $"{SophosCustomerName} -> {AutotaskCompanyName} ({AutotaskCompanyId}) / {ContractName} ({ContractId}), sync {(SyncEnabled ? "on" : "off")}";
    }
}
