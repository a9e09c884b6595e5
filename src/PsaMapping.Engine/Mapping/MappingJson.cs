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

    /// <summary>mappings.json as read: the snapshot, and the audit entries of its own revision (see <see cref="FolderMappingStore"/>).</summary>
    internal sealed class MappingFile
    {
        public MappingFile(MappingSnapshot snapshot, IReadOnlyList<object> lastChanges)
        {
            Snapshot = snapshot;
            LastChanges = lastChanges;
        }

        public MappingSnapshot Snapshot { get; }

        /// <summary>The <see cref="AuditEntry"/> and <see cref="ProductAuditEntry"/> items saved with this revision.</summary>
        public IReadOnlyList<object> LastChanges { get; }
    }

    /// <summary>
    /// The JSON shape of mappings.json, of the audit log's lines and of the sync log's lines. Reading is strict: a field that is
    /// missing or of the wrong type is reported, never guessed at, because a guessed mapping would bill
    /// a customer to the wrong contract.
    /// </summary>
    internal static class MappingJson
    {
        public static string WriteFile(MappingSnapshot snapshot, IEnumerable<object> lastChanges)
        {
            var mappings = new JArray();
            foreach (CustomerMapping mapping in snapshot.Mappings) mappings.Add(ToJson(mapping, withSync: true));
            var products = new JArray();
            foreach (ProductMapping product in snapshot.Products) products.Add(ToJson(product));
            var changes = new JArray();
            foreach (object entry in lastChanges) changes.Add(AuditJson(entry));
            var root = new JObject
            {
                ["schemaVersion"] = MappingStore.SchemaVersion,
                ["revision"] = snapshot.Revision,
                ["savedAt"] = Date(snapshot.SavedAt),
                ["mappings"] = mappings,
                ["products"] = products,
                ["lastChanges"] = changes,
            };
            return root.ToString(Formatting.Indented) + "\n";
        }

        public static MappingFile ReadFile(string text)
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

            // Version 1 files have neither products nor last changes.
            var products = new List<ProductMapping>();
            var firstProduct = new Dictionary<string, int>(ProductMapping.CodeComparer);
            JArray productRows = OptionalArray(root, "products");
            for (int i = 0; i < productRows.Count; i++)
            {
                ProductMapping product = ProductFromJson(productRows[i], $"product mapping #{i + 1}");
                if (firstProduct.TryGetValue(product.ProductCode, out int first))
                    throw new MappingFormatException($"product code '{product.ProductCode}' is mapped twice (product mappings #{first} and #{i + 1}){At(productRows[i])}");
                firstProduct.Add(product.ProductCode, i + 1);
                products.Add(product);
            }

            var lastChanges = new List<object>();
            foreach (JToken change in OptionalArray(root, "lastChanges"))
                lastChanges.Add(AuditFromJson(change as JObject ?? throw new MappingFormatException($"'lastChanges' holds something that is not an audit entry{At(change)}")));

            return new MappingFile(new MappingSnapshot((int)version, revision, savedAt, mappings, products), lastChanges);
        }

        /// <summary>An <see cref="AuditEntry"/> or <see cref="ProductAuditEntry"/> as one line of the audit log.</summary>
        public static string WriteAuditLine(object entry) => AuditJson(entry).ToString(Formatting.None);

        /// <summary>An <see cref="AuditEntry"/> (a line with a customer id) or a <see cref="ProductAuditEntry"/> (a line with a product code).</summary>
        public static object ReadAuditLine(string line) =>
            AuditFromJson(Parse(line) as JObject ?? throw new MappingFormatException("not a JSON object"));

        private static JObject AuditJson(object entry) => entry switch
        {
            AuditEntry customer => AuditJson(customer, "sophosCustomerId", customer.SophosCustomerId.ToString("D"), m => ToJson(m, withSync: false)),
            ProductAuditEntry product => AuditJson(product, "productCode", product.ProductCode, ToJson),
            _ => throw new ArgumentException("Not an audit entry: " + entry?.GetType().Name, nameof(entry)),
        };

        /// <summary>One line's fields, the same for every kind of entry but the key's name (which tells the kinds apart when read).</summary>
        private static JObject AuditJson<TMapping>(MappingAuditEntry<TMapping> entry, string keyName, string key, Func<TMapping, JObject> toJson)
            where TMapping : class =>
            new JObject
            {
                ["when"] = Date(entry.When),
                ["who"] = entry.Who,
                ["kind"] = entry.Kind.ToString(),
                [keyName] = key,
                ["revision"] = entry.Revision,
                ["before"] = entry.Before == null ? JValue.CreateNull() : toJson(entry.Before),
                ["after"] = entry.After == null ? JValue.CreateNull() : toJson(entry.After),
            };

        private static object AuditFromJson(JObject entry)
        {
            const string where = "audit entry";
            string kindText = Text(entry, "kind", where);
            if (!Enum.TryParse(kindText, ignoreCase: true, out MappingChangeKind kind) || !Enum.IsDefined(typeof(MappingChangeKind), kind))
                throw new MappingFormatException($"unknown kind '{kindText}'");
            DateTimeOffset when = OptionalDate(entry, "when", where) ?? throw new MappingFormatException("no 'when'");
            string who = Text(entry, "who", where);
            long revision = Integer(entry, "revision", where);

            if (entry["productCode"] != null)
                return new ProductAuditEntry(when, who, kind, Text(entry, "productCode", where),
                    OptionalProduct(entry["before"], where + " 'before'"), OptionalProduct(entry["after"], where + " 'after'"), revision);
            return new AuditEntry(when, who, kind, CustomerId(entry, where),
                OptionalMapping(entry["before"], where + " 'before'"), OptionalMapping(entry["after"], where + " 'after'"), revision);
        }

        public static string WriteSyncLogLine(SyncLogEntry entry) =>
            new JObject
            {
                ["when"] = Date(entry.When),
                ["who"] = entry.Who,
                ["runId"] = entry.RunId.ToString("D"),
                ["adjustmentId"] = entry.AdjustmentId.ToString("D"),
                ["event"] = entry.Event.ToString(),
                ["sophosCustomerId"] = entry.SophosCustomerId.ToString("D"),
                ["sophosCustomerName"] = entry.SophosCustomerName,
                ["year"] = entry.Year,
                ["month"] = entry.Month,
                ["contractId"] = entry.ContractId,
                ["contractServiceId"] = entry.ContractServiceId,
                ["autotaskServiceId"] = entry.AutotaskServiceId,
                ["unitChange"] = entry.UnitChange,
                ["effectiveDate"] = entry.EffectiveDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["autotaskItemId"] = entry.AutotaskItemId,
                ["message"] = entry.Message,
            }.ToString(Formatting.None);

        public static SyncLogEntry ReadSyncLogLine(string line)
        {
            JObject entry = Parse(line) as JObject ?? throw new MappingFormatException("not a JSON object");
            const string where = "sync log entry";
            string eventText = Text(entry, "event", where);
            if (!Enum.TryParse(eventText, ignoreCase: true, out SyncLogEvent @event) || !Enum.IsDefined(typeof(SyncLogEvent), @event))
                throw new MappingFormatException($"unknown event '{eventText}'");
            JToken? units = entry["unitChange"];
            if (units == null || (units.Type != JTokenType.Integer && units.Type != JTokenType.Float))
                throw new MappingFormatException($"{where} has no number 'unitChange'");
            if (!DateTime.TryParseExact(Text(entry, "effectiveDate", where), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime effective))
                throw new MappingFormatException($"{where} has an 'effectiveDate' that is not a yyyy-MM-dd date");
            long month = Integer(entry, "month", where);
            if (month < 1 || month > 12) throw new MappingFormatException($"{where} has month {month}");
            return new SyncLogEntry(
                OptionalDate(entry, "when", where) ?? throw new MappingFormatException("no 'when'"),
                Text(entry, "who", where),
                GuidOf(entry, "runId", where),
                GuidOf(entry, "adjustmentId", where),
                @event,
                CustomerId(entry, where),
                Text(entry, "sophosCustomerName", where),
                (int)Integer(entry, "year", where),
                (int)month,
                Integer(entry, "contractId", where),
                OptionalInteger(entry, "contractServiceId", where),
                Integer(entry, "autotaskServiceId", where),
                (decimal)units,
                effective,
                OptionalInteger(entry, "autotaskItemId", where),
                OptionalText(entry, "message", where));
        }

        public static JObject WriteLease(SyncLease lease) =>
            new JObject
            {
                ["holder"] = lease.Holder,
                ["token"] = lease.Token,
                ["acquiredAt"] = Date(lease.AcquiredAt),
                ["expiresAt"] = Date(lease.ExpiresAt),
            };

        public static SyncLease ReadLease(string text)
        {
            JObject lease = Parse(text) as JObject ?? throw new MappingFormatException("not a JSON object");
            const string where = "the sync lock";
            return new SyncLease(Text(lease, "holder", where), Text(lease, "token", where),
                OptionalDate(lease, "acquiredAt", where) ?? throw new MappingFormatException("no 'acquiredAt'"),
                OptionalDate(lease, "expiresAt", where) ?? throw new MappingFormatException("no 'expiresAt'"));
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

        private static JObject ToJson(CustomerMapping mapping, bool withSync)
        {
            var row = new JObject
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
            // The sync status is the store's, not part of a change: audit entries leave it out.
            if (withSync)
                row["lastSync"] = mapping.LastSync == null ? JValue.CreateNull() : new JObject
                {
                    ["at"] = Date(mapping.LastSync.At),
                    ["outcome"] = mapping.LastSync.Outcome.ToString(),
                    ["message"] = mapping.LastSync.Message,
                };
            return row;
        }

        private static JObject ToJson(ProductMapping product) =>
            new JObject
            {
                ["productCode"] = product.ProductCode,
                ["autotaskServiceId"] = product.AutotaskServiceId,
                ["serviceName"] = product.ServiceName,
                ["updatedAt"] = Date(product.UpdatedAt),
                ["updatedBy"] = product.UpdatedBy,
            };

        private static ProductMapping ProductFromJson(JToken token, string where)
        {
            JObject row = token as JObject ?? throw new MappingFormatException($"{where} is not a JSON object{At(token)}");
            string code = Text(row, "productCode", where);
            if (code.Trim().Length == 0) throw new MappingFormatException($"{where} has an empty 'productCode'{At(row)}");
            return new ProductMapping(code, Integer(row, "autotaskServiceId", where), Text(row, "serviceName", where),
                OptionalDate(row, "updatedAt", where), OptionalText(row, "updatedBy", where));
        }

        private static ProductMapping? OptionalProduct(JToken? token, string where) =>
            token == null || token.Type == JTokenType.Null ? null : ProductFromJson(token, where);

        private static SyncStatus? OptionalSyncStatus(JObject row, string where)
        {
            JToken? token = row["lastSync"];
            if (token == null || token.Type == JTokenType.Null) return null;
            JObject status = token as JObject ?? throw new MappingFormatException($"{where} has a 'lastSync' that is not an object{At(token)}");
            string outcomeText = Text(status, "outcome", where + " 'lastSync'");
            if (!Enum.TryParse(outcomeText, ignoreCase: true, out SyncOutcome outcome) || !Enum.IsDefined(typeof(SyncOutcome), outcome))
                throw new MappingFormatException($"{where} has an unknown sync outcome '{outcomeText}'{At(status)}");
            return new SyncStatus(OptionalDate(status, "at", where + " 'lastSync'") ?? throw new MappingFormatException($"{where} has a 'lastSync' with no 'at'{At(status)}"),
                outcome, OptionalText(status, "message", where + " 'lastSync'"));
        }

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
                (string?)updatedBy,
                OptionalSyncStatus(row, where));
        }

        private static CustomerMapping? OptionalMapping(JToken? token, string where) =>
            token == null || token.Type == JTokenType.Null ? null : FromJson(token, where);

        private static Guid CustomerId(JObject row, string where) => GuidOf(row, "sophosCustomerId", where);

        private static Guid GuidOf(JObject row, string name, string where)
        {
            JToken? token = row[name];
            if (token?.Type == JTokenType.String && Guid.TryParse((string?)token, out Guid id) && id != Guid.Empty) return id;
            throw new MappingFormatException($"{where} has no valid '{name}' (a GUID){At(token ?? row)}");
        }

        private static JArray OptionalArray(JObject root, string name)
        {
            JToken? token = root[name];
            if (token == null || token.Type == JTokenType.Null) return new JArray();
            return token as JArray ?? throw new MappingFormatException($"its '{name}' is not a list{At(token)}");
        }

        private static string? OptionalText(JObject row, string name, string where)
        {
            JToken? token = row[name];
            if (token == null || token.Type == JTokenType.Null) return null;
            if (token.Type == JTokenType.String) return (string?)token;
            throw new MappingFormatException($"{where} has a '{name}' that is not text{At(token)}");
        }

        private static long? OptionalInteger(JObject row, string name, string where) =>
            row[name] == null || row[name]!.Type == JTokenType.Null ? (long?)null : Integer(row, name, where);

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

        private static JValue Date(DateTimeOffset? value) =>
            value.HasValue ? new JValue(value.Value.ToString("o", CultureInfo.InvariantCulture)) : JValue.CreateNull();

        /// <summary>" (line N)" for a token read from text, so a hand-edited file can be fixed quickly.</summary>
        private static string At(JToken? token) =>
            token is IJsonLineInfo info && info.HasLineInfo() ? $" (line {info.LineNumber})" : "";
    }
}
