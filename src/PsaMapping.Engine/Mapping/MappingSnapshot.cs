using System;
using System.Collections.Generic;
using System.Linq;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>The mapping file's content at one moment. Mappings are ordered by customer name, then id.</summary>
    public sealed class MappingSnapshot
    {
        private readonly Dictionary<Guid, CustomerMapping> _byId;

        public MappingSnapshot(int schemaVersion, long revision, DateTimeOffset? savedAt, IEnumerable<CustomerMapping> mappings)
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
        }

        /// <summary>No file yet: revision 0, no mappings.</summary>
        public static MappingSnapshot Empty { get; } = new MappingSnapshot(MappingStore.SchemaVersion, 0, null, Array.Empty<CustomerMapping>());

        public int SchemaVersion { get; }

        /// <summary>Goes up by one with every save that changed something; 0 before the first.</summary>
        public long Revision { get; }

        public DateTimeOffset? SavedAt { get; }

        public IReadOnlyList<CustomerMapping> Mappings { get; }

        public int Count => Mappings.Count;

        public CustomerMapping? Find(Guid sophosCustomerId) =>
            _byId.TryGetValue(sophosCustomerId, out CustomerMapping? mapping) ? mapping : null;
    }

    /// <summary>What one <see cref="MappingStore.Save(IEnumerable{MappingEdit}, string)"/> did.</summary>
    public sealed class MappingSaveResult
    {
        public MappingSaveResult(IReadOnlyList<MappingChange> changes, MappingSnapshot snapshot, bool written)
        {
            Changes = changes;
            Snapshot = snapshot;
            Written = written;
            Added = changes.Count(c => c.Kind == MappingChangeKind.Added);
            Changed = changes.Count(c => c.Kind == MappingChangeKind.Changed);
            Unchanged = changes.Count(c => c.Kind == MappingChangeKind.Unchanged);
            Removed = changes.Count(c => c.Kind == MappingChangeKind.Removed);
        }

        /// <summary>One entry per customer the edits touched, in the order first touched. Removing a customer that was not mapped is not listed.</summary>
        public IReadOnlyList<MappingChange> Changes { get; }

        public int Added { get; }
        public int Changed { get; }
        public int Unchanged { get; }
        public int Removed { get; }

        /// <summary>The file's revision after the save (the current one when nothing was written).</summary>
        public long Revision => Snapshot.Revision;

        /// <summary>The file's content after the save.</summary>
        public MappingSnapshot Snapshot { get; }

        /// <summary>False when nothing changed, so the file, its backup and the audit log were left alone.</summary>
        public bool Written { get; }
    }

    /// <summary>One line of the audit log: one customer's mapping added, changed or removed by one save.</summary>
    public sealed class AuditEntry
    {
        public AuditEntry(DateTimeOffset when, string who, MappingChangeKind kind, Guid sophosCustomerId,
                          CustomerMapping? before, CustomerMapping? after, long revision)
        {
            When = when;
            Who = who;
            Kind = kind;
            SophosCustomerId = sophosCustomerId;
            Before = before;
            After = after;
            Revision = revision;
        }

        public DateTimeOffset When { get; }
        public string Who { get; }
        public MappingChangeKind Kind { get; }
        public Guid SophosCustomerId { get; }
        public CustomerMapping? Before { get; }
        public CustomerMapping? After { get; }

        /// <summary>The file revision the change was saved in.</summary>
        public long Revision { get; }
    }

    /// <summary>
    /// Audit entries, oldest first, plus how many lines of the log could not be read and were skipped
    /// (a line torn by a crash while it was being appended, or one edited by hand).
    /// </summary>
    public sealed class AuditHistory : IReadOnlyList<AuditEntry>
    {
        private readonly IReadOnlyList<AuditEntry> _entries;

        public AuditHistory(IReadOnlyList<AuditEntry> entries, int skippedLines)
        {
            _entries = entries;
            SkippedLines = skippedLines;
        }

        public int SkippedLines { get; }

        public int Count => _entries.Count;

        public AuditEntry this[int index] => _entries[index];

        public IEnumerator<AuditEntry> GetEnumerator() => _entries.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
