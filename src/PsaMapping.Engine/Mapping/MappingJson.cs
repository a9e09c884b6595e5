using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>Something in the mapping file or an audit line that this version cannot accept.</summary>
    internal sealed class MappingFormatException : Exception
    {
        public MappingFormatException(string problem, int? newerSchemaVersion = null, Exception? inner = null)
            : base(problem, inner) => NewerSchemaVersion = newerSchemaVersion;

        /// <summary>Set when the file says it was written by a newer schema.</summary>
        public int? NewerSchemaVersion { get; }
    }

    /// <summary>
    /// The JSON shape of mappings.json and of the audit log's lines. Reading is strict: a field that is
    /// missing or of the wrong type is reported, never guessed at, because a guessed mapping would bill
    /// a customer to the wrong contract.
    /// </summary>
    internal static class MappingJson
    {
        public static string WriteFile(MappingSnapshot snapshot)
        {
            var mappings = new JArray();
            foreach (CustomerMapping mapping in snapshot.Mappings) mappings.Add(ToJson(mapping));
            var root = new JObject
            {
                ["schemaVersion"] = snapshot.SchemaVersion,
                ["revision"] = snapshot.Revision,
                ["savedAt"] = Date(snapshot.SavedAt),
                ["mappings"] = mappings,
            };
            return root.ToString(Formatting.Indented) + "\n";
        }

        public static MappingSnapshot ReadFile(string text)
        {
            if (string.IsNullOrWhiteSpace(text)) throw new MappingFormatException("the file is empty");

            JObject root = Parse(text) as JObject ?? throw new MappingFormatException("it does not hold a JSON object");

            // The version is checked before anything else: a newer file may legitimately look different.
            long version = Integer(root, "schemaVersion", "the file");
            if (version > MappingStore.SchemaVersion) throw new MappingFormatException("newer schema", (int)Math.Min(version, int.MaxValue));
            if (version < 1) throw new MappingFormatException($"'schemaVersion' is {version}, which no version of PsaMapping writes");

            long revision = Integer(root, "revision", "the file");
            if (revision < 0) throw new MappingFormatException($"'revision' is {revision}, which cannot be right{At(root["revision"])}");
            DateTimeOffset? savedAt = OptionalDate(root, "savedAt", "the file");
            JArray rows = root["mappings"] as JArray
                ?? throw new MappingFormatException($"it has no 'mappings' list{At(root["mappings"] ?? root)}");

            var mappings = new List<CustomerMapping>();
            var firstRow = new Dictionary<Guid, int>();
            for (int i = 0; i < rows.Count; i++)
            {
                CustomerMapping mapping = FromJson(rows[i], $"mapping #{i + 1}");
                if (firstRow.TryGetValue(mapping.SophosCustomerId, out int first))
                    throw new MappingFormatException($"customer {mapping.SophosCustomerId} is mapped twice (mappings #{first} and #{i + 1}){At(rows[i])}");
                firstRow.Add(mapping.SophosCustomerId, i + 1);
                mappings.Add(mapping);
            }
            return new MappingSnapshot((int)version, revision, savedAt, mappings);
        }

        public static string WriteAuditLine(AuditEntry entry) =>
            new JObject
            {
                ["when"] = Date(entry.When),
                ["who"] = entry.Who,
                ["kind"] = entry.Kind.ToString(),
                ["sophosCustomerId"] = entry.SophosCustomerId.ToString("D"),
                ["revision"] = entry.Revision,
                ["before"] = entry.Before == null ? JValue.CreateNull() : ToJson(entry.Before),
                ["after"] = entry.After == null ? JValue.CreateNull() : ToJson(entry.After),
            }.ToString(Formatting.None);

        public static AuditEntry ReadAuditLine(string line)
        {
            JObject entry = Parse(line) as JObject ?? throw new MappingFormatException("not a JSON object");
            const string where = "audit entry";
            string kindText = Text(entry, "kind", where);
            if (!Enum.TryParse(kindText, ignoreCase: true, out MappingChangeKind kind) || !Enum.IsDefined(typeof(MappingChangeKind), kind))
                throw new MappingFormatException($"unknown kind '{kindText}'");
            return new AuditEntry(
                OptionalDate(entry, "when", where) ?? throw new MappingFormatException("no 'when'"),
                Text(entry, "who", where),
                kind,
                CustomerId(entry, where),
                OptionalMapping(entry["before"], where + " 'before'"),
                OptionalMapping(entry["after"], where + " 'after'"),
                Integer(entry, "revision", where));
        }

        private static JToken Parse(string text)
        {
            // Dates stay strings (parsed below with their offset); Json.NET would otherwise turn them into local DateTimes.
            using (var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None })
            {
                try
                {
                    JToken token = JToken.ReadFrom(reader);
                    if (reader.Read()) throw new MappingFormatException($"it has more after the end of the JSON (line {reader.LineNumber})");
                    return token;
                }
                catch (JsonException ex)
                {
                    throw new MappingFormatException("it is not valid JSON (" + ex.Message.TrimEnd('.') + ")", inner: ex);
                }
            }
        }

        private static JObject ToJson(CustomerMapping mapping) =>
            new JObject
            {
                ["sophosCustomerId"] = mapping.SophosCustomerId.ToString("D"),
                ["sophosCustomerName"] = mapping.SophosCustomerName,
                ["autotaskCompanyId"] = mapping.AutotaskCompanyId,
                ["autotaskCompanyName"] = mapping.AutotaskCompanyName,
                ["contractId"] = mapping.ContractId,
                ["contractName"] = mapping.ContractName,
                ["syncEnabled"] = mapping.SyncEnabled,
                ["updatedAt"] = Date(mapping.UpdatedAt),
                ["updatedBy"] = mapping.UpdatedBy,
            };

        private static CustomerMapping FromJson(JToken token, string where)
        {
            JObject row = token as JObject ?? throw new MappingFormatException($"{where} is not a JSON object{At(token)}");
            JToken? sync = row["syncEnabled"];
            if (sync == null || sync.Type != JTokenType.Boolean)
                throw new MappingFormatException($"{where} has no true/false 'syncEnabled'{At(sync ?? row)}");
            JToken? updatedBy = row["updatedBy"];
            if (updatedBy != null && updatedBy.Type != JTokenType.Null && updatedBy.Type != JTokenType.String)
                throw new MappingFormatException($"{where} has an 'updatedBy' that is not text{At(updatedBy)}");

            return new CustomerMapping(
                CustomerId(row, where),
                Text(row, "sophosCustomerName", where),
                Integer(row, "autotaskCompanyId", where),
                Text(row, "autotaskCompanyName", where),
                Integer(row, "contractId", where),
                Text(row, "contractName", where),
                (bool)sync,
                OptionalDate(row, "updatedAt", where),
                (string?)updatedBy);
        }

        private static CustomerMapping? OptionalMapping(JToken? token, string where) =>
            token == null || token.Type == JTokenType.Null ? null : FromJson(token, where);

        private static Guid CustomerId(JObject row, string where)
        {
            JToken? token = row["sophosCustomerId"];
            if (token?.Type == JTokenType.String && Guid.TryParse((string?)token, out Guid id) && id != Guid.Empty) return id;
            throw new MappingFormatException($"{where} has no valid 'sophosCustomerId' (a GUID){At(token ?? row)}");
        }

        private static string Text(JObject row, string name, string where)
        {
            JToken? token = row[name];
            if (token?.Type == JTokenType.String) return (string)token!;
            throw new MappingFormatException($"{where} has no text '{name}'{At(token ?? row)}");
        }

        private static long Integer(JObject row, string name, string where)
        {
            JToken? token = row[name];
            if (token?.Type == JTokenType.Integer)
            {
                try
                {
                    return (long)token;
                }
                catch (OverflowException)
                {
                    // Falls through to the error below: a number too big for an id.
                }
            }
            throw new MappingFormatException($"{where} has no whole-number '{name}'{At(token ?? row)}");
        }

        private static DateTimeOffset? OptionalDate(JObject row, string name, string where)
        {
            JToken? token = row[name];
            if (token == null || token.Type == JTokenType.Null) return null;
            if (token.Type == JTokenType.String &&
                DateTimeOffset.TryParse((string?)token, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset value))
                return value;
            throw new MappingFormatException($"{where} has a '{name}' that is not an ISO-8601 date and time{At(token)}");
        }

        private static JToken Date(DateTimeOffset? value) =>
            value.HasValue ? new JValue(value.Value.ToString("o", CultureInfo.InvariantCulture)) : JValue.CreateNull();

        /// <summary>" (line N)" for a token read from text, so a hand-edited file can be fixed quickly.</summary>
        private static string At(JToken? token) =>
            token is IJsonLineInfo info && info.HasLineInfo() ? $" (line {info.LineNumber})" : "";
    }
}
