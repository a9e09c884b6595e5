using System;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>
    /// One row handed to Set-PsaMapping: each side by id or by name (ids win when both are given), and the
    /// Sync with PSA flag when it was given. <see cref="Source"/> is the row as it came (for error records).
    /// </summary>
    public sealed class MappingRequest
    {
        public Guid? SophosCustomerId { get; set; }
        public string? SophosCustomerName { get; set; }
        public long? AutotaskCompanyId { get; set; }
        public string? AutotaskCompanyName { get; set; }
        public long? ContractId { get; set; }
        public string? ContractName { get; set; }

        /// <summary>Null: keep the current flag (off for a new mapping).</summary>
        public bool? SyncEnabled { get; set; }

        public object? Source { get; set; }

        /// <summary>How the row names the customer, for messages.</summary>
        public string CustomerLabel => SophosCustomerName ?? SophosCustomerId?.ToString() ?? "(no customer)";
    }

    /// <summary>A row that passed every rule: the mapping to save, and what the user should know about it.</summary>
    public sealed class ResolvedMapping
    {
        public ResolvedMapping(MappingRequest request, CustomerMapping mapping, System.Collections.Generic.IReadOnlyList<MappingWarning> warnings)
        {
            Request = request;
            Mapping = mapping;
            Warnings = warnings;
        }

        public MappingRequest Request { get; }
        public CustomerMapping Mapping { get; }
        public System.Collections.Generic.IReadOnlyList<MappingWarning> Warnings { get; }

        /// <summary>
        /// The mapping to save, decided against the store's content at the moment of saving: a row that did not
        /// give SyncEnabled keeps the flag saved <em>now</em> (another process may have changed it since the rules ran).
        /// </summary>
        public CustomerMapping ApplyTo(MappingSnapshot current) =>
            Request.SyncEnabled.HasValue ? Mapping : Mapping.WithSyncEnabled(current.Find(Mapping.SophosCustomerId)?.SyncEnabled ?? false);
    }
}
