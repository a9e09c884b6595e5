using System.Text.Json;
using System.Text.Json.Serialization;

namespace PsaMapping.Sandbox.Autotask
{
    /// <summary>How a field's values are stored and compared: integers and ids as long, dates as UTC DateTime.</summary>
    internal enum AutotaskType { Long, Integer, String, Boolean, DateTime, Decimal }

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
            AutotaskType.Decimal => "double",
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
        private readonly Lazy<Dictionary<long, AutotaskRow>> _byId;

        private AutotaskTable(string entity, string entityName, IReadOnlyList<AutotaskField> fields, IReadOnlyList<string> udfNames,
            AutotaskRow[] rows)
        {
            Entity = entity;
            EntityName = entityName;
            Fields = fields;
            UdfNames = udfNames;
            Rows = rows;
            _fieldIndex = fields.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.OrdinalIgnoreCase);
            JsonNames = fields.Select(f => JsonEncodedText.Encode(f.Name)).ToArray();
            // Built on the first single-item get: a table that changes (usage billing) is replaced on every write.
            _byId = new Lazy<Dictionary<long, AutotaskRow>>(() => rows.ToDictionary(r => r.Id));
        }

        /// <summary>The URL segment: "Companies".</summary>
        public string Entity { get; }

        /// <summary>The singular entity name Autotask uses in messages and metadata: "Company".</summary>
        public string EntityName { get; }

        public IReadOnlyList<AutotaskField> Fields { get; }

        /// <summary>
        /// The field names, JSON-encoded once rather than for every row written. They are plain ASCII identifiers,
        /// which every encoder leaves as they are, so these bytes are what the serializer would write itself.
        /// </summary>
        public IReadOnlyList<JsonEncodedText> JsonNames { get; }

        public IReadOnlyList<string> UdfNames { get; }
        public AutotaskRow[] Rows { get; }

        /// <summary>Field names are case-insensitive, as in the real API.</summary>
        public bool TryGetField(string name, out int index) => _fieldIndex.TryGetValue(name, out index);

        public bool TryGetUdf(string name, out string canonical)
        {
            canonical = UdfNames.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))!;
            return canonical is not null;
        }

        public bool TryGet(long id, out AutotaskRow row) => _byId.Value.TryGetValue(id, out row!);

        /// <summary>
        /// A copy with <paramref name="replaced"/> rows swapped in for the rows of the same ids and <paramref name="added"/>
        /// rows (ids above every existing one) at the end: a write costs a copy of the row references, not a rebuild.
        /// </summary>
        public AutotaskTable With(IEnumerable<AutotaskRow> replaced, IReadOnlyList<AutotaskRow> added)
        {
            var rows = new AutotaskRow[Rows.Length + added.Count];
            Array.Copy(Rows, rows, Rows.Length);
            foreach (var row in replaced)
            {
                int index = FirstAtLeast(row.Id);
                if (index >= Rows.Length || Rows[index].Id != row.Id) throw new InvalidOperationException($"No {EntityName} row {row.Id} to replace.");
                rows[index] = row;
            }
            long last = Rows.Length == 0 ? long.MinValue : Rows[^1].Id;
            for (int i = 0; i < added.Count; i++)
            {
                if (added[i].Id <= last) throw new InvalidOperationException($"Added {EntityName} rows must have new, increasing ids.");
                last = added[i].Id;
                rows[Rows.Length + i] = added[i];
            }
            return new AutotaskTable(Entity, EntityName, Fields, UdfNames, rows);
        }

        /// <summary>Index in <see cref="Rows"/> of the first row with an id above <paramref name="afterId"/> (rows are sorted by id).</summary>
        public int FirstAfter(long afterId) => afterId == long.MaxValue ? Rows.Length : FirstAtLeast(afterId + 1);

        /// <summary>Index in <see cref="Rows"/> of the first row with an id of at least <paramref name="id"/>.</summary>
        public int FirstAtLeast(long id)
        {
            int lo = 0, hi = Rows.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (Rows[mid].Id < id) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }

        /// <summary>A row as the API returns it: every field (nulls included), or just <paramref name="include"/>.</summary>
        public AutotaskRowJson ToJson(AutotaskRow row, IReadOnlyList<int>? include = null, bool includeUdfs = true) =>
            new(this, row, include, includeUdfs);

        public const string UserDefinedFields = "userDefinedFields";

        public static AutotaskTable Create<T>(string entity, string entityName, IReadOnlyList<T> records,
            IReadOnlyList<(AutotaskField Field, Func<T, object?> Get)> columns, IReadOnlyList<(string Name, Func<T, string?> Get)> udfs,
            Func<T, long> id)
        {
            var fields = columns.Select(c => c.Field).ToArray();
            var rows = new AutotaskRow[records.Count];
            for (int r = 0; r < records.Count; r++)
            {
                rows[r] = ToRow(records[r], columns, udfs, id);
            }
            Array.Sort(rows, (a, b) => a.Id.CompareTo(b.Id));
            return new AutotaskTable(entity, entityName, fields, udfs.Select(u => u.Name).ToArray(), rows);
        }

        /// <summary>One record as a stored row, its values typed as <see cref="Create"/> stores them.</summary>
        public static AutotaskRow ToRow<T>(T record, IReadOnlyList<(AutotaskField Field, Func<T, object?> Get)> columns,
            IReadOnlyList<(string Name, Func<T, string?> Get)> udfs, Func<T, long> id)
        {
            var values = new object?[columns.Count];
            for (int c = 0; c < columns.Count; c++)
            {
                values[c] = Normalize(columns[c].Get(record), columns[c].Field.Type);
            }
            var set = new List<AutotaskUdf>(udfs.Count);
            foreach (var (name, get) in udfs)
            {
                if (get(record) is { } value) set.Add(new AutotaskUdf(name, value));
            }
            return new AutotaskRow(id(record), values, set.ToArray());
        }

        /// <summary>Every integer is stored as a long, so comparisons need only one numeric type.</summary>
        private static object? Normalize(object? value, AutotaskType type) => value switch
        {
            null => null,
            int i when type is AutotaskType.Integer or AutotaskType.Long => (long)i,
            int i when type is AutotaskType.Decimal => (decimal)i,
            long l when type is AutotaskType.Decimal => (decimal)l,
            double d when type is AutotaskType.Decimal => (decimal)d,
            DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc),
            _ => value,
        };
    }

    /// <summary>
    /// A row to serialize as the API returns it: the fields in table order (or in <see cref="Include"/>'s order),
    /// nulls included, then userDefinedFields when the row has any. Written by <see cref="AutotaskRowJsonConverter"/>.
    /// </summary>
    [JsonConverter(typeof(AutotaskRowJsonConverter))]
    internal readonly record struct AutotaskRowJson(AutotaskTable Table, AutotaskRow Row, IReadOnlyList<int>? Include, bool IncludeUdfs);

    /// <summary>
    /// Writes a row straight onto the serializer's writer. Query pages carry up to 500 rows; building a
    /// Dictionary&lt;string, object?&gt; per row and letting the serializer look up a converter for every boxed value
    /// cost more than finding the rows. The output is what that dictionary serialized to, byte for byte: same names,
    /// same order, same value formats, and the same escaping of values, as the writer comes configured from the
    /// serializer's options.
    /// </summary>
    internal sealed class AutotaskRowJsonConverter : JsonConverter<AutotaskRowJson>
    {
        private static readonly JsonEncodedText UserDefinedFieldsName = JsonEncodedText.Encode(AutotaskTable.UserDefinedFields);
        private static readonly JsonEncodedText NameName = JsonEncodedText.Encode("name");
        private static readonly JsonEncodedText ValueName = JsonEncodedText.Encode("value");

        public override AutotaskRowJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Rows are only ever written.");

        public override void Write(Utf8JsonWriter writer, AutotaskRowJson json, JsonSerializerOptions options)
        {
            var (table, row, include, includeUdfs) = json;
            writer.WriteStartObject();
            if (include is null)
            {
                for (int i = 0; i < table.Fields.Count; i++) WriteField(writer, table, row, i, options);
            }
            else
            {
                foreach (int i in include) WriteField(writer, table, row, i, options);
            }
            // Autotask leaves userDefinedFields out when a record has none.
            if (includeUdfs && row.Udfs.Length > 0)
            {
                writer.WritePropertyName(UserDefinedFieldsName);
                writer.WriteStartArray();
                foreach (var udf in row.Udfs)
                {
                    // As the serializer writes the AutotaskUdf record with the Web defaults: camelCase, nulls kept.
                    writer.WriteStartObject();
                    writer.WriteString(NameName, udf.Name);
                    writer.WriteString(ValueName, udf.Value);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }

        private static void WriteField(Utf8JsonWriter writer, AutotaskTable table, AutotaskRow row, int index, JsonSerializerOptions options)
        {
            writer.WritePropertyName(table.JsonNames[index]);
            switch (row.Values[index])
            {
                case null: writer.WriteNullValue(); break;
                case long n: writer.WriteNumberValue(n); break;
                case decimal m: writer.WriteNumberValue(m); break;
                case string s: writer.WriteStringValue(s); break;
                case bool b: writer.WriteBooleanValue(b); break;
                case DateTime d: writer.WriteStringValue(d); break; // what the serializer's DateTime converter writes
                // Anything else (no table stores other types today) as the serializer would write it.
                case var other: JsonSerializer.Serialize(writer, other, other.GetType(), options); break;
            }
        }
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
}
