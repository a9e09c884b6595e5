using System.Globalization;
using System.Text.RegularExpressions;
using PsaMapping.Sandbox.Azurite;
using PsaMapping.Sandbox.Billing;

namespace PsaMapping.Sandbox.Demo
{
    /// <summary>
    /// What a user's commands cost in table requests on a saved Azure table store (issue 14's targets), as the
    /// module counts them at the Azure SDK's HTTP pipeline and reports them with -Verbose ("Table store requests
    /// made by this command: N"). Each command runs in a new session, as a new process or an RMM script would,
    /// with the saved credentials and the saved store. The store benchmark prints these figures and
    /// StoreRequestTests holds them; the caller points PSAMAPPING_HOME at an empty folder first.
    /// </summary>
    public sealed class StoreCommandCosts
    {
        public const int GetTarget = 3;
        public const int SetTarget = 15;
        public const int SyncLockTarget = 2;

        /// <summary>The sandbox needs this many customers: 3,000 mapped in three Set-PsaMapping runs of 1,000.</summary>
        public const int Customers = 3000;

        private static readonly Regex TableRequests = new Regex(@"^Table store requests made by this command: (\d+)(?:, (\d+) of them for the sync lock)?\.$");

        private readonly List<(string Command, long Requests, long LockRequests)> _rows = new List<(string, long, long)>();

        public IReadOnlyList<(string Command, long Requests, long LockRequests)> Rows => _rows;

        /// <summary>Set-PsaMapping of 1,000 rows onto an empty table, then onto 1,000 (the setup, measured too).</summary>
        public long SetOntoEmpty { get; private set; }

        public long SetOnto1000 { get; private set; }

        /// <summary>Get-PsaMapping over 2,000 stored mappings (target <see cref="GetTarget"/>).</summary>
        public long GetOf2000 { get; private set; }

        /// <summary>Set-PsaMapping of 1,000 rows onto a table already holding 2,000 (target <see cref="SetTarget"/>).</summary>
        public long SetOnto2000 { get; private set; }

        /// <summary>What Sync-PsaUsage sent in all, and what of it was for the sync lock (target <see cref="SyncLockTarget"/>).</summary>
        public long Sync { get; private set; }

        public long SyncLock { get; private set; }

        public static StoreCommandCosts Measure(SandboxServer server, AzuriteServer azurite, string tableName)
        {
            if (server.Tenants.Count < Customers) throw new ArgumentException($"The sandbox needs {Customers} customers.", nameof(server));
            var costs = new StoreCommandCosts();
            List<System.Collections.Hashtable> rows = Rows3000(server);

            using (var setup = new ModuleHost())
            {
                setup.Invoke("Connect-SophosCentral -Credential $args[0] -AuthUri $args[1] -ApiUri $args[2] -Save -Confirm:$false",
                    ModuleHost.Credential(server.Options.SophosClientId, server.Options.SophosClientSecret), server.SophosAuthUri, server.SophosApiUri).ThrowOnFailure();
                setup.Invoke("Connect-Autotask -Credential $args[0] -IntegrationCode $args[1] -ZoneUri $args[2] -Save -Confirm:$false",
                    ModuleHost.Credential(server.Options.AutotaskUserName, server.Options.AutotaskSecret), server.Options.AutotaskIntegrationCode, server.AutotaskZoneUri).ThrowOnFailure();
                setup.Invoke("Connect-PsaMappingStore -ConnectionString $args[0] -TableName $args[1] -Save -Confirm:$false",
                    new System.Net.NetworkCredential("", azurite.ConnectionString).SecurePassword, tableName).ThrowOnFailure();
            }

            const string set = "$args[0] | ForEach-Object { [pscustomobject]$_ } | Set-PsaMapping -Verbose -WarningAction SilentlyContinue -InformationAction SilentlyContinue";
            costs.SetOntoEmpty = costs.Run("Set-PsaMapping, 1,000 rows onto an empty table", set, (object)rows.GetRange(0, 1000).ToArray()).Requests;
            costs.SetOnto1000 = costs.Run("Set-PsaMapping, 1,000 rows onto 1,000", set, (object)rows.GetRange(1000, 1000).ToArray()).Requests;
            costs.GetOf2000 = costs.Run("Get-PsaMapping, 2,000 stored mappings", "Get-PsaMapping -Verbose", expectOutput: 2000).Requests;
            costs.SetOnto2000 = costs.Run("Set-PsaMapping, 1,000 rows onto 2,000", set, (object)rows.GetRange(2000, 1000).ToArray()).Requests;

            // The sync needs its products mapped; set after the reads above, whose page count the product rows would change.
            foreach (SandboxProduct product in SandboxBilling.Products)
                costs.Run(null, "Set-PsaProductMapping -ProductCode $args[0] -AutotaskServiceId $args[1] -Confirm:$false", product.ProductCode, SandboxBilling.ServiceIdOf(product.ProductCode));
            var sync = costs.Run("Sync-PsaUsage, the sync lock's part", "Sync-PsaUsage -AddMissingService -Confirm:$false -Verbose -WarningAction SilentlyContinue -InformationAction SilentlyContinue");
            (costs.Sync, costs.SyncLock) = (sync.Requests, sync.LockRequests);
            return costs;
        }

