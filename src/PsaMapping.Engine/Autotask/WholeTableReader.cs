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
    /// with keyset pages (<c>id &gt; last id seen</c>, Autotask's documented alternative to nextPageUrl),
    /// each range by one worker. Two things would waste requests or time:
    /// </para>
    /// <list type="bullet">
    /// <item>A range rarely holds a whole number of pages, and its last, partly filled page would be a request
    /// more than the table needs. So a range is read only while it surely fills pages; its rest (under a page,
    /// by the density of its last page) goes to a pool of leftovers. The open-ended top range reads leftovers
    /// together with its own rows (one "or" of id intervals fills the page), and the worker that finishes last
    /// reads what is still in the pool. The only partly filled page is then the table's last one.</item>
    /// <item>Ranges are planned from the first page's ids, which may not predict the rest (a first page of old,
    /// densely numbered rows). A worker that runs out of work takes the upper half of the range with the most
    /// left, so the ranges end together.</item>
    /// </list>
    /// </summary>
    internal sealed class WholeTableReader
    {
        private const int PageSize = AutotaskClient.MaxRecords;

        /// <summary>
        /// A range whose rest looks smaller than this many pages goes to the pool rather than risk a partly
        /// filled page: an estimate from one page's ids can be a little off. Ids left by ordinary deletions
        /// vary by a few percent from one page to the next (2.6 % for one standard deviation in the sandbox,
        /// where one id in eight is followed by a gap); a smaller margin leaves smaller leftovers, which are
        /// read one page after another at the end.
        /// </summary>
        private const double LeftoverPages = 1.04;

        /// <summary>A range is split only when it has at least this many pages left: fewer are not worth a leftover.</summary>
        private const double SplitPages = 3;

        private readonly Func<JArray, Task<IReadOnlyList<AutotaskRecord>>> _readPage;
        private readonly Func<Task<long>> _count;
        private readonly IReadOnlyList<JObject> _conditions;
        private readonly string _entity;

        // Everything below is guarded by _gate.
        private readonly object _gate = new object();
        private readonly List<Range> _ranges = new List<Range>();
        private readonly List<Range> _leftovers = new List<Range>();
        private long _rowsRead;
        private long _total;
        private int _sharesReading;
        private double _shareRowsInFlight;
        private bool _finalReading;
        private bool _failed;
        private TaskCompletionSource<bool> _changed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <param name="readPage">Reads one page (up to 500 rows, lowest ids first) of the given filter: one request.</param>
        /// <param name="count">Counts the rows the conditions select again: one request.</param>
        public WholeTableReader(string entity, IReadOnlyList<JObject> conditions, Func<JArray, Task<IReadOnlyList<AutotaskRecord>>> readPage,
            Func<Task<long>> count)
        {
            _entity = entity;
            _conditions = conditions;
            _readPage = readPage;
            _count = count;
        }

        /// <summary>
        /// The rest of the table after <paramref name="first"/> (its first page, lowest ids first), given that
        /// the count said <paramref name="total"/> rows, with up to <paramref name="parallelism"/> pages in flight.
        /// </summary>
        public async Task<IReadOnlyList<AutotaskRecord>> ReadRestAsync(IReadOnlyList<AutotaskRecord> first, long total, int parallelism,
            CancellationToken cancellationToken)
        {
            if (first.Count < PageSize) return first;

            long firstId = first.Min(RowId), lastId = first.Max(RowId);
            _rowsRead = first.Count;
            _total = total;
            long remaining = Math.Max(0, total - first.Count);
            int pagesLeft = (int)((remaining + PageSize - 1) / PageSize);
            // A range of a single page would have to be read on a guess of its size, and a wrong guess costs a
            // partly filled page: every range starts with two pages at least.
            int workers = Math.Max(1, Math.Min(parallelism, pagesLeft / 2));

            // Ids are assigned in order, so the rest of the table probably spans about as many ids per row as
            // the first page did: ranges of whole pages each, rounded up, so that the open top range, which
            // also reads the others' leftovers, has no more of its own than they have.
            double idsPerRow = IdsPerRow(firstId, lastId, first.Count);
            int pagesPerRange = (pagesLeft + workers - 1) / workers;
            long width = (long)Math.Ceiling(pagesPerRange * PageSize * idsPerRow);
            for (int i = 0; i < workers; i++)
            {
                long low = lastId + i * width;
                _ranges.Add(new Range(low, i == workers - 1 ? long.MaxValue : low + width, idsPerRow));
            }

            List<Range> start = _ranges.ToList();
            var parts = await Task.WhenAll(start.Select(range => WorkAsync(range, cancellationToken))).ConfigureAwait(false);

            // A split made while the victim's page was in flight can, if the ids were far denser than they
            // looked, have that page reach into the thief's part: keep each row once.
            var seen = new HashSet<long>();
            var rows = new List<AutotaskRecord>(first.Count + parts.Sum(p => p.Count));
            foreach (AutotaskRecord row in first.Concat(parts.SelectMany(p => p)))
                if (seen.Add(RowId(row))) rows.Add(row);
            return rows;
        }

        private async Task<List<AutotaskRecord>> WorkAsync(Range? mine, CancellationToken cancellationToken)
        {
            var rows = new List<AutotaskRecord>();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                List<Range>? intervals = null;
                bool final = false, wantRecount = false;
                double shareRows = 0;
                Task? changed = null;
                lock (_gate)
                {
                    if (_failed) return rows; // another worker's request failed: its error is the answer
                    while (intervals == null && changed == null)
                    {
                        if (mine == null)
                        {
                            mine = Split();
                            if (mine == null)
                            {
                                // No range worth splitting: read leftovers that surely fill a page, or, once every
                                // range and share is done, the last of them (the one page allowed to come back
                                // partly filled); else wait for one of those to change.
                                intervals = TakeShare();
                                if (intervals != null)
                                {
                                    shareRows = intervals.Sum(EstimatedRows);
                                    _sharesReading++;
                                    _shareRowsInFlight += shareRows;
                                }
                                else if (_ranges.Count > 0 || _sharesReading > 0 || _finalReading) changed = _changed.Task;
                                else if (_leftovers.Count == 0) return rows;
                                else
                                {
                                    intervals = TakeLeftovers();
                                    _finalReading = final = true;

                                    // A table that fills its last page exactly needs one request more to show
                                    // its end: a page that comes back empty, after this one. A second count,
                                    // beside this page, tells the same in the same round trip.
                                    wantRecount = _total - _rowsRead == PageSize;
                                }

                                break;
                            }
                        }

                        // The open range counts the pool too: leftovers fill its pages as well as its own rows do.
                        if (EstimatedRows(mine) + (mine.IsOpen ? PooledRows() : 0) < LeftoverPages * PageSize)
                        {
                            // Too little to fill a page surely: to the pool, and look for other work.
                            _ranges.Remove(mine);
                            _leftovers.Add(mine);
                            mine = null;
                            Signal();
                            continue;
                        }

                        // Every range takes the leftovers along: they fill its pages rather than need their own, and
                        // read while the other ranges are still busy, they do not pile up for the end.
                        intervals = TakeLeftovers();
                        intervals.Add(mine);
                    }
                }

                if (changed != null)
                {
                    await changed.ConfigureAwait(false);
                    continue;
                }

                IReadOnlyList<AutotaskRecord> page;
                long? recounted = null;
                Task<long>? recount = wantRecount ? _count() : null;
                try
                {
                    page = await _readPage(Where(intervals!)).ConfigureAwait(false);
                    if (recount != null) recounted = await recount.ConfigureAwait(false);
                }
                catch
                {
                    _ = recount?.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                    lock (_gate)
                    {
                        _failed = true;
                        Signal();
                    }

                    throw;
                }

                rows.AddRange(page);
                lock (_gate)
                {
                    _rowsRead += page.Count;
                    if (recounted == _total && _rowsRead == _total && page.Count == PageSize)
                    {
                        // Every row the count knows of is read, and the count has not changed: that was the end.
                        _finalReading = false;
                        _leftovers.Clear();
                        Signal();
                        return rows;
                    }

                    if (recounted > _total) _total = recounted.Value; // rows were added meanwhile: read on

                    if (shareRows > 0)
                    {
                        _sharesReading--;
                        _shareRowsInFlight -= shareRows;
                    }
                    if (final) _finalReading = false;
                    Signal();
                    if (page.Count < PageSize)
                    {
                        // Everything these intervals hold has been read.
                        if (mine != null) _ranges.Remove(mine);
                        mine = null;
                        continue;
                    }

                    // Rows come lowest id first, so every row up to the page's last id is read: what is beyond it
                    // stays to be read.
                    long last = page.Max(RowId);
                    foreach (Range interval in intervals!)
                    {
                        if (interval == mine) continue;
                        if (interval.High > last) _leftovers.Add(new Range(Math.Max(interval.Low, last), interval.High, interval.IdsPerRow));
                    }

                    if (mine != null)
                    {
                        if (last >= mine.High)
                        {
                            _ranges.Remove(mine);
                            mine = null;
                        }
                        else
                        {
                            // The page's own ids say how dense the range is now, better than the first page did.
                            var own = page.Select(RowId).Where(id => id > mine.Low && id <= mine.High).ToList();
                            if (own.Count > PageSize / 2)
                            {
                                mine.IdsPerRow = IdsPerRow(own.Min(), own.Max(), own.Count);
                                mine.Measured = true;
                            }

                            mine.Low = Math.Max(mine.Low, last);
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Bounded leftovers, lowest first, that together surely fill a page; null when the pool does not hold
        /// that much. Several workers can each read a share at once.
        /// </summary>
        private List<Range>? TakeShare()
        {
            var share = new List<Range>();
            double rows = 0;
            foreach (Range leftover in _leftovers.Where(r => !r.IsOpen).OrderBy(r => r.Low))
            {
                share.Add(leftover);
                rows += EstimatedRows(leftover);
                if (rows >= LeftoverPages * PageSize) break;
            }

            if (rows < LeftoverPages * PageSize) return null;
            foreach (Range taken in share) _leftovers.Remove(taken);
            return share;
        }

        /// <summary>Wakes the idle workers: the ranges or the pool changed.</summary>
        private void Signal()
        {
            TaskCompletionSource<bool> previous = _changed;
            _changed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            previous.TrySetResult(true);
        }

        /// <summary>
        /// The upper part of the range with the most left, for a worker that has none; null when no range has
        /// enough left to be worth it. The victim keeps at least the page it is reading and the next. Only a
        /// range that has read a page of its own is split: the first page's density may be far off, and a
        /// split made on it could cut off an empty part, costing a request that returns nothing.
        /// </summary>
        private Range? Split()
        {
            Range? victim = _ranges.Where(r => r.Measured).OrderByDescending(EstimatedRows).FirstOrDefault();
            if (victim == null) return null;
            double pages = EstimatedRows(victim) / PageSize;
            if (pages < SplitPages) return null;

            double keep = Math.Max(2, Math.Ceiling(pages / 2));
            long at = victim.Low + (long)Math.Ceiling(keep * PageSize * victim.IdsPerRow);
            if (at >= victim.High) return null;
            var taken = new Range(at, victim.High, victim.IdsPerRow) { Measured = true };
            victim.High = at;
            _ranges.Add(taken);
            return taken;
        }

        /// <summary>
        /// Rows a range still holds: a bounded one by its width and density, the open one by the count less
        /// everything read or expected elsewhere.
        /// </summary>
        private double EstimatedRows(Range range)
        {
            if (!range.IsOpen) return (range.High - range.Low) / range.IdsPerRow;
            double elsewhere = _ranges.Concat(_leftovers).Where(r => !r.IsOpen).Sum(EstimatedRows) + _shareRowsInFlight;
            return Math.Max(0, _total - _rowsRead - elsewhere);
        }

        private double PooledRows() => _leftovers.Where(r => !r.IsOpen).Sum(EstimatedRows);

        private List<Range> TakeLeftovers()
        {
            var taken = _leftovers.OrderBy(r => r.Low).ToList();
            _leftovers.Clear();
            return taken;
        }

        private JArray Where(IReadOnlyList<Range> intervals)
        {
            JObject idCondition = intervals.Count == 1 ? Bounds(intervals[0]) : Filter.Or(intervals.Select(Bounds));
            return Filter.Of(_conditions.Append(idCondition).ToArray());
        }

        private static JObject Bounds(Range range) =>
            range.IsOpen
                ? Filter.Condition("gt", "id", range.Low)
                : Filter.And(new[] { Filter.Condition("gt", "id", range.Low), Filter.Condition("lte", "id", range.High) });

        private static double IdsPerRow(long firstId, long lastId, int rows) => Math.Max(1.0, (lastId - firstId) / (double)Math.Max(1, rows - 1));

        private long RowId(AutotaskRecord row) => AutotaskRow.Required<long>(row, "id", _entity);

        /// <summary>Ids after <see cref="Low"/> up to and including <see cref="High"/> (long.MaxValue: no upper end).</summary>
        private sealed class Range
        {
            public Range(long low, long high, double idsPerRow)
            {
                Low = low;
                High = high;
                IdsPerRow = idsPerRow;
            }

            public long Low { get; set; }

            public long High { get; set; }

            public double IdsPerRow { get; set; }

            /// <summary>Whether <see cref="IdsPerRow"/> comes from this range's own rows rather than the first page.</summary>
            public bool Measured { get; set; }

            public bool IsOpen => High == long.MaxValue;
        }
    }
}
