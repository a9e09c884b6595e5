using System;
using System.Collections.Generic;
using System.Linq;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>
    /// One product mapping, as on Sophos's "Configure usage synchronization" page: a Sophos product code and
    /// the Autotask service its usage is billed as. Several codes may point to one service (their quantities
    /// are summed). Product codes are matched case-insensitively. Immutable; equal when code, service id and
    /// service name are (when and by whom it was last changed does not count).
    /// </summary>
    public sealed class ProductMapping : IEquatable<ProductMapping>
    {
        public ProductMapping(string productCode, long autotaskServiceId, string serviceName, DateTimeOffset? updatedAt = null, string? updatedBy = null)
        {
            if (string.IsNullOrWhiteSpace(productCode)) throw new ArgumentException("A product mapping needs a product code.", nameof(productCode));
            ProductCode = productCode.Trim();
            AutotaskServiceId = autotaskServiceId;
            ServiceName = serviceName ?? throw new ArgumentNullException(nameof(serviceName));
            UpdatedAt = updatedAt;
            UpdatedBy = updatedBy;
        }

        /// <summary>How product codes compare everywhere: Sophos writes them in capitals, people may not.</summary>
        public static StringComparer CodeComparer => StringComparer.OrdinalIgnoreCase;

        public string ProductCode { get; }
        public long AutotaskServiceId { get; }
        public string ServiceName { get; }
        public DateTimeOffset? UpdatedAt { get; }
        public string? UpdatedBy { get; }

        public bool SameAs(ProductMapping? other) =>
            other != null &&
            CodeComparer.Equals(ProductCode, other.ProductCode) &&
            AutotaskServiceId == other.AutotaskServiceId &&
            string.Equals(ServiceName, other.ServiceName, StringComparison.Ordinal);

        public ProductMapping Stamped(DateTimeOffset updatedAt, string updatedBy) =>
            new ProductMapping(ProductCode, AutotaskServiceId, ServiceName, updatedAt, updatedBy);

        public bool Equals(ProductMapping? other) => SameAs(other);

        public override bool Equals(object? obj) => SameAs(obj as ProductMapping);

        public override int GetHashCode() =>
            unchecked((CodeComparer.GetHashCode(ProductCode) * 31 + AutotaskServiceId.GetHashCode()) * 31 + StringComparer.Ordinal.GetHashCode(ServiceName));

        public override string ToString() => $"{ProductCode} -> {ServiceName} ({AutotaskServiceId})";
    }

    /// <summary>What a command wants for one product code: map it (add or replace), or remove its mapping.</summary>
    public sealed class ProductMappingEdit
    {
        private ProductMappingEdit(string productCode, ProductMapping? mapping)
        {
            ProductCode = productCode;
            Mapping = mapping;
        }

        public string ProductCode { get; }

        /// <summary>The mapping to save; null when the code's mapping is to be removed.</summary>
        public ProductMapping? Mapping { get; }

        public static ProductMappingEdit Upsert(ProductMapping mapping) =>
            new ProductMappingEdit((mapping ?? throw new ArgumentNullException(nameof(mapping))).ProductCode, mapping);

        /// <summary>Removes the code's mapping; a code that is not mapped is no change, not an error.</summary>
        public static ProductMappingEdit Remove(string productCode) =>
            new ProductMappingEdit(string.IsNullOrWhiteSpace(productCode) ? throw new ArgumentException("Give a product code.", nameof(productCode)) : productCode.Trim(), null);
    }

    /// <summary>What a save did to one product code's mapping. Before is null for Added, After for Removed.</summary>
    public sealed class ProductChange
    {
        public ProductChange(MappingChangeKind kind, ProductMapping? before, ProductMapping? after)
        {
            ProductMapping either = after ?? before ?? throw new ArgumentException("A change needs a mapping before or after it.");
            Kind = kind;
            Before = before;
            After = after;
            ProductCode = either.ProductCode;
        }

        public MappingChangeKind Kind { get; }
        public ProductMapping? Before { get; }
        public ProductMapping? After { get; }
        public string ProductCode { get; }

        public override string ToString() => $"{Kind} {(After ?? Before)}";
    }

    /// <summary>What one <see cref="IMappingStore.SaveProductsAsync"/> did: one change per product code touched.</summary>
    public sealed class ProductSaveResult : SaveResult<ProductChange>
    {
        public ProductSaveResult(IReadOnlyList<ProductChange> changes, MappingSnapshot snapshot, bool written)
            : base(changes, c => c.Kind, snapshot, written)
        {
        }
    }
}
