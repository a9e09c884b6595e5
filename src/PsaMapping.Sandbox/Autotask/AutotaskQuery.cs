using System.Globalization;
using System.Text.Json;

namespace PsaMapping.Sandbox.Autotask
{
    /// <summary>A request Autotask refuses; it answers these with HTTP 500 and {"errors":[message]}.</summary>
    internal sealed class AutotaskQueryException(string message) : Exception(message);

    /// <summary>
    /// A parsed query body: {"MaxRecords":N,"IncludeFields":[...],"filter":[...]}. Property names, field
    /// names and operators are case-insensitive; every mistake is an <see cref="AutotaskQueryException"/>.
    /// </summary>
    internal sealed class AutotaskQuery
    {
        public const int MaxPageSize = 500;

        private readonly AutotaskTable _table;

        private AutotaskQuery(AutotaskTable table, int maxRecords, IReadOnlyList<int>? includeFields, bool includeUdfs, bool includesId,
            Func<AutotaskRow, bool> filter, IdRange ids)
        {
            _table = table;
            MaxRecords = maxRecords;
            IncludeFields = includeFields;
            IncludeUdfs = includeUdfs;
            IncludesId = includesId;
            Filter = filter;
            Ids = ids;
        }

        public int MaxRecords { get; }

        /// <summary>Indexes of the fields to return, or null for all of them.</summary>
        public IReadOnlyList<int>? IncludeFields { get; }

        public bool IncludeUdfs { get; }

        /// <summary>Whether the response will carry ids (needed when the result spans pages).</summary>
        public bool IncludesId { get; }

        public Func<AutotaskRow, bool> Filter { get; }

        /// <summary>
        /// Ids outside this interval can never match <see cref="Filter"/>, so only the rows inside it (a slice of the
        /// id-sorted table) need testing. It is <see cref="IdRange.All"/> when the filter does not bound the id.
        /// </summary>
        public IdRange Ids { get; }

