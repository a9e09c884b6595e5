using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace PsaMapping.Engine.Autotask
{
    /// <summary>
    /// Reads every row a filter selects, several pages at a time. Pages of one query come one after another,
    /// so the ids above the first page are cut into ranges, one per request Autotask lets us have in flight,
    /// and each range is read on its own with keyset pages (<c>id &gt; last id seen</c>, Autotask's documented
    /// alternative to nextPageUrl) until a page comes back less than full.
    /// <para>
    /// The ranges are planned from the first page: its ids say how many ids a row spans, the count says how
    /// many rows are left, and every range gets about the same number of pages. The top range has no upper
    /// end, so rows beyond the estimate, or added since the count, are still read. Each bounded range is
    /// sized to end in the middle of a page, so that a small error in the estimate does not cost it an
    /// empty page. The price of reading side by side: each range's last page is partly filled, a request or
    /// two more than reading page after page, in about a third of the time.
    /// </para>
    /// </summary>
    internal sealed class WholeTableReader
    {
        private const int PageSize = AutotaskClient.MaxRecords;

        private readonly Func<JArray, Task<IReadOnlyList<AutotaskRecord>>> _readPage;
        private readonly IReadOnlyList<JObject> _conditions;
        private readonly string _entity;

        /// <param name="readPage">Reads one page (up to 500 rows, lowest ids first) of the given filter: one request.</param>
        public WholeTableReader(string entity, IReadOnlyList<JObject> conditions, Func<JArray, Task<IReadOnlyList<AutotaskRecord>>> readPage)
        {
            _entity = entity;
            _conditions = conditions;
            _readPage = readPage;
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
            double idsPerRow = Math.Max(1.0, (lastId - firstId) / (double)(first.Count - 1));
            long rowsLeft = Math.Max(0, total - first.Count);
            int pagesLeft = (int)((rowsLeft + PageSize - 1) / PageSize);
            // A range of one page would end with a page that is less than full anyway: two pages at least each.
            int ranges = Math.Max(1, Math.Min(parallelism, pagesLeft / 2));
            int pagesPerRange = (pagesLeft + ranges - 1) / ranges;
            long width = (long)Math.Ceiling((pagesPerRange - 0.5) * PageSize * idsPerRow);

            // When one range fails, the others stop after the page they are reading: its error is the answer.
            using (var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var reads = new List<Task<List<AutotaskRecord>>>();
                for (int i = 0; i < ranges; i++)
                {
                    long low = lastId + i * width;
                    long high = i == ranges - 1 ? long.MaxValue : low + width;
                    reads.Add(ReadRangeAsync(low, high, failed));
                }

                List<AutotaskRecord>[] parts = await Task.WhenAll(reads).ConfigureAwait(false);
                var rows = new List<AutotaskRecord>(first.Count + parts.Sum(p => p.Count));
                rows.AddRange(first);
                foreach (List<AutotaskRecord> part in parts) rows.AddRange(part);
                return rows;
            }
        }

        /// <summary>Every row with an id after <paramref name="low"/> up to and including <paramref name="high"/>, page after page.</summary>
        private async Task<List<AutotaskRecord>> ReadRangeAsync(long low, long high, CancellationTokenSource failed)
        {
            var rows = new List<AutotaskRecord>();
            try
            {
                while (true)
                {
                    failed.Token.ThrowIfCancellationRequested();
                    IReadOnlyList<AutotaskRecord> page = await _readPage(Where(low, high)).ConfigureAwait(false);
                    rows.AddRange(page);
                    if (page.Count < PageSize) return rows;
                    low = page.Max(RowId); // rows come lowest id first: everything up to this one is read
                }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                failed.Cancel();
                throw;
            }
        }

        private JArray Where(long low, long high)
        {
            JObject range = high == long.MaxValue
                ? Filter.Condition("gt", "id", low)
                : Filter.And(new[] { Filter.Condition("gt", "id", low), Filter.Condition("lte", "id", high) });
            return Filter.Of(_conditions.Append(range).ToArray());
        }

        private long RowId(AutotaskRecord row) => AutotaskRow.Required<long>(row, "id", _entity);
    }
}
