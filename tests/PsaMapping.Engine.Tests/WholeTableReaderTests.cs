using Newtonsoft.Json.Linq;
using PsaMapping.Engine.Autotask;

namespace PsaMapping.Engine.Tests
{
    /// <summary>
    /// Reading a whole table in id ranges side by side, against an in-memory table that answers keyset pages
    /// the way Autotask does (lowest ids first, at most 500 rows): every row exactly once, never more than 3
    /// pages in flight, and, whenever ids are spread evenly enough for one page to predict the next, no more
    /// pages than the rows need plus one partly filled page per range beyond the first. "The rows need" is one
    /// page per 500 rows and the last page partly filled: a table of exactly 1,000 rows costs a third, empty
    /// page, because only a page that is not full shows the end (rows may have been added since the count).
    /// </summary>
    public sealed class WholeTableReaderTests
    {
        private const int PageSize = 500;

        public static TheoryData<string, int> EvenlySpread => new()
        {
            { "contiguous", 1_001 }, { "contiguous", 1_500 }, { "contiguous", 4_321 }, { "contiguous", 13_500 },
            { "small gaps", 1_234 }, { "small gaps", 5_000 }, { "small gaps", 10_000 }, { "small gaps", 30_017 },
            { "wide even gaps", 7_777 },
        };

        [Theory]
        [MemberData(nameof(EvenlySpread))]
        public async Task Ids_spread_evenly_cost_one_partly_filled_page_per_range(string spread, int rows)
        {
            var table = new FakeTable(Ids(spread, rows, seed: rows));

            (IReadOnlyList<AutotaskRecord> read, int pages) = await table.ReadAllAsync(parallelism: 3);

            Assert.Equal(table.Ids, read.Select(Id).OrderBy(id => id));
            int ranges = Math.Max(1, Math.Min(3, (rows - PageSize + PageSize - 1) / PageSize / 2));
            Assert.InRange(pages, rows / PageSize + 1, rows / PageSize + ranges);
            Assert.InRange(table.MaxInFlight, 1, 3);
        }

        public static TheoryData<string, int> Uneven => new()
        {
            { "dense first page, sparse after", 6_000 },
            { "sparse first page, dense after", 6_000 },
            { "a jump of millions in the middle", 9_000 },
            { "clustered", 12_345 },
        };

        [Theory]
        [MemberData(nameof(Uneven))]
        public async Task Ids_spread_unevenly_still_give_every_row_once_for_at_most_a_few_extra_pages(string spread, int rows)
        {
            var table = new FakeTable(Ids(spread, rows, seed: 7));

            (IReadOnlyList<AutotaskRecord> read, int pages) = await table.ReadAllAsync(parallelism: 3);

            Assert.Equal(table.Ids, read.Select(Id).OrderBy(id => id));
            // A first page that misleads the plan can leave a bounded range empty (one empty page) or give the
            // open range most of the rows (slower, not dearer): still one partly filled page per range at most.
            Assert.InRange(pages, rows / PageSize + 1, rows / PageSize + 3);
            Assert.InRange(table.MaxInFlight, 1, 3);
        }

        [Theory]
        [InlineData(-700)]
        [InlineData(-1)]
        [InlineData(1)]
        [InlineData(2_000)]
        public async Task A_count_that_no_longer_matches_the_table_still_gives_every_row_once(int countError)
        {
            var table = new FakeTable(Ids("small gaps", 6_200, seed: 3));

            (IReadOnlyList<AutotaskRecord> read, _) = await table.ReadAllAsync(parallelism: 3, countError: countError);

            Assert.Equal(table.Ids, read.Select(Id).OrderBy(id => id));
        }

        [Fact]
        public async Task A_table_read_one_page_at_a_time_follows_the_ids_to_the_end()
        {
            var table = new FakeTable(Ids("small gaps", 2_600, seed: 4));

            (IReadOnlyList<AutotaskRecord> read, int pages) = await table.ReadAllAsync(parallelism: 1);

            Assert.Equal(table.Ids, read.Select(Id).OrderBy(id => id));
            Assert.Equal(6, pages);
            Assert.Equal(1, table.MaxInFlight);
        }

        [Fact]
        public async Task A_table_that_fills_its_last_page_exactly_shows_its_end_with_an_empty_page()
        {
            var table = new FakeTable(Ids("contiguous", 1_000, seed: 1));

            (IReadOnlyList<AutotaskRecord> read, int requests) = await table.ReadAllAsync(parallelism: 3);

            Assert.Equal(table.Ids, read.Select(Id).OrderBy(id => id));
            Assert.Equal(3, requests); // two full pages, then the empty one that shows nothing was added since the count
        }

