using System.Globalization;
using System.Text.Json;

namespace PsaMapping.Sandbox.Autotask;

/// <summary>A request Autotask refuses; it answers these with HTTP 500 and {"errors":[message]}.</summary>
internal sealed class AutotaskQueryException(string message) : Exception(message);

/// <summary>
/// A parsed query body: {"MaxRecords":N,"IncludeFields":[...],"filter":[...]}. Property names, field
/// names and operators are case-insensitive; every mistake is an <see cref="AutotaskQueryException"/>.
/// </summary>
internal sealed class AutotaskQuery
{
    public const int MaxPageSize = 500;

    private AutotaskQuery(int maxRecords, IReadOnlyList<int>? includeFields, bool includeUdfs, bool includesId,
        Func<AutotaskRow, bool> filter)
    {
        MaxRecords = maxRecords;
        IncludeFields = includeFields;
        IncludeUdfs = includeUdfs;
        IncludesId = includesId;
        Filter = filter;
    }

    public int MaxRecords { get; }

    /// <summary>Indexes of the fields to return, or null for all of them.</summary>
    public IReadOnlyList<int>? IncludeFields { get; }

    public bool IncludeUdfs { get; }

    /// <summary>Whether the response will carry ids (needed when the result spans pages).</summary>
    public bool IncludesId { get; }

    public Func<AutotaskRow, bool> Filter { get; }

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
            var predicate = items.GetArrayLength() == 0 ? (_ => false) : compiler.All(items);
            return new AutotaskQuery(max, include, includeUdfs, includesId, predicate);
        }
    }

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

    /// <summary>Turns the filter JSON into a predicate once, so each row costs only the comparisons.</summary>
    private sealed class FilterCompiler(AutotaskTable table)
    {
        private int _udfConditions;

        /// <summary>The top-level array, and every "items" array, is an implicit AND.</summary>
        public Func<AutotaskRow, bool> All(JsonElement items)
        {
            var parts = items.EnumerateArray().Select(Item).ToArray();
            return parts.Length == 1 ? parts[0] : row => parts.All(p => p(row));
        }

        private Func<AutotaskRow, bool> Item(JsonElement item)
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
                if (parts.Length == 0) return _ => false;
                return Is(opName, "and") ? row => parts.All(p => p(row)) : row => parts.Any(p => p(row));
            }

            if (field is not { ValueKind: JsonValueKind.String } || string.IsNullOrEmpty(field.Value.GetString()))
            {
                throw new AutotaskQueryException($"The filter condition '{opName}' needs a field.");
            }
            string fieldName = field.Value.GetString()!;
            bool isUdf = udf is { ValueKind: JsonValueKind.True };

            Func<AutotaskRow, object?> get;
            AutotaskType type;
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
            }

            return Condition(opName, fieldName, type, get, value);
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
