namespace PsaMapping.Sandbox.Autotask;

/// <summary>How a field's values are stored and compared: integers and ids as long, dates as UTC DateTime.</summary>
internal enum AutotaskType { Long, Integer, String, Boolean, DateTime }

internal sealed record AutotaskPicklistValue(string Value, string Label, int SortOrder, bool IsActive = true, bool IsDefaultValue = false);

/// <summary>One field of an entity, described the way entityInformation/fields answers.</summary>
internal sealed record AutotaskField(
    string Name,
    AutotaskType Type,
    bool IsRequired = false,
    bool IsReadOnly = false,
    int Length = 0,
    string? ReferenceEntityType = null,
    IReadOnlyList<AutotaskPicklistValue>? Picklist = null)
{
    public string DataType => Type switch
    {
        AutotaskType.Long => "long",
        AutotaskType.Integer => "integer",
        AutotaskType.String => "string",
        AutotaskType.Boolean => "boolean",
        _ => "datetime",
    };
}

/// <summary>A stored record: values in the order of <see cref="AutotaskTable.Fields"/>, already typed and boxed.</summary>
internal sealed class AutotaskRow(long id, object?[] values, AutotaskUdf[] udfs)
{
    public long Id { get; } = id;
    public object?[] Values { get; } = values;

    /// <summary>Only the user-defined fields that have a value.</summary>
    public AutotaskUdf[] Udfs { get; } = udfs;

    public string? Udf(string name)
    {
        foreach (var udf in Udfs)
        {
            if (string.Equals(udf.Name, name, StringComparison.OrdinalIgnoreCase)) return udf.Value;
        }
        return null;
    }
}

internal sealed record AutotaskUdf(string Name, string? Value);

/// <summary>
/// One entity's data (Companies, Contracts), read-only once built: rows ordered by id (the order every
/// query answers in, and what keyset paging relies on), plus an index by id for single-item gets.
/// </summary>
internal sealed class AutotaskTable
{
    private readonly Dictionary<string, int> _fieldIndex;
    private readonly Dictionary<long, AutotaskRow> _byId;

    private AutotaskTable(string entity, string entityName, IReadOnlyList<AutotaskField> fields, IReadOnlyList<string> udfNames,
        AutotaskRow[] rows)
    {
        Entity = entity;
        EntityName = entityName;
        Fields = fields;
        UdfNames = udfNames;
        Rows = rows;
        _fieldIndex = fields.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.OrdinalIgnoreCase);
        _byId = rows.ToDictionary(r => r.Id);
    }

    /// <summary>The URL segment: "Companies".</summary>
    public string Entity { get; }

    /// <summary>The singular entity name Autotask uses in messages and metadata: "Company".</summary>
    public string EntityName { get; }

    public IReadOnlyList<AutotaskField> Fields { get; }
    public IReadOnlyList<string> UdfNames { get; }
    public AutotaskRow[] Rows { get; }

    /// <summary>Field names are case-insensitive, as in the real API.</summary>
    public bool TryGetField(string name, out int index) => _fieldIndex.TryGetValue(name, out index);

    public bool TryGetUdf(string name, out string canonical)
    {
        canonical = UdfNames.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))!;
        return canonical is not null;
    }

    public bool TryGet(long id, out AutotaskRow row) => _byId.TryGetValue(id, out row!);

    /// <summary>Index of the first row with an id above <paramref name="afterId"/> (rows are sorted by id).</summary>
    public static int FirstAfter(IReadOnlyList<AutotaskRow> sorted, long afterId)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid].Id <= afterId) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>A row as the API returns it: every field (nulls included), or just <paramref name="include"/>.</summary>
    public Dictionary<string, object?> ToJson(AutotaskRow row, IReadOnlyList<int>? include = null, bool includeUdfs = true)
    {
        var json = new Dictionary<string, object?>(include?.Count + 1 ?? Fields.Count + 1, StringComparer.Ordinal);
        if (include is null)
        {
            for (int i = 0; i < Fields.Count; i++) json[Fields[i].Name] = row.Values[i];
        }
        else
        {
            foreach (int i in include) json[Fields[i].Name] = row.Values[i];
        }
        // Autotask leaves userDefinedFields out when a record has none.
        if (includeUdfs && row.Udfs.Length > 0) json[UserDefinedFields] = row.Udfs;
        return json;
    }

    public const string UserDefinedFields = "userDefinedFields";

    public static AutotaskTable Create<T>(string entity, string entityName, IReadOnlyList<T> records,
        IReadOnlyList<(AutotaskField Field, Func<T, object?> Get)> columns, IReadOnlyList<(string Name, Func<T, string?> Get)> udfs,
        Func<T, long> id)
    {
        var fields = columns.Select(c => c.Field).ToArray();
        var rows = new AutotaskRow[records.Count];
        for (int r = 0; r < records.Count; r++)
        {
            var record = records[r];
            var values = new object?[columns.Count];
            for (int c = 0; c < columns.Count; c++)
            {
                values[c] = Normalize(columns[c].Get(record), fields[c].Type);
            }
            var set = new List<AutotaskUdf>(udfs.Count);
            foreach (var (name, get) in udfs)
            {
                if (get(record) is { } value) set.Add(new AutotaskUdf(name, value));
            }
            rows[r] = new AutotaskRow(id(record), values, set.ToArray());
        }
        Array.Sort(rows, (a, b) => a.Id.CompareTo(b.Id));
        return new AutotaskTable(entity, entityName, fields, udfs.Select(u => u.Name).ToArray(), rows);
    }

    /// <summary>Every integer is stored as a long, so comparisons need only one numeric type.</summary>
    private static object? Normalize(object? value, AutotaskType type) => value switch
    {
        null => null,
        int i when type is AutotaskType.Integer or AutotaskType.Long => (long)i,
        DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc),
        _ => value,
    };
}

/// <summary>An entityInformation/fields entry, shaped like Autotask's.</summary>
internal sealed record FieldInfoJson(
    string Name,
    string DataType,
    int Length,
    bool IsRequired,
    bool IsReadOnly,
    bool IsQueryable,
    bool IsReference,
    string ReferenceEntityType,
    bool IsPickList,
    IReadOnlyList<PicklistValueJson>? PicklistValues,
    string PicklistParentValueField,
    bool IsSupportedWebhookField)
{
    public static FieldInfoJson From(AutotaskField f) => new(
        f.Name, f.DataType, f.Length, f.IsRequired, f.IsReadOnly, IsQueryable: true,
        IsReference: f.ReferenceEntityType is not null, f.ReferenceEntityType ?? "",
        IsPickList: f.Picklist is not null,
        f.Picklist?.Select(p => new PicklistValueJson(p.Value, p.Label, p.IsDefaultValue, p.SortOrder, "", p.IsActive, IsSystem: true)).ToArray(),
        "", IsSupportedWebhookField: false);
}

internal sealed record PicklistValueJson(
    string Value, string Label, bool IsDefaultValue, int SortOrder, string ParentValue, bool IsActive, bool IsSystem);

/// <summary>An entityInformation/userDefinedFields entry.</summary>
internal sealed record UdfInfoJson(
    string Name, string DataType, int Length, bool IsRequired, bool IsReadOnly, bool IsQueryable, bool IsPickList,
    object? PicklistValues);
