using System;

namespace PsaMapping.Engine.Mapping
{
    public enum MappingChangeKind
    {
        Added,
        Changed,
        Unchanged,
        Removed,
    }

    /// <summary>What a save did to one customer's mapping. Before is null for Added, After for Removed.</summary>
    public sealed class MappingChange
    {
        public MappingChange(MappingChangeKind kind, CustomerMapping? before, CustomerMapping? after)
        {
            CustomerMapping? either = after ?? before;
            if (either == null) throw new ArgumentException("A change needs a mapping before or after it.");
            Kind = kind;
            Before = before;
            After = after;
            SophosCustomerId = either.SophosCustomerId;
        }

        public MappingChangeKind Kind { get; }
        public CustomerMapping? Before { get; }
        public CustomerMapping? After { get; }
        public Guid SophosCustomerId { get; }

        public override string ToString() => $"{Kind} {(After ?? Before)}";
    }

    /// <summary>
    /// What a command wants for one customer. It is decided against the file's current content inside the
    /// store's lock, so two processes changing different customers never lose each other's work.
    /// </summary>
    public sealed class MappingEdit
    {
        private MappingEdit(Guid sophosCustomerId, CustomerMapping? mapping)
        {
            SophosCustomerId = sophosCustomerId;
            Mapping = mapping;
        }

        public Guid SophosCustomerId { get; }

        /// <summary>The mapping to save; null when the customer's mapping is to be removed.</summary>
        public CustomerMapping? Mapping { get; }

        public bool IsRemove => Mapping == null;

        /// <summary>Adds the mapping, or replaces the customer's current one.</summary>
        public static MappingEdit Upsert(CustomerMapping mapping) =>
            new MappingEdit((mapping ?? throw new ArgumentNullException(nameof(mapping))).SophosCustomerId, mapping);

        /// <summary>Removes the customer's mapping; a customer that is not mapped is no change, not an error.</summary>
        public static MappingEdit Remove(Guid sophosCustomerId) => new MappingEdit(sophosCustomerId, null);
    }
}
