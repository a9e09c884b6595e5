using System;
using System.Globalization;

namespace PsaMapping.Engine.Autotask
{
    /// <summary>
    /// Reading fields of an Autotask row: field names case-insensitive, a JSON null the same as a missing
    /// field, and a value of the wrong kind ("abc" where a number belongs) a clear invalid-response error
    /// rather than a bare cast exception.
    /// </summary>
    internal static class AutotaskRow
    {
        public static object? Value(AutotaskRecord row, string field) => row[field];

        /// <summary>The field as text (a number as its invariant digits); null when it is missing or null.</summary>
        public static string? Text(AutotaskRecord row, string field) => Convert.ToString(row[field], CultureInfo.InvariantCulture);

        public static T Required<T>(AutotaskRecord row, string field, string entity) where T : struct =>
            Optional<T>(row, field, entity) ?? throw Unusable(entity, field, null);

        /// <summary>The field's value; null when it is missing or null.</summary>
        public static T? Optional<T>(AutotaskRecord row, string field, string entity) where T : struct
        {
            object? value = row[field];
            if (value == null) return null;
            if (value is T typed) return typed;
            try
            {
                return (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is FormatException || ex is InvalidCastException || ex is OverflowException || ex is ArgumentException)
            {
                throw Unusable(entity, field, value);
            }
        }

        /// <summary>The field as a UTC date; null when it is missing, null or not a date.</summary>
        public static DateTime? Date(AutotaskRecord row, string field)
        {
            string? text = Text(row, field);
            return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime parsed)
                ? parsed
                : (DateTime?)null;
        }

        internal static PsaMappingException Unusable(string entity, string field, object? value) =>
            new PsaMappingException(ErrorIds.AutotaskInvalidResponse, PsaErrorKind.InvalidResponse,
                $"Autotask returned a {entity} row without a usable '{field}' ({Convert.ToString(value, CultureInfo.InvariantCulture) ?? "missing"}). Run the command again; if it persists, the data may need attention in Autotask.");
    }
}
