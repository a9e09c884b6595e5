using System;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>
    /// One audit entry: one mapping added, changed or removed by one save, with who saved it, when, and the store
    /// revision it was saved in. The same for every kind of mapping; <see cref="AuditEntry"/> (a customer's mapping)
    /// and <see cref="ProductAuditEntry"/> (a product mapping) add only the key their mapping is known by, under the
    /// property name the rest of the module uses for it.
    /// </summary>
    /// <typeparam name="TMapping"><see cref="CustomerMapping"/> or <see cref="ProductMapping"/>.</typeparam>
    public abstract class MappingAuditEntry<TMapping> where TMapping : class
    {
        protected MappingAuditEntry(DateTimeOffset when, string who, MappingChangeKind kind, TMapping? before, TMapping? after, long revision)
        {
            When = when;
            Who = who;
            Kind = kind;
            Before = before;
            After = after;
            Revision = revision;
        }

        public DateTimeOffset When { get; }
        public string Who { get; }
        public MappingChangeKind Kind { get; }

        /// <summary>The mapping before the save; null for Added.</summary>
        public TMapping? Before { get; }

        /// <summary>The mapping after the save; null for Removed.</summary>
        public TMapping? After { get; }

        /// <summary>The store revision the change was saved in.</summary>
        public long Revision { get; }
    }

    /// <summary>The audit entry of a customer's mapping, known by its Sophos Central customer id.</summary>
    public sealed class AuditEntry : MappingAuditEntry<CustomerMapping>
    {
        public AuditEntry(DateTimeOffset when, string who, MappingChangeKind kind, Guid sophosCustomerId,
                          CustomerMapping? before, CustomerMapping? after, long revision)
            : base(when, who, kind, before, after, revision) => SophosCustomerId = sophosCustomerId;

        public Guid SophosCustomerId { get; }
    }

    /// <summary>The audit entry of a product mapping, known by its Sophos product code.</summary>
    public sealed class ProductAuditEntry : MappingAuditEntry<ProductMapping>
    {
        public ProductAuditEntry(DateTimeOffset when, string who, MappingChangeKind kind, string productCode,
                                 ProductMapping? before, ProductMapping? after, long revision)
            : base(when, who, kind, before, after, revision) => ProductCode = productCode;

        public string ProductCode { get; }
    }
}