        [Theory]
        [InlineData(2)]
        [InlineData(6)]
        [InlineData(20)]
        public async Task A_failed_request_ends_the_read_with_its_error_and_no_worker_is_left_waiting(int failAt)
        {
            var table = new FakeTable(Ids("small gaps", 12_000, seed: 6)) { FailAtRequest = failAt };

            Task read = table.ReadAllAsync(parallelism: 3);

            Assert.Same(await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(20))), read);
            Assert.Same(FakeTable.Failure, await Assert.ThrowsAsync<PsaMappingException>(() => read));
        }

        [Fact]
        public async Task Cancelling_ends_the_read_and_no_worker_is_left_waiting()
        {
            var table = new FakeTable(Ids("small gaps", 20_000, seed: 8));
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));

            Task read = table.ReadAllAsync(parallelism: 3, cancellationToken: cancel.Token);

            Assert.Same(await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(20))), read);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        }

        [Fact]
        public async Task Other_conditions_are_kept_on_every_page()
        {
            var table = new FakeTable(Ids("contiguous", 3_000, seed: 1), keep: id => id % 2 == 0);

            (IReadOnlyList<AutotaskRecord> read, int pages) = await table.ReadAllAsync(parallelism: 3);

            Assert.Equal(table.Ids.Where(id => id % 2 == 0), read.Select(Id).OrderBy(id => id));
            Assert.Equal(4, pages); // 1,500 rows: three full pages and the empty one that shows the end
        }

        private static long Id(AutotaskRecord row) => (long)row["id"]!;

        private static List<long> Ids(string spread, int count, int seed)
        {
            var random = new Random(seed);
            var ids = new List<long>(count);
            long id = 100;
            for (int i = 0; i < count; i++)
            {
                ids.Add(id);
                id += spread switch
                {
                    "contiguous" => 1,
                    "small gaps" => random.Next(8) == 0 ? 2 + random.Next(3) : 1,
                    "wide even gaps" => 10 + random.Next(5),
                    "dense first page, sparse after" => i < 600 ? 1 : 3 + random.Next(3),
                    "sparse first page, dense after" => i < 600 ? 3 + random.Next(3) : 1,
                    "a jump of millions in the middle" => i == count / 2 ? 29_000_000 : 1,
                    "clustered" => random.Next(50) == 0 ? 5_000 : 1,
                    _ => throw new ArgumentException(spread),
                };
            }

            return ids;
        }

        /// <summary>
        /// A table answering the filters the reader sends: the fixed condition (here an "even ids only" stand-in
        /// evaluated on the side), then one id interval or an "or" of intervals, as keyset pages.
        /// </summary>
        private sealed class FakeTable(List<long> ids, Func<long, bool>? keep = null)
        {
            private int _inFlight;

            public List<long> Ids { get; } = ids;

            public int MaxInFlight { get; private set; }

            /// <summary>When set, the page request with this number (the first page being 1) fails with <see cref="Failure"/>.</summary>
            public int FailAtRequest { get; init; }

            public static readonly Exception Failure = new PsaMappingException("AutotaskUnavailable", PsaErrorKind.Unavailable, "planted");

            public async Task<(IReadOnlyList<AutotaskRecord> Rows, int Pages)> ReadAllAsync(int parallelism, int countError = 0,
                CancellationToken cancellationToken = default)
            {
                var selected = Ids.Where(keep ?? (_ => true)).ToList();
                var conditions = keep == null ? Array.Empty<JObject>() : new[] { Filter.Eq("parity", "even") };
                int pages = 1; // requests, counting the first page
                var first = selected.Take(PageSize).Select(Row).ToList();
                var reader = new WholeTableReader("Companies", conditions, async filter =>
                {
                    if (Interlocked.Increment(ref pages) == FailAtRequest) throw Failure;
                    cancellationToken.ThrowIfCancellationRequested();
                    int now = Interlocked.Increment(ref _inFlight);
                    lock (this) MaxInFlight = Math.Max(MaxInFlight, now);
                    await Task.Delay(2);
                    try
                    {
                        Func<long, bool> inIntervals = Intervals((JObject)filter.Last!);
                        if (keep != null) Assert.Equal("parity", (string?)filter[0]!["field"]);
                        return selected.Where(inIntervals).Take(PageSize).Select(Row).ToList();
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _inFlight);
                    }
                });

                var rows = await reader.ReadRestAsync(first, selected.Count + countError, parallelism, cancellationToken);
                return (rows, pages);
            }

            private static AutotaskRecord Row(long id) => new([new KeyValuePair<string, object?>("id", id)]);

            private static Func<long, bool> Intervals(JObject condition)
            {
                string op = (string)condition["op"]!;
                if (op == "or")
                {
                    var parts = condition["items"]!.Select(item => Intervals((JObject)item)).ToList();
                    return id => parts.Any(part => part(id));
                }

                if (op == "and")
                {
                    var parts = condition["items"]!.Select(item => Intervals((JObject)item)).ToList();
                    return id => parts.All(part => part(id));
                }

                Assert.Equal("id", (string?)condition["field"]);
                long value = (long)condition["value"]!;
                return op switch
                {
                    "gt" => id => id > value,
                    "lte" => id => id <= value,
                    _ => throw new InvalidOperationException("Unexpected op " + op),
                };
            }
        }
    }
}
