using System;
using System.Collections.Generic;
using System.Linq;

namespace PsaMapping.Engine.Autotask
{
    /// <summary>
    /// The labels of one picklist field, read from entityInformation/fields rather than hard-coded: each
    /// Autotask database may number its values differently.
    /// </summary>
    public sealed class Picklist
    {
        private readonly Dictionary<string, string> _labels;

        private Picklist(Dictionary<string, string> labels) => _labels = labels;

        public static readonly Picklist Empty = new Picklist(new Dictionary<string, string>());

        /// <summary>The label of a stored value; the value itself when the picklist does not know it.</summary>
        public string? LabelOf(object? value)
        {
            if (value == null) return null;
            string key = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            return _labels.TryGetValue(key, out string? label) ? label : key;
        }

        /// <summary>The values whose label is <paramref name="label"/> (ignoring case).</summary>
        public IReadOnlyList<string> ValuesOf(string label) =>
            _labels.Where(pair => string.Equals(pair.Value, label, StringComparison.OrdinalIgnoreCase)).Select(pair => pair.Key).ToList();

        internal static IReadOnlyDictionary<string, Picklist> From(EntityFieldsDto fields)
        {
            var result = new Dictionary<string, Picklist>(StringComparer.OrdinalIgnoreCase);
            foreach (FieldDto field in fields.Fields.Where(f => f.IsPickList && f.PicklistValues != null))
                result[field.Name] = new Picklist(field.PicklistValues!
                    .GroupBy(v => v.Value)
                    .ToDictionary(g => g.Key, g => g.First().Label ?? g.Key));
            return result;
        }

        internal static Picklist Of(IReadOnlyDictionary<string, Picklist> picklists, string field) =>
            picklists.TryGetValue(field, out Picklist? picklist) ? picklist : Empty;
    }
}
