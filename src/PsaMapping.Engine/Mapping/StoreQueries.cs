using System;
using System.Collections.Generic;
using System.Linq;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>
    /// Which audit entries to read. The one history filter: every store reads what it must (a table may narrow
    /// its query by the same fields) and then passes the entries, oldest first, through <see cref="Apply{T}"/>.
    /// </summary>
    public sealed class HistoryQuery
    {
        public static HistoryQuery All { get; } = new HistoryQuery();

        /// <summary>Only this customer's entries (customer history).</summary>
        public Guid? SophosCustomerId { get; set; }

        /// <summary>
        /// Only the entries of customers whose name, in any of their entries (before or after a rename), passes the
        /// test this builds (customer history). It is given every name the entries carry, so the cmdlet decides how
        /// names match (an exact name wins over reading it as a wildcard pattern).
        /// </summary>
        public Func<IEnumerable<string>, Func<string, bool>>? SophosCustomerName { get; set; }

        /// <summary>Only this product code's entries, case-insensitively (product history).</summary>
        public string? ProductCode { get; set; }

        /// <summary>Only entries at or after this moment.</summary>
        public DateTimeOffset? Since { get; set; }

        /// <summary>Only the newest this many of what remains.</summary>
        public int? Last { get; set; }

        public IReadOnlyList<AuditEntry> Apply(IEnumerable<AuditEntry> oldestFirst)
        {
            List<AuditEntry> entries = oldestFirst.ToList();
            if (SophosCustomerName != null)
            {
                Func<string, bool> matches = SophosCustomerName(entries.SelectMany(e => new[] { e.Before?.SophosCustomerName, e.After?.SophosCustomerName })
                    .Where(n => n != null).Select(n => n!).Distinct().ToList());
                var ids = new HashSet<Guid>(entries
                    .Where(e => (e.Before != null && matches(e.Before.SophosCustomerName)) | (e.After != null && matches(e.After.SophosCustomerName)))
                    .Select(e => e.SophosCustomerId));
                entries = entries.Where(e => ids.Contains(e.SophosCustomerId)).ToList();
            }
            return Apply(entries, e => (!SophosCustomerId.HasValue || e.SophosCustomerId == SophosCustomerId.Value) && e.When >= (Since ?? DateTimeOffset.MinValue));
        }

        public IReadOnlyList<ProductAuditEntry> Apply(IEnumerable<ProductAuditEntry> oldestFirst) =>
            Apply(oldestFirst, e => (ProductCode == null || ProductMapping.CodeComparer.Equals(e.ProductCode, ProductCode.Trim())) && e.When >= (Since ?? DateTimeOffset.MinValue));

        private IReadOnlyList<T> Apply<T>(IEnumerable<T> oldestFirst, Func<T, bool> keep) => LastOf(oldestFirst.Where(keep), Last);

        internal static IReadOnlyList<T> LastOf<T>(IEnumerable<T> entries, int? last)
        {
            if (last < 0) throw new ArgumentOutOfRangeException(nameof(last), "Ask for zero or more entries.");
            List<T> list = entries.ToList();
            if (last.HasValue && list.Count > last.Value) list.RemoveRange(0, list.Count - last.Value);
            return list;
        }
    }

    /// <summary>Which sync-log entries to read; <see cref="Apply"/> is the one filter every store uses.</summary>
    public sealed class SyncLogQuery
    {
        public static SyncLogQuery All { get; } = new SyncLogQuery();

        public Guid? SophosCustomerId { get; set; }

        /// <summary>Only entries whose customer name passes the test this builds from every name in the log (as for <see cref="HistoryQuery.SophosCustomerName"/>).</summary>
        public Func<IEnumerable<string>, Func<string, bool>>? SophosCustomerName { get; set; }

        /// <summary>Only entries for this usage year (and <see cref="Month"/>, when given).</summary>
        public int? Year { get; set; }
        public int? Month { get; set; }

        /// <summary>Only the entries of one Sync-PsaUsage run.</summary>
        public Guid? RunId { get; set; }

        /// <summary>Only entries written at or after this moment.</summary>
        public DateTimeOffset? Since { get; set; }

        /// <summary>Only the newest this many of what remains.</summary>
        public int? Last { get; set; }

        public IReadOnlyList<SyncLogEntry> Apply(IEnumerable<SyncLogEntry> oldestFirst)
        {
            List<SyncLogEntry> entries = oldestFirst.ToList();
            Func<string, bool>? matches = SophosCustomerName?.Invoke(entries.Select(e => e.SophosCustomerName).Distinct().ToList());
            return HistoryQuery.LastOf(entries.Where(e =>
                (!SophosCustomerId.HasValue || e.SophosCustomerId == SophosCustomerId.Value) &&
                (matches == null || matches(e.SophosCustomerName)) &&
                (!Year.HasValue || e.Year == Year.Value) &&
                (!Month.HasValue || e.Month == Month.Value) &&
                (!RunId.HasValue || e.RunId == RunId.Value) &&
                (!Since.HasValue || e.When >= Since.Value)), Last);
        }
    }

    /// <summary>
    /// Entries read from a store, oldest first, plus how many stored entries could not be read and were
    /// skipped (a line torn by a crash while being appended, or edited by hand), counted before filtering.
    /// </summary>
    public sealed class StoredEntries<T> : IReadOnlyList<T>
    {
        private readonly IReadOnlyList<T> _entries;

        public StoredEntries(IReadOnlyList<T> entries, int skipped)
        {
            _entries = entries;
            Skipped = skipped;
        }

        public int Skipped { get; }

        public int Count => _entries.Count;

        public T this[int index] => _entries[index];

        public IEnumerator<T> GetEnumerator() => _entries.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
