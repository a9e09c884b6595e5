using System;
using Newtonsoft.Json.Linq;

namespace PsaMapping.Engine.Autotask
{
    /// <summary>
    /// Reading fields of an Autotask row: field names case-insensitive, a JSON null the same as a missing
    /// field, and a value of the wrong kind ("abc" where a number belongs) a clear invalid-response error
    /// rather than a bare cast exception.
    /// </summary>
    internal static class AutotaskRow
    {
        public static JValue? Value(JObject row, string field) =>
            row.GetValue(field, StringComparison.OrdinalIgnoreCase) is JValue value && value.Type != JTokenType.Null ? value : null;

        public static T Required<T>(JObject row, string field, string entity) where T : struct =>
            Optional<T>(row, field, entity) ?? throw Unusable(entity, field, null);

        /// <summary>The field's value; null when it is missing or null.</summary>
        public static T? Optional<T>(JObject row, string field, string entity) where T : struct
        {
            JValue? value = Value(row, field);
            if (value == null) return null;
            try
            {
                return value.ToObject<T>();
            }
            catch (Exception ex) when (ex is FormatException || ex is InvalidCastException || ex is OverflowException || ex is ArgumentException)
            {
                throw Unusable(entity, field, value);
            }
        }

        private static PsaMappingException Unusable(string entity, string field, JValue? value) =>
            new PsaMappingException("AutotaskInvalidResponse", PsaErrorKind.InvalidResponse,
                $"Autotask returned a {entity} row without a usable '{field}' ({value?.ToString() ?? "missing"}). Run the command again; if it persists, the data may need attention in Autotask.");
    }
}
