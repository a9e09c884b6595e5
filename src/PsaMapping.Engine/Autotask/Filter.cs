using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json.Linq;

namespace PsaMapping.Engine.Autotask
{
    /// <summary>Builds Autotask query filters: {"op":..,"field":..,"value":..} and and/or groups.</summary>
    public static class Filter
    {
        public static JObject Condition(string op, string field, object? value = null)
        {
            var condition = new JObject { ["op"] = op, ["field"] = field };
            if (value != null) condition["value"] = value is JToken token ? token : JToken.FromObject(value);
            return condition;
        }

        public static JObject Eq(string field, object value) => Condition("eq", field, value);

        public static JObject Contains(string field, string value) => Condition("contains", field, value);

        public static JObject In<T>(string field, IEnumerable<T> values) => Condition("in", field, new JArray(values.Cast<object>().ToArray()));

        public static JObject Or(IEnumerable<JObject> items) => new JObject { ["op"] = "or", ["items"] = new JArray(items.Cast<object>().ToArray()) };

        public static JObject And(IEnumerable<JObject> items) => new JObject { ["op"] = "and", ["items"] = new JArray(items.Cast<object>().ToArray()) };

        /// <summary>Every row: Autotask needs a filter, and this is the documented one.</summary>
        public static JObject All() => Condition("gte", "id", 0);

        /// <summary>The top-level filter array (its conditions are ANDed).</summary>
        public static JArray Of(params JObject[] conditions) => new JArray(conditions.Cast<object>().ToArray());
    }
}
