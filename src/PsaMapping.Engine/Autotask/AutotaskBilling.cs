using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace PsaMapping.Engine.Autotask
{
    /// <summary>
    /// The Autotask side of usage billing (shared/reference/autotask.md, "Usage billing"): the service
    /// catalogue, contracts' service lines and their units per billing period, read for many contracts at
    /// once in `in`-filtered pages, and the one write, a ContractServiceAdjustment, whose outcome is always
    /// told apart (applied, refused, not processed, unknown) because an adjustment can never be undone.
    /// </summary>
    public sealed class AutotaskBilling
    {
        public const string ServicesEntity = "Services";
        public const string ContractServicesEntity = "ContractServices";
        public const string ContractServiceUnitsEntity = "ContractServiceUnits";
        public const string ContractServiceAdjustmentsEntity = "ContractServiceAdjustments";

        internal static readonly string[] ServiceFields =
            { "id", "name", "description", "invoiceDescription", "unitPrice", "unitCost", "periodType", "isActive" };
        internal static readonly string[] ContractServiceFields =
            { "id", "contractID", "serviceID", "unitPrice", "unitCost", "invoiceDescription" };
        internal static readonly string[] UnitFields =
            { "id", "contractID", "contractServiceID", "serviceID", "startDate", "endDate", "units", "price", "approveAndPostDate" };

        private readonly AutotaskClient _client;

        public AutotaskBilling(AutotaskClient client) => _client = client ?? throw new ArgumentNullException(nameof(client));

        public AutotaskClient Client => _client;

        /// <summary>The service catalogue (inactive services only with <paramref name="includeInactive"/>), ordered by id.</summary>
        public async Task<IReadOnlyList<AutotaskService>> GetServicesAsync(bool includeInactive, CancellationToken cancellationToken)
        {
            Task<IReadOnlyDictionary<string, Picklist>> picklists = _client.GetPicklistsAsync(ServicesEntity, cancellationToken);
            JObject where = includeInactive ? Filter.All() : Filter.Eq("isActive", true);
            IReadOnlyList<AutotaskRecord> rows = await _client.QueryAsync(ServicesEntity, Filter.Of(where), ServiceFields, cancellationToken).ConfigureAwait(false);
            Picklist periods = Picklist.Of(await picklists.ConfigureAwait(false), "periodType");
            return rows.Select(row => new AutotaskService(
                    AutotaskRow.Required<long>(row, "id", ServicesEntity),
                    AutotaskRow.Text(row, "name") ?? "",
                    AutotaskRow.Text(row, "description"),
                    AutotaskRow.Text(row, "invoiceDescription"),
                    AutotaskRow.Optional<decimal>(row, "unitPrice", ServicesEntity),
                    AutotaskRow.Optional<decimal>(row, "unitCost", ServicesEntity),
                    periods.LabelOf(AutotaskRow.Value(row, "periodType")),
                    AutotaskRow.Optional<bool>(row, "isActive", ServicesEntity) ?? true))
                .OrderBy(s => s.AutotaskServiceId).ToList();
        }

        /// <summary>
        /// The service lines of <paramref name="contractIds"/>: one query per 500 contracts (an `in` filter), each
        /// followed through its pages; ordered by contract, then line id.
        /// </summary>
        public async Task<IReadOnlyList<AutotaskContractService>> GetContractServicesAsync(IReadOnlyCollection<long> contractIds,
            CancellationToken cancellationToken)
        {
            IReadOnlyList<AutotaskRecord> rows = await QueryByContractsAsync(ContractServicesEntity, contractIds, Array.Empty<JObject>(), ContractServiceFields,
                cancellationToken).ConfigureAwait(false);
            return rows.Select(row => new AutotaskContractService(
                    AutotaskRow.Required<long>(row, "id", ContractServicesEntity),
                    AutotaskRow.Required<long>(row, "contractID", ContractServicesEntity),
                    AutotaskRow.Required<long>(row, "serviceID", ContractServicesEntity),
                    AutotaskRow.Optional<decimal>(row, "unitPrice", ContractServicesEntity),
                    AutotaskRow.Optional<decimal>(row, "unitCost", ContractServicesEntity),
                    AutotaskRow.Text(row, "invoiceDescription")))
                .OrderBy(line => line.ContractId).ThenBy(line => line.ContractServiceId).ToList();
        }

        /// <summary>
        /// The ContractServiceUnits rows of <paramref name="contractIds"/> (500 contracts a query, every page).
        /// With <paramref name="onDate"/>, only the rows that can be in force that day (starting on or before it and
        /// ending on or after it): one per line when a period's end date is its last day, two when it is the next
        /// period's first (the reference leaves that open), instead of one per period. Pick the row in force with
        /// <see cref="UnitsInForce"/>, which is right either way.
        /// </summary>
        public async Task<IReadOnlyList<AutotaskServiceUnits>> GetContractServiceUnitsAsync(IReadOnlyCollection<long> contractIds, DateTime? onDate,
            CancellationToken cancellationToken)
        {
            var conditions = new List<JObject>();
            if (onDate.HasValue)
            {
                conditions.Add(Filter.Condition("lte", "startDate", DateText(onDate.Value.Date)));
                conditions.Add(Filter.Condition("gte", "endDate", DateText(onDate.Value.Date)));
            }

            IReadOnlyList<AutotaskRecord> rows = await QueryByContractsAsync(ContractServiceUnitsEntity, contractIds, conditions, UnitFields,
                cancellationToken).ConfigureAwait(false);
            return rows.Select(ToUnits).OrderBy(u => u.ContractId).ThenBy(u => u.ContractServiceId).ThenBy(u => u.StartDate).ThenBy(u => u.Id).ToList();
        }

        /// <summary>
        /// The row of one contract service line in force on <paramref name="date"/>: the latest start not after
        /// it (the newer row on a tie), unless that row ended before the day. Null when no row covers the day
        /// (the contract has ended, or not begun).
        /// </summary>
        public static AutotaskServiceUnits? UnitsInForce(IEnumerable<AutotaskServiceUnits> rowsOfOneLine, DateTime date)
        {
            DateTime day = date.Date;
            AutotaskServiceUnits? best = rowsOfOneLine
                .Where(row => row.StartDate.Date <= day)
                .OrderByDescending(row => row.StartDate)
                .ThenByDescending(row => row.Id)
                .FirstOrDefault();
            return best == null || best.EndDate.Date < day ? null : best;
        }

        /// <summary>
        /// Posts one adjustment (POST ContractServiceAdjustments) and says what became of it. Never repeated when
        /// its outcome is unknown: then read the line's units again before deciding on anything else.
        /// </summary>
        public Task<AutotaskWriteResult> PostAdjustmentAsync(ServiceAdjustment adjustment, CancellationToken cancellationToken)
        {
            if (adjustment == null) throw new ArgumentNullException(nameof(adjustment));
            var body = new JObject
            {
                ["contractID"] = adjustment.ContractId,
                ["effectiveDate"] = DateText(adjustment.EffectiveDate),
                ["unitChange"] = Number(adjustment.UnitChange),
            };
            if (adjustment.ContractServiceId.HasValue) body["contractServiceID"] = adjustment.ContractServiceId.Value;
            if (adjustment.AutotaskServiceId.HasValue) body["serviceID"] = adjustment.AutotaskServiceId.Value;
            return _client.CreateOnceAsync(ContractServiceAdjustmentsEntity, ContractServiceAdjustmentsEntity, body, cancellationToken);
        }

        private async Task<IReadOnlyList<AutotaskRecord>> QueryByContractsAsync(string entity, IReadOnlyCollection<long> contractIds,
            IReadOnlyList<JObject> conditions, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
        {
            var ids = contractIds.Distinct().ToList();
            if (ids.Count == 0) return Array.Empty<AutotaskRecord>();
            var batches = await Task.WhenAll(AutotaskDirectory.Chunks(ids).Select(chunk => _client.QueryAsync(entity,
                Filter.Of(conditions.Append(Filter.In("contractID", chunk)).ToArray()), fields, cancellationToken))).ConfigureAwait(false);
            return batches.SelectMany(rows => rows).ToList();
        }

        private static AutotaskServiceUnits ToUnits(AutotaskRecord row) => new AutotaskServiceUnits(
            AutotaskRow.Required<long>(row, "id", ContractServiceUnitsEntity),
            AutotaskRow.Required<long>(row, "contractID", ContractServiceUnitsEntity),
            AutotaskRow.Required<long>(row, "contractServiceID", ContractServiceUnitsEntity),
            AutotaskRow.Required<long>(row, "serviceID", ContractServiceUnitsEntity),
            AutotaskRow.Date(row, "startDate") ?? throw AutotaskRow.Unusable(ContractServiceUnitsEntity, "startDate", AutotaskRow.Value(row, "startDate")),
            AutotaskRow.Date(row, "endDate") ?? throw AutotaskRow.Unusable(ContractServiceUnitsEntity, "endDate", AutotaskRow.Value(row, "endDate")),
            AutotaskRow.Optional<decimal>(row, "units", ContractServiceUnitsEntity) ?? 0m,
            AutotaskRow.Optional<decimal>(row, "price", ContractServiceUnitsEntity),
            AutotaskRow.Date(row, "approveAndPostDate"));

        private static string DateText(DateTime date) => date.ToString("yyyy-MM-dd'T'00:00:00", CultureInfo.InvariantCulture);

        /// <summary>Whole numbers as JSON integers (Autotask's unit counts are integers), anything else as it is.</summary>
        private static JValue Number(decimal value) =>
            value == decimal.Truncate(value) && Math.Abs(value) < long.MaxValue ? new JValue((long)value) : new JValue(value);
    }
}
