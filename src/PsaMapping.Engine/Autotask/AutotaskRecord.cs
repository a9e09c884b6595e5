using System;
using System.Collections.Generic;
using Newtonsoft.Json;

namespace PsaMapping.Engine.Autotask
{
    /// <summary>
    /// One row of an Autotask query page: its scalar fields by name (case-insensitive, as Autotask treats
    /// them), each a string, long, double, bool or null. Read straight off the wire by
    /// <see cref="AutotaskRecordConverter"/>: building a JObject per row used to cost more CPU than anything
    /// else when reading a whole table. Nested values (user-defined field lists) are not kept: nothing reads them.
    /// </summary>
    [JsonConverter(typeof(AutotaskRecordConverter))]
    public sealed class AutotaskRecord
    {
        private readonly List<KeyValuePair<string, object?>> _fields;

        public AutotaskRecord(IEnumerable<KeyValuePair<string, object?>> fields) : this(new List<KeyValuePair<string, object?>>(fields))
        {
        }

        /// <summary>Takes the list as it is (the converter's own, not copied).</summary>
        private AutotaskRecord(List<KeyValuePair<string, object?>> fields) => _fields = fields;

        internal static AutotaskRecord Adopt(List<KeyValuePair<string, object?>> fields) => new AutotaskRecord(fields);

        /// <summary>The field's value; null when it is missing, null or not a scalar.</summary>
        public object? this[string field]
        {
            get
            {
                // A row holds the handful of fields a query asked for, so a scan beats building a dictionary per row.
                foreach (KeyValuePair<string, object?> pair in _fields)
                    if (string.Equals(pair.Key, field, StringComparison.OrdinalIgnoreCase)) return pair.Value;
                return null;
            }
        }

        public IEnumerable<string> FieldNames
        {
            get
            {
                foreach (KeyValuePair<string, object?> pair in _fields) yield return pair.Key;
            }
        }
    }

    /// <summary>Reads an <see cref="AutotaskRecord"/> token by token; anything but an object is a JSON error.</summary>
    internal sealed class AutotaskRecordConverter : JsonConverter
    {
        public override bool CanConvert(Type objectType) => objectType == typeof(AutotaskRecord);

        public override bool CanWrite => false;

        public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer) => throw new NotSupportedException();

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimized)]
        public override object ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
        {
            if (reader.TokenType != JsonToken.StartObject)
                throw new JsonSerializationException($"a row is {Describe(reader.TokenType)} instead of an object (path '{reader.Path}')");

            var fields = new List<KeyValuePair<string, object?>>(8);
            while (Read(reader) && reader.TokenType != JsonToken.EndObject)
            {
                if (reader.TokenType == JsonToken.Comment) continue;
                string name = (string)reader.Value!;
                Read(reader);
                switch (reader.TokenType)
                {
                    case JsonToken.StartObject:
                    case JsonToken.StartArray:
                    case JsonToken.StartConstructor:
                        reader.Skip();
                        break;
                    case JsonToken.Null:
                    case JsonToken.Undefined:
                        fields.Add(new KeyValuePair<string, object?>(name, null));
                        break;
                    default:
                        fields.Add(new KeyValuePair<string, object?>(name, reader.Value));
                        break;
                }
            }

            return AutotaskRecord.Adopt(fields);
        }

        private static bool Read(JsonReader reader) =>
            reader.Read() ? true : throw new JsonSerializationException($"the body ends inside a row (path '{reader.Path}')");

        private static string Describe(JsonToken token)
        {
            switch (token)
            {
                case JsonToken.Null: return "null";
                case JsonToken.StartArray: return "a list";
                case JsonToken.String: return "text";
                case JsonToken.Integer:
                case JsonToken.Float: return "a number";
                case JsonToken.Boolean: return "true or false";
                default: return token.ToString().ToLowerInvariant();
            }
        }
    }
}
