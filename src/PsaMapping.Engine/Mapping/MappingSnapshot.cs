using System;
using System.Collections.Generic;
using System.Linq;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>
    /// The store's content at one moment: the customer mappings, ordered by customer name then id, and the
    /// product mappings, ordered by product code.
    /// </summary>
    public sealed class MappingSnapshot
    {
        private readonly Dictionary<Guid, CustomerMapping> _byId;
        private readonly Dictionary<string, ProductMapping> _byCode;

        public MappingSnapshot(int schemaVersion, long revision, DateTimeOffset? savedAt, IEnumerable<CustomerMapping> mappings,
                               IEnumerable<ProductMapping>? products = null)
        {
            SchemaVersion = schemaVersion;
            Revision = revision;
            SavedAt = savedAt;
            // Sorted so the file reads like the Sophos page and so saving the same set twice writes the same bytes.
            Mappings = mappings
                .OrderBy(m => m.SophosCustomerName, StringComparer.OrdinalIgnoreCase)
                .ThenBy(m => m.SophosCustomerName, StringComparer.Ordinal)
                .ThenBy(m => m.SophosCustomerId)
                .ToList()
                .AsReadOnly();
            _byId = new Dictionary<Guid, CustomerMapping>();
            foreach (CustomerMapping mapping in Mappings)
            {
                if (_byId.ContainsKey(mapping.SophosCustomerId))
                    throw new ArgumentException($"Customer {mapping.SophosCustomerId} is mapped more than once.", nameof(mappings));
                _byId.Add(mapping.SophosCustomerId, mapping);
            }

            Products = (products ?? Array.Empty<ProductMapping>())
                .OrderBy(p => p.ProductCode, StringComparer.OrdinalIgnoreCase)
                .ToList()
                .AsReadOnly();
            _byCode = new Dictionary<string, ProductMapping>(ProductMapping.CodeComparer);
            foreach (ProductMapping product in Products)
            {
                if (_byCode.ContainsKey(product.ProductCode))
                    throw new ArgumentException($"Product code '{product.ProductCode}' is mapped more than once.", nameof(products));
                _byCode.Add(product.ProductCode, product);
            }
        }

        /// <summary>Nothing saved yet: revision 0, no mappings.</summary>
        public static MappingSnapshot Empty { get; } = new MappingSnapshot(MappingStore.SchemaVersion, 0, null, Array.Empty<CustomerMapping>());

        public int SchemaVersion { get; }

        /// <summary>Goes up by one with every save that changed a customer or product mapping; 0 before the first.</summary>
        public long Revision { get; }

        public DateTimeOffset? SavedAt { get; }

        public IReadOnlyList<CustomerMapping> Mappings { get; }

        public int Count => Mappings.Count;

        public CustomerMapping? Find(Guid sophosCustomerId) =>
            _byId.TryGetValue(sophosCustomerId, out CustomerMapping? mapping) ? mapping : null;

        /// <summary>The product mappings, ordered by product code.</summary>
        public IReadOnlyList<ProductMapping> Products { get; }

        /// <summary>The mapping of a product code (matched case-insensitively), or null.</summary>
        public ProductMapping? FindProduct(string productCode) =>
            productCode != null && _byCode.TryGetValue(productCode.Trim(), out ProductMapping? product) ? product : null;
    }

    /// <summary>What one save did, for customer or product mappings alike.</summary>
    /// <typeparam name="TChange">What the save did to one mapping.</typeparam>
    public abstract class SaveResult<TChange>
    {
        protected SaveResult(IReadOnlyList<TChange> changes, Func<TChange, MappingChangeKind> kindOf, MappingSnapshot snapshot, bool written)
        {
            if (kindOf == null) throw new ArgumentNullException(nameof(kindOf));
            Changes = changes ?? throw new ArgumentNullException(nameof(changes));
            Snapshot = snapshot;
            Written = written;
            Added = changes.Count(c => kindOf(c) == MappingChangeKind.Added);
            Changed = changes.Count(c => kindOf(c) == MappingChangeKind.Changed);
            Unchanged = changes.Count(c => kindOf(c) == MappingChangeKind.Unchanged);
            Removed = changes.Count(c => kindOf(c) == MappingChangeKind.Removed);
        }

        /// <summary>One entry per mapping the edits touched, in the order first touched. Removing one that was not there is not listed.</summary>
        public IReadOnlyList<TChange> Changes { get; }

        public int Added { get; }
        public int Changed { get; }
        public int Unchanged { get; }
        public int Removed { get; }

        /// <summary>The store's revision after the save (the current one when nothing was written).</summary>
        public long Revision => Snapshot.Revision;

        /// <summary>The store's content after the save.</summary>
        public MappingSnapshot Snapshot { get; }

        /// <summary>False when nothing changed, so nothing was written.</summary>
        public bool Written { get; }
    }

    /// <summary>What one <see cref="IMappingStore.SaveAsync"/> did: one change per customer touched.</summary>
    public sealed class MappingSaveResult : SaveResult<MappingChange>
    {
        public MappingSaveResult(IReadOnlyList<MappingChange> changes, MappingSnapshot snapshot, bool written)
            : base(changes, c => c.Kind, snapshot, written)
        {
        }
    }
}