        /// <summary>
        /// 3,000 valid rows (customer id, company id, contract id), all on active contracts of active companies:
        /// customers billed in the sandbox on their own contract, the first three of them with sync on; every other
        /// customer on any such contract.
        /// </summary>
        private static List<System.Collections.Hashtable> Rows3000(SandboxServer server)
        {
            var contracts = server.Contracts.ToDictionary(c => c.Id);
            var activeCompanies = new HashSet<long>(server.Companies.Where(c => c.IsActive).Select(c => c.Id));
            DateTime today = DateTime.UtcNow.Date;
            List<SandboxContract> usable = server.Contracts
                .Where(c => c.Status == AutotaskCodes.ContractStatus.Active && c.EndDate > today && c.StartDate <= today && activeCompanies.Contains(c.CompanyId))
                .ToList();
            var usableIds = new HashSet<long>(usable.Select(c => c.Id));
            var billed = server.Billing.ContractOfTenant.Where(pair => usableIds.Contains(pair.Value)).ToDictionary(pair => pair.Key, pair => pair.Value);
            var rows = new List<System.Collections.Hashtable>(Customers);
            int synced = 0;
            foreach (SandboxTenant tenant in server.Tenants.OrderBy(t => billed.ContainsKey(t.Id) ? 0 : 1).ThenBy(t => t.Id).Take(Customers))
            {
                SandboxContract contract = billed.TryGetValue(tenant.Id, out long id) ? contracts[id] : usable[rows.Count % usable.Count];
                rows.Add(new System.Collections.Hashtable
                {
                    ["SophosCustomerId"] = tenant.Id,
                    ["AutotaskCompanyId"] = contract.CompanyId,
                    ["ContractId"] = contract.Id,
                    ["SyncEnabled"] = billed.ContainsKey(tenant.Id) && synced++ < 3,
                });
            }
            return rows;
        }

        /// <summary>Runs one command in a new session; its table requests as the module reported them.</summary>
        private (long Requests, long LockRequests) Run(string? what, string script, params object[] arguments) => Run(what, script, null, arguments);

        private (long Requests, long LockRequests) Run(string? what, string script, int? expectOutput, params object[] arguments)
        {
            using var session = new ModuleHost();
            HostResult result = session.Invoke(script, arguments).ThrowOnFailure();
            if (expectOutput.HasValue && result.Output.Count != expectOutput.Value)
                throw new InvalidOperationException($"{what}: {result.Output.Count} objects where {expectOutput} were expected.");
            Match? said = result.Verbose.Select(v => TableRequests.Match(v.Message)).LastOrDefault(m => m.Success);
            if (what == null) return (0, 0);
            if (said == null) throw new InvalidOperationException($"{what}: the command did not report its table requests with -Verbose.");
            (long, long) counts = (long.Parse(said.Groups[1].Value, CultureInfo.InvariantCulture),
                said.Groups[2].Success ? long.Parse(said.Groups[2].Value, CultureInfo.InvariantCulture) : 0);
            _rows.Add((what, counts.Item1, counts.Item2));
            return counts;
        }
    }
}
