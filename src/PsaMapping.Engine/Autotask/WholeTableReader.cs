using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace PsaMapping.Engine.Autotask
{
    /// <summary>
    /// Reads every row a filter selects, several pages at a time, in as few requests as the page size allows.
    /// <para>
    /// Pages of one query come one after another, so the id space is split into ranges read side by side
    /// with keyset pages (<c>id &gt; last id seen</c>, Autotask's documented alternative to nextPageUrl). A
    /// range rarely holds a whole number of pages, and its last, partly filled page would be a request more
    /// than the table needs. So a bounded range is read only while it surely fills pages; what is left of it
    /// (under a page, by the density of its last page) goes to a shared pool of leftovers, and the last,
    /// open-ended range reads those leftovers together with its own rows: one query over several id
    /// intervals fills its pages as well. The only partly filled page is then the table's last one.
    /// </para>
    /// </summary>
    internal sealed class WholeTableReader
    {
        private const int PageSize = AutotaskClient.MaxRecords;

        /// <summary>
        /// A range whose rest looks smaller than this many pages goes to the pool rather than risk a partly
        /// filled page: an estimate from one page's ids can be a little off.
        /// </summary>
        private const double LeftoverPages = 1.1;

        private readonly Func<JArray, Task<IReadOnlyList<AutotaskRecord>>> _readPage;
        private readonly IReadOnlyList<JObject> _conditions;
        private readonly string _entity;
        private readonly object _gate = new object();
        private readonly List<Interval> _leftovers = new List<Interval>();
        private readonly TaskCompletionSource<bool> _boundedDone = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _boundedActive;
        private long _rowsRead;

        /// <summary>Each bounded range's estimate of the rows it has still to read itself (guarded by _gate).</summary>
        private double[] _boundedLeft = new double[0];

        /// <param name="readPage">Reads one page (up to 500 rows) of the given filter: one request.</param>
        public WholeTableReader(string entity, IReadOnlyList<JObject> conditions, Func<JArray, Task<IReadOnlyList<AutotaskRecord>>> readPage)
        {
            _entity = entity;
            _conditions = conditions;
            _readPage = readPage;
        }

        /// <summary>
        /// The rest of the table after <paramref name="first"/> (its first page, lowest ids first), given that
        /// the count said <paramref name="total"/> rows, read as <paramref name="parallelism"/> ranges at most.
        /// </summary>
        public async Task<IReadOnlyList<AutotaskRecord>> ReadRestAsync(IReadOnlyList<AutotaskRecord> first, long total, int parallelism,
            CancellationToken cancellationToken)
        {
            var rows = new List<AutotaskRecord>(first);
            if (first.Count < PageSize) return rows;

            long firstId = first.Min(RowId), lastId = first.Max(RowId);
            _rowsRead = first.Count;
            long remaining = Math.Max(0, total - first.Count);
            int pagesLeft = (int)((remaining + PageSize - 1) / PageSize);
            int ranges = Math.Max(1, Math.Min(parallelism, pagesLeft));

            // Ids are assigned in order, so the rest of the table spans about as many ids per row as the first
            // page did. Each bounded range is sized to whole pages; the open range gets what is left, and the
            // pool's leftovers on top, which is why it is planned a page shorter when it can be.
            double idsPerRow = IdsPerRow(firstId, lastId, first.Count);
            int pagesPerBounded = ranges == 1 ? 0 : (pagesLeft + ranges - 1) / ranges;
            long width = (long)Math.Ceiling(pagesPerBounded * PageSize * idsPerRow);
            _boundedActive = ranges - 1;
            _boundedLeft = new double[ranges - 1];
            if (_boundedActive == 0) _boundedDone.TrySetResult(true);

            var readers = new List<Task<List<AutotaskRecord>>>();
            for (int i = 0; i < ranges - 1; i++)
            {
                long low = lastId + i * width;
                _boundedLeft[i] = width / idsPerRow;
                readers.Add(ReadBoundedAsync(i, new Interval(low, low + width), idsPerRow, cancellationToken));
            }

            readers.Add(ReadOpenAsync(lastId + (ranges - 1) * width, total, cancellationToken));
            foreach (List<AutotaskRecord> part in await Task.WhenAll(readers).ConfigureAwait(false)) rows.AddRange(part);
            return rows;
        }

        /// <summary>Reads whole pages of one bounded range; what is left under a page goes to the pool.</summary>
        private async Task<List<AutotaskRecord>> ReadBoundedAsync(int index, Interval range, double idsPerRow, CancellationToken cancellationToken)
        {
            var rows = new List<AutotaskRecord>();
            try
            {
                while (true)
                {
                    if ((range.High - range.Low) / idsPerRow < LeftoverPages * PageSize)
                    {
                        lock (_gate)
                        {
                            _leftovers.Add(range);
                            _boundedLeft[index] = 0;
                        }
                        break;
                    }

                    IReadOnlyList<AutotaskRecord> page = await _readPage(Where(new[] { range })).ConfigureAwait(false);
                    rows.AddRange(page);
                    if (page.Count < PageSize)
                    {
                        // The estimate was off: the range ended inside this page.
                        lock (_gate)
                        {
                            _rowsRead += page.Count;
                            _boundedLeft[index] = 0;
                        }
                        break;
                    }

                    long pageFirst = page.Min(RowId), pageLast = page.Max(RowId);
                    idsPerRow = IdsPerRow(pageFirst, pageLast, page.Count);
                    range = new Interval(pageLast, range.High);
                    lock (_gate)
                    {
                        _rowsRead += page.Count;
                        _boundedLeft[index] = (range.High - range.Low) / idsPerRow;
                    }
                }
            }
            finally
            {
                lock (_gate) _boundedLeft[index] = 0;
                if (Interlocked.Decrement(ref _boundedActive) == 0) _boundedDone.TrySetResult(true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            return rows;
        }

        /// <summary>
        /// Reads the open-ended last range together with the pool's leftovers, a full page at a time. The
        /// page that may come back partly filled waits until the bounded ranges are done, so that it holds
        /// every leftover and is the only such page.
        /// </summary>
        private async Task<List<AutotaskRecord>> ReadOpenAsync(long after, long total, CancellationToken cancellationToken)
        {
            var rows = new List<AutotaskRecord>();
            Interval? own = new Interval(after, long.MaxValue);
            while (true)
            {
                // What this range and the pool still hold: the count, less what was read, less what the
                // bounded ranges still expect to read themselves.
                bool othersDone = _boundedDone.Task.IsCompleted;
                double ownAndPool;
                lock (_gate) ownAndPool = total - _rowsRead - _boundedLeft.Sum();
                if (!othersDone && (own == null || ownAndPool < LeftoverPages * PageSize))
                {
                    await _boundedDone.Task.ConfigureAwait(false);
                    othersDone = true;
                }

                List<Interval> intervals;
                lock (_gate)
                {
                    intervals = _leftovers.OrderBy(i => i.Low).ToList();
                    _leftovers.Clear();
                }

                if (own.HasValue) intervals.Add(own.Value);
                if (intervals.Count == 0)
                {
                    if (othersDone) break;
                    await _boundedDone.Task.ConfigureAwait(false);
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                IReadOnlyList<AutotaskRecord> page = await _readPage(Where(intervals)).ConfigureAwait(false);
                rows.AddRange(page);
                lock (_gate) _rowsRead += page.Count;

                if (page.Count < PageSize)
                {
                    // Everything these intervals hold has been read.
                    own = null;
                    if (othersDone) break;
                    continue;
                }

                // Rows come lowest id first, so every row up to the page's last id is read: keep only the parts beyond it.
                long pageLast = page.Max(RowId);
                var rest = intervals.Where(i => i.High > pageLast).Select(i => new Interval(Math.Max(i.Low, pageLast), i.High)).ToList();
                own = rest.Any(i => i.High == long.MaxValue) ? rest.First(i => i.High == long.MaxValue) : (Interval?)null;
                // A full page does not say whether rows follow, even when the count says they are all read: rows
                // may have been added since. Only a partly filled page ends the read.
                lock (_gate) _leftovers.AddRange(rest.Where(i => i.High != long.MaxValue));
            }

            return rows;
        }

        private JArray Where(IReadOnlyList<Interval> intervals)
        {
            IEnumerable<JObject> bounds = intervals.Select(Bounds);
            JObject idCondition = intervals.Count == 1 ? Bounds(intervals[0]) : Filter.Or(bounds);
            return Filter.Of(_conditions.Append(idCondition).ToArray());
        }

        private static JObject Bounds(Interval interval) =>
            interval.High == long.MaxValue
                ? Filter.Condition("gt", "id", interval.Low)
                : Filter.And(new[] { Filter.Condition("gt", "id", interval.Low), Filter.Condition("lte", "id", interval.High) });

        private static double IdsPerRow(long firstId, long lastId, int rows) => Math.Max(1.0, (lastId - firstId) / (double)Math.Max(1, rows - 1));

        private long RowId(AutotaskRecord row) => AutotaskRow.Required<long>(row, "id", _entity);

        /// <summary>Ids after <see cref="Low"/> up to and including <see cref="High"/> (long.MaxValue: no upper end).</summary>
        private readonly struct Interval
        {
            public Interval(long low, long high)
            {
                Low = low;
                High = high;
            }

            public long Low { get; }

            public long High { get; }
        }
    }
}
