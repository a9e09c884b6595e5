using System;
using System.Collections.Generic;
using System.Linq;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>
    /// What a save does to a snapshot, the same in every store: edits apply in order (the same key twice: the
    /// last wins); each key is then compared once, first state against last, so "set then set back" is
    /// Unchanged; added and changed items are stamped with the time and who; an unchanged item keeps the stamp
    /// of when it really last changed. A store calls this on the content it read under its lock (or ETags),
    /// writes <see cref="Edited{TResult, TEntry}.Next"/> when <see cref="Edited{TResult, TEntry}.Entries"/> is not
    /// empty, and keeps the entries with the save.
    /// </summary>
    public static class SnapshotEdits
    {
        public static Edited<MappingSaveResult, AuditEntry> Apply(MappingSnapshot current, IEnumerable<MappingEdit> edits, DateTimeOffset now, string who)
        {
            var changes = Changes(current.Mappings, m => m.SophosCustomerId, EqualityComparer<Guid>.Default,
                (edits ?? Enumerable.Empty<MappingEdit>()).Select(e => e == null ? throw NullEdit() : (e.SophosCustomerId, e.Mapping)),
                (before, after) => before.SameAs(after),
                // The sync status is the store's: a save never sets it, and keeps the stored one.
                (after, before) => after.Stamped(now, who).WithLastSync(before?.LastSync),
                out List<CustomerMapping> items);

            var list = changes.Select(c => new MappingChange(c.Kind, c.Before, c.After)).ToList();
            if (!list.Any(c => c.Kind != MappingChangeKind.Unchanged))
                return new Edited<MappingSaveResult, AuditEntry>(new MappingSaveResult(list, current, written: false), current, Array.Empty<AuditEntry>());

            var next = new MappingSnapshot(MappingStore.SchemaVersion, current.Revision + 1, now, items, current.Products);
            var entries = list.Where(c => c.Kind != MappingChangeKind.Unchanged)
                .Select(c => new AuditEntry(now, who, c.Kind, c.SophosCustomerId, c.Before, c.After, next.Revision)).ToList();
            return new Edited<MappingSaveResult, AuditEntry>(new MappingSaveResult(list, next, written: true), next, entries);
        }

        public static Edited<ProductSaveResult, ProductAuditEntry> Apply(MappingSnapshot current, IEnumerable<ProductMappingEdit> edits, DateTimeOffset now, string who)
        {
            var changes = Changes(current.Products, p => p.ProductCode, ProductMapping.CodeComparer,
                (edits ?? Enumerable.Empty<ProductMappingEdit>()).Select(e => e == null ? throw NullEdit() : (e.ProductCode, e.Mapping)),
                (before, after) => before.SameAs(after),
                (after, _) => after.Stamped(now, who),
                out List<ProductMapping> items);

            var list = changes.Select(c => new ProductChange(c.Kind, c.Before, c.After)).ToList();
            if (!list.Any(c => c.Kind != MappingChangeKind.Unchanged))
                return new Edited<ProductSaveResult, ProductAuditEntry>(new ProductSaveResult(list, current, written: false), current, Array.Empty<ProductAuditEntry>());

            var next = new MappingSnapshot(MappingStore.SchemaVersion, current.Revision + 1, now, current.Mappings, items);
            var entries = list.Where(c => c.Kind != MappingChangeKind.Unchanged)
                .Select(c => new ProductAuditEntry(now, who, c.Kind, c.ProductCode, c.Before, c.After, next.Revision)).ToList();
            return new Edited<ProductSaveResult, ProductAuditEntry>(new ProductSaveResult(list, next, written: true), next, entries);
        }

        private static ArgumentException NullEdit() => new ArgumentException("An edit is null.", "edits");

        /// <summary>The changes per key touched, in the order first touched, and the items after the edits.</summary>
        private static List<(MappingChangeKind Kind, T? Before, T? After)> Changes<TKey, T>(
            IReadOnlyList<T> currentItems, Func<T, TKey> keyOf, IEqualityComparer<TKey> comparer,
            IEnumerable<(TKey Key, T? Item)> edits,
            Func<T, T, bool> same, Func<T, T?, T> stamp, out List<T> items)
            where T : class
            where TKey : notnull
        {
            var stored = currentItems.ToDictionary(keyOf, comparer);
            var working = new Dictionary<TKey, T>(stored, comparer);
            var touched = new List<TKey>();
            var seen = new HashSet<TKey>(comparer);
            foreach (var (key, item) in edits)
            {
                if (seen.Add(key)) touched.Add(key);
                working.Remove(key); // a product code given in other capitals replaces the stored spelling
                if (item != null) working[key] = item;
            }

            var changes = new List<(MappingChangeKind, T?, T?)>();
            foreach (TKey key in touched)
            {
                stored.TryGetValue(key, out T? before);
                working.TryGetValue(key, out T? after);
                if (before == null && after == null) continue; // removing what was not there
                if (after == null)
                {
                    changes.Add((MappingChangeKind.Removed, before, null));
                }
                else if (before != null && same(before, after))
                {
                    working.Remove(key);
                    working[keyOf(before)] = before;
                    changes.Add((MappingChangeKind.Unchanged, before, before));
                }
                else
                {
                    T stamped = stamp(after, before);
                    working[key] = stamped;
                    changes.Add((before == null ? MappingChangeKind.Added : MappingChangeKind.Changed, before, stamped));
                }
            }

            items = working.Values.ToList();
            return changes;
        }
    }

    /// <summary>A save's outcome (<see cref="Result"/>), the content to write (<see cref="Next"/>) and the audit entries to keep with it.</summary>
    public sealed class Edited<TResult, TEntry>
    {
        public Edited(TResult result, MappingSnapshot next, IReadOnlyList<TEntry> entries)
        {
            Result = result;
            Next = next;
            Entries = entries;
        }

        public TResult Result { get; }
        public MappingSnapshot Next { get; }

        /// <summary>Empty when nothing changed: then nothing is to be written.</summary>
        public IReadOnlyList<TEntry> Entries { get; }
    }
}