        public static AutotaskQuery Parse(string? text, AutotaskTable table)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new AutotaskQueryException("The query is missing. Send the query as a JSON body or in the search parameter.");
            }
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException)
            {
                throw new AutotaskQueryException("The query could not be read: it is not valid JSON.");
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new AutotaskQueryException("The query must be a JSON object.");
                }

                JsonElement? filter = null, maxRecords = null, includeFields = null;
                foreach (var property in root.EnumerateObject())
                {
                    if (Is(property.Name, "filter")) filter = property.Value;
                    else if (Is(property.Name, "MaxRecords")) maxRecords = property.Value;
                    else if (Is(property.Name, "IncludeFields")) includeFields = property.Value;
                }

                int max = ReadMaxRecords(maxRecords);
                var (include, includeUdfs, includesId) = ReadIncludeFields(includeFields, table);
                if (filter is not { ValueKind: JsonValueKind.Array } items)
                {
                    throw new AutotaskQueryException("A filter is required: send \"filter\" as an array of conditions.");
                }
                var compiler = new FilterCompiler(table);
                // An empty filter matches nothing rather than everything: Autotask never returns a whole table by accident.
                var compiled = items.GetArrayLength() == 0 ? new Compiled(_ => false, IdRange.None) : compiler.All(items);
                return new AutotaskQuery(table, max, include, includeUdfs, includesId, compiled.Test, compiled.Ids);
            }
        }

        /// <summary>How many rows match, testing only the rows inside <see cref="Ids"/>.</summary>
        public int Count()
        {
            var (start, end) = Candidates();
            int count = 0;
            for (int i = start; i < end; i++)
            {
                if (Filter(_table.Rows[i])) count++;
            }
            return count;
        }

        /// <summary>Whether more than <paramref name="limit"/> rows match; stops at the first one past it.</summary>
        public bool MatchesMoreThan(int limit)
        {
            var (start, end) = Candidates();
            int count = 0;
            for (int i = start; i < end; i++)
            {
                if (Filter(_table.Rows[i]) && ++count > limit) return true;
            }
            return false;
        }

        /// <summary>
        /// The page of matches that follows <paramref name="after"/> (keyset paging by id; null: from the first match),
        /// in id order, at most <see cref="MaxRecords"/> of them. The links around it need only a little more: the
        /// first match past the page (is there a next page?) and up to MaxRecords + 1 matches before it (where does
        /// the previous page start?), so the scan stops there instead of testing every row.
        /// </summary>
        public AutotaskPage Page(long? after)
        {
            var rows = _table.Rows;
            var (start, end) = Candidates();
            int from = after is long afterId ? Math.Max(start, _table.FirstAfter(afterId)) : start;

            var items = new List<AutotaskRow>(Math.Clamp(end - from, 0, MaxRecords));
            int i = from;
            for (; i < end && items.Count < MaxRecords; i++)
            {
                if (Filter(rows[i])) items.Add(rows[i]);
            }
            long? nextAfter = null;
            for (; i < end; i++)
            {
                if (Filter(rows[i]))
                {
                    nextAfter = items[^1].Id; // a full page with more to come: the next page follows its last row
                    break;
                }
            }

            // The previous page is the MaxRecords matches before this one; its link resumes after the match before
            // those, or from the start when there are not that many.
            int before = 0;
            long? previousAfter = null;
            for (int j = Math.Min(from, end) - 1; j >= start; j--)
            {
                if (Filter(rows[j]) && ++before > MaxRecords)
                {
                    previousAfter = rows[j].Id;
                    break;
                }
            }
            return new AutotaskPage(items, nextAfter, HasPrevious: before > 0, previousAfter);
        }

        /// <summary>The slice of the id-sorted rows that can match: those whose ids lie inside <see cref="Ids"/>.</summary>
        private (int Start, int End) Candidates() =>
            Ids.IsEmpty ? (0, 0) : (_table.FirstAtLeast(Ids.Low), _table.FirstAfter(Ids.High));

        private static int ReadMaxRecords(JsonElement? value)
        {
            if (value is null || value.Value.ValueKind == JsonValueKind.Null) return MaxPageSize;
            if (value.Value.ValueKind == JsonValueKind.Number && value.Value.TryGetInt32(out int n) && n is >= 1 and <= MaxPageSize)
            {
                return n;
            }
            throw new AutotaskQueryException($"MaxRecords must be a whole number between 1 and {MaxPageSize}.");
        }

        private static (IReadOnlyList<int>? Fields, bool Udfs, bool Id) ReadIncludeFields(JsonElement? value, AutotaskTable table)
        {
            if (value is null || value.Value.ValueKind == JsonValueKind.Null) return (null, true, true);
            if (value.Value.ValueKind != JsonValueKind.Array)
            {
                throw new AutotaskQueryException("IncludeFields must be an array of field names.");
            }
            if (value.Value.GetArrayLength() == 0) return (null, true, true);

            var fields = new List<int>();
            bool udfs = false;
            foreach (var item in value.Value.EnumerateArray())
            {
                string? name = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                if (name is not null && Is(name, AutotaskTable.UserDefinedFields))
                {
                    udfs = true;
                }
                else if (name is not null && table.TryGetField(name, out int index))
                {
                    if (!fields.Contains(index)) fields.Add(index);
                }
                else
                {
                    throw new AutotaskQueryException($"IncludeFields: '{item}' is not a field of the {table.EntityName} entity.");
                }
            }
            table.TryGetField("id", out int id);
            return (fields, udfs, fields.Contains(id));
        }

        private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

        /// <summary>A compiled part of a filter: its test, and an id interval that holds every row passing the test.</summary>
        private readonly record struct Compiled(Func<AutotaskRow, bool> Test, IdRange Ids);

        /// <summary>
        /// Turns the filter JSON into a predicate once, so each row costs only the comparisons. Alongside, it works out
        /// the id interval the filter confines matches to, which lets queries skip the rows outside it.
        /// </summary>
        private sealed class FilterCompiler(AutotaskTable table)
        {
            private int _udfConditions;

            /// <summary>The top-level array, and every "items" array, is an implicit AND.</summary>
            public Compiled All(JsonElement items) => And(items.EnumerateArray().Select(Item).ToArray());

            /// <summary>Every part must hold, so a match lies inside every part's interval: their intersection.</summary>
            private static Compiled And(Compiled[] parts)
            {
                var ids = IdRange.All;
                foreach (var part in parts) ids = ids.Intersect(part.Ids);
                if (parts.Length == 1) return new Compiled(parts[0].Test, ids);
                var tests = parts.Select(p => p.Test).ToArray();
                return new Compiled(row =>
                {
                    // A plain loop rather than LINQ's All: this runs for every candidate row.
                    foreach (var test in tests)
                    {
                        if (!test(row)) return false;
                    }
                    return true;
                }, ids);
            }

            /// <summary>Any part may hold, so a match lies inside the smallest interval covering every part's.</summary>
            private static Compiled Or(Compiled[] parts)
            {
                var ids = IdRange.None;
                foreach (var part in parts) ids = ids.Cover(part.Ids);
                var tests = parts.Select(p => p.Test).ToArray();
                return new Compiled(row =>
                {
                    foreach (var test in tests)
                    {
                        if (test(row)) return true;
                    }
                    return false;
                }, ids);
            }

            private Compiled Item(JsonElement item)
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw new AutotaskQueryException("Each filter condition must be a JSON object with op, field and value.");
                }
                JsonElement? op = null, field = null, value = null, items = null, udf = null;
                foreach (var property in item.EnumerateObject())
                {
                    if (Is(property.Name, "op")) op = property.Value;
                    else if (Is(property.Name, "field")) field = property.Value;
                    else if (Is(property.Name, "value")) value = property.Value;
                    else if (Is(property.Name, "items")) items = property.Value;
                    else if (Is(property.Name, "udf")) udf = property.Value;
                }
                string opName = op is { ValueKind: JsonValueKind.String } ? op.Value.GetString()! : "";

                if (Is(opName, "and") || Is(opName, "or"))
                {
                    if (items is not { ValueKind: JsonValueKind.Array } children)
                    {
                        throw new AutotaskQueryException($"The '{opName}' grouping needs an items array.");
                    }
                    var parts = children.EnumerateArray().Select(Item).ToArray();
                    if (parts.Length == 0) return new Compiled(_ => false, IdRange.None);
                    return Is(opName, "and") ? And(parts) : Or(parts);
                }

                if (field is not { ValueKind: JsonValueKind.String } || string.IsNullOrEmpty(field.Value.GetString()))
                {
                    throw new AutotaskQueryException($"The filter condition '{opName}' needs a field.");
                }
                string fieldName = field.Value.GetString()!;
                bool isUdf = udf is { ValueKind: JsonValueKind.True };

                Func<AutotaskRow, object?> get;
                AutotaskType type;
                bool isId = false;
                if (isUdf)
                {
                    if (++_udfConditions > 1)
                    {
                        throw new AutotaskQueryException("Only one user-defined field may be used in a query.");
                    }
                    if (!table.TryGetUdf(fieldName, out string udfName))
                    {
                        throw new AutotaskQueryException($"'{fieldName}' is not a user-defined field of the {table.EntityName} entity.");
                    }
                    get = row => row.Udf(udfName);
                    type = AutotaskType.String;
                }
                else
                {
                    if (!table.TryGetField(fieldName, out int index))
                    {
                        throw new AutotaskQueryException($"'{fieldName}' is not a field of the {table.EntityName} entity.");
                    }
                    get = row => row.Values[index];
                    type = table.Fields[index].Type;
                    isId = table.TryGetField("id", out int idIndex) && index == idIndex;
                }

                var test = Condition(opName, fieldName, type, get, value);
                return new Compiled(test, isId ? IdBounds(opName, value) : IdRange.All);
            }

            /// <summary>
            /// The ids a valid condition on the id field can match (ids are stored as longs and compared as numbers).
            /// Only the comparisons with a plain JSON integer narrow it; anything else (text, noteq, in, exist...) keeps
            /// every id, which costs a longer scan but never a wrong answer.
            /// </summary>
            private static IdRange IdBounds(string op, JsonElement? value)
            {
                if (value is not { ValueKind: JsonValueKind.Number } number || !number.TryGetInt64(out long n)) return IdRange.All;
                return op.ToLowerInvariant() switch
                {
                    "eq" => new IdRange(n, n),
                    "gt" => n == long.MaxValue ? IdRange.None : new IdRange(n + 1, long.MaxValue),
                    "gte" => new IdRange(n, long.MaxValue),
                    "lt" => n == long.MinValue ? IdRange.None : new IdRange(long.MinValue, n - 1),
                    "lte" => new IdRange(long.MinValue, n),
                    _ => IdRange.All,
                };
            }

            private static Func<AutotaskRow, bool> Condition(string op, string field, AutotaskType type,
                Func<AutotaskRow, object?> get, JsonElement? value)
            {
                switch (op.ToLowerInvariant())
                {
                    case "exist":
                        return row => get(row) is { } v && v is not "";
                    case "notexist":
                        return row => get(row) is null or "";
                    case "in":
                    case "notin":
                    {
                        if (value is not { ValueKind: JsonValueKind.Array } list)
                        {
                            throw new AutotaskQueryException($"The '{op}' condition on '{field}' needs an array value.");
                        }
                        var set = new HashSet<object>(list.EnumerateArray().Select(v => Convert(v, type, field)), ValueComparer.Instance);
                        bool wanted = op.Equals("in", StringComparison.OrdinalIgnoreCase);
                        // Like SQL: a missing value is neither in nor not in any list.
                        return row => get(row) is { } v && set.Contains(v) == wanted;
                    }
                    case "eq" or "noteq" or "gt" or "gte" or "lt" or "lte":
                    {
                        object expected = Convert(Required(value, op, field), type, field);
                        if (type == AutotaskType.Boolean && op.ToLowerInvariant() is not ("eq" or "noteq"))
                        {
                            throw new AutotaskQueryException($"'{op}' cannot be used on the boolean field '{field}'.");
                        }
                        Func<int, bool> test = op.ToLowerInvariant() switch
                        {
                            "eq" => c => c == 0,
                            "noteq" => c => c != 0,
                            "gt" => c => c > 0,
                            "gte" => c => c >= 0,
                            "lt" => c => c < 0,
                            _ => c => c <= 0,
                        };
                        return row => get(row) is { } v && test(Compare(v, expected));
                    }
                    case "beginswith" or "endswith" or "contains":
                    {
                        if (type != AutotaskType.String)
                        {
                            throw new AutotaskQueryException($"'{op}' can only be used on text fields; '{field}' is not one.");
                        }
                        string expected = (string)Convert(Required(value, op, field), type, field);
                        Func<string, bool> test = op.ToLowerInvariant() switch
                        {
                            "beginswith" => s => s.StartsWith(expected, StringComparison.OrdinalIgnoreCase),
                            "endswith" => s => s.EndsWith(expected, StringComparison.OrdinalIgnoreCase),
                            _ => s => s.Contains(expected, StringComparison.OrdinalIgnoreCase),
                        };
                        return row => get(row) is string s && test(s);
                    }
                    default:
                        throw new AutotaskQueryException($"'{op}' is not a valid filter operation.");
                }
            }

            private static JsonElement Required(JsonElement? value, string op, string field) =>
                value is { ValueKind: not JsonValueKind.Null } v
                    ? v
                    : throw new AutotaskQueryException($"The '{op}' condition on '{field}' needs a value.");

            /// <summary>A filter value as the field's type: numbers (or numeric text), literal booleans, dates as text.</summary>
            private static object Convert(JsonElement value, AutotaskType type, string field)
            {
                switch (type)
                {
                    case AutotaskType.Long or AutotaskType.Integer:
                        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n)) return n;
                        if (value.ValueKind == JsonValueKind.String
                            && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)) return n;
                        break;
                    case AutotaskType.Decimal:
                        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out decimal m)) return m;
                        if (value.ValueKind == JsonValueKind.String
                            && decimal.TryParse(value.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out m)) return m;
                        break;
                    case AutotaskType.Boolean:
                        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
                        break;
                    case AutotaskType.DateTime:
                        if (value.ValueKind == JsonValueKind.String && DateTime.TryParse(value.GetString(), CultureInfo.InvariantCulture,
                                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date))
                        {
                            return DateTime.SpecifyKind(date, DateTimeKind.Utc);
                        }
                        break;
                    default:
                        if (value.ValueKind == JsonValueKind.String) return value.GetString()!;
                        if (value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False) return value.GetRawText();
                        break;
                }
                throw new AutotaskQueryException($"'{value.GetRawText()}' is not a valid value for the {type.ToString().ToLowerInvariant()} field '{field}'.");
            }

            private static int Compare(object actual, object expected) => actual switch
            {
                string s => string.Compare(s, (string)expected, StringComparison.OrdinalIgnoreCase),
                long l => l.CompareTo((long)expected),
                decimal m => m.CompareTo((decimal)expected),
                bool b => b.CompareTo((bool)expected),
                DateTime d => d.CompareTo((DateTime)expected),
                _ => throw new InvalidOperationException($"Unexpected stored value {actual.GetType()}."),
            };
        }

        /// <summary>Text compares case-insensitively, everything else by value.</summary>
        private sealed class ValueComparer : IEqualityComparer<object>
        {
            public static readonly ValueComparer Instance = new();

            public new bool Equals(object? x, object? y) =>
                x is string a && y is string b ? string.Equals(a, b, StringComparison.OrdinalIgnoreCase) : object.Equals(x, y);

            public int GetHashCode(object obj) =>
                obj is string s ? StringComparer.OrdinalIgnoreCase.GetHashCode(s) : obj.GetHashCode();
        }
    }

    /// <summary>
    /// One page of a query's matches, and where its links lead: <paramref name="NextAfter"/> is the id the next page
    /// resumes after (null: no next page); the previous page, if any, resumes after <paramref name="PreviousAfter"/>
    /// (null: from the first match).
    /// </summary>
    internal sealed record AutotaskPage(IReadOnlyList<AutotaskRow> Items, long? NextAfter, bool HasPrevious, long? PreviousAfter);

    /// <summary>An inclusive interval of ids; empty when <see cref="Low"/> is above <see cref="High"/>.</summary>
    internal readonly record struct IdRange(long Low, long High)
    {
        public static readonly IdRange All = new(long.MinValue, long.MaxValue);

        public static readonly IdRange None = new(long.MaxValue, long.MinValue);

        public bool IsEmpty => Low > High;

        public IdRange Intersect(IdRange other) => new(Math.Max(Low, other.Low), Math.Min(High, other.High));

        /// <summary>The smallest interval holding both (the ids between two intervals included).</summary>
        public IdRange Cover(IdRange other) =>
            IsEmpty ? other : other.IsEmpty ? this : new(Math.Min(Low, other.Low), Math.Max(High, other.High));
    }
}
