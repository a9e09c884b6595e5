using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sync;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Sync-PsaUsage: bills each synced customer's Sophos usage of a month into its Autotask contract, one
    /// ContractServiceAdjustment per service line whose units differ from the usage. Everything is read and planned
    /// first; -WhatIf shows exactly the adjustments a real run would post, -Confirm asks about each one.
    /// </summary>
    [Cmdlet(VerbsData.Sync, "PsaUsage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(SyncLine))]
    public sealed class SyncPsaUsageCommand : UsageMonthCmdlet
    {
        /// <summary>When the adjustments take effect. Default: the first day of the month after the usage month.</summary>
        [Parameter]
        public DateTime? EffectiveDate { get; set; }

        /// <summary>Lets an adjustment add a mapped service the contract does not have yet (as Autotask does).</summary>
        [Parameter]
        public SwitchParameter AddMissingService { get; set; }

        protected override void EndProcessing()
        {
            (int year, int month) = Guard(() => UsageSyncRequest.UsageMonth(Year, Month, DateTimeOffset.UtcNow));
            DateTime effective = (EffectiveDate ?? UsageSyncRequest.DefaultEffectiveDate(year, month)).Date;

            IMappingStore store = Store;
            MappingSnapshot saved = UseStore((s, token) => s.LoadAsync(token));
            List<SyncSubject> subjects = Subjects(saved);
            if (subjects.Count == 0)
            {
                WriteInformation(new InformationRecord("No customer to sync: no saved mapping has sync on. Turn it on with Set-PsaMapping -SyncEnabled $true.", "PsaMapping"));
                return;
            }

            bool whatIf = WhatIfMode;
            var sync = new UsageSync(RequireSophos(), RequireAutotask(), store, MappingStoreUser());
            var request = new UsageSyncRequest(year, month, effective, subjects, AddMissingService, whatIf);
            WriteVerbose($"Syncing the usage of {year:D4}-{month:D2} into {subjects.Count(s => s.Mapping?.SyncEnabled == true)} mappings, effective {effective:yyyy-MM-dd}.");

            PreparedSync prepared = Run((observer, token) => sync.PrepareAsync(request, observer, token));
            UsageSyncResult result;
            try
            {
                if (!prepared.UsageAvailable)
                {
                    WriteWarning($"Sophos Central has no usage for {year:D4}-{month:D2} yet, so nothing was changed. Run Sync-PsaUsage again once Sophos has billed the month.");
                    return;
                }

                // Asked on the pipeline thread, line by line: -WhatIf says "What if" for each, -Confirm asks for each.
                var lines = prepared.Plan.Lines.Select(line => !line.NeedsAdjustment || ShouldProcess(Describe(line), "Post a contract service adjustment")
                    ? line
                    : whatIf ? line : line.WithStatus(SyncLineStatus.Skipped, "Not confirmed, so nothing was posted.", ErrorIds.SyncStopped)).ToList();

                result = whatIf ? prepared.Planned() : Run((observer, token) => sync.ExecuteAsync(prepared, lines, observer, token));
            }
            finally
            {
                Run((_, _) => sync.ReleaseAsync(prepared));
            }

            foreach (UnmappedProduct product in result.UnmappedProducts)
                WriteWarning($"The Sophos product '{product.ProductCode}' has no product mapping, so it was not billed for {Names(product.CustomerNames)}. " +
                             $"Map it: Find-AutotaskService '<name>' | Set-PsaProductMapping -ProductCode '{product.ProductCode}'.");

            WriteObject(result.Lines, enumerateCollection: true);
            foreach (SyncLine failed in result.Lines.Where(l => l.Status == SyncLineStatus.Failed))
                WriteItemError(new PsaMappingException(failed.Reason ?? ErrorIds.AutotaskAdjustmentRefused, KindOf(failed.Reason), $"{failed.SophosCustomerName}: {failed.Message}") { Target = failed });
            foreach (SyncLine skipped in result.Lines.Where(l => l.Reason == ErrorIds.SyncCustomerNotMapped || l.Reason == ErrorIds.SyncDisabled))
                WriteWarning(skipped.Message);

            WriteInformation(new InformationRecord(SyncSummary.Sentence(result.Lines, whatIf), "PsaMapping"));
            WriteRequestSummary();
        }

        /// <summary>The mappings to sync: every one with sync on, or the customers named or piped (their contract-mates too).</summary>
        private List<SyncSubject> Subjects(MappingSnapshot saved)
        {
            if (_names.Count == 0 && _ids.Count == 0)
                return saved.Mappings.Where(m => m.SyncEnabled).Select(m => new SyncSubject(m.SophosCustomerId, m.SophosCustomerName, m, Named: false)).ToList();

            var named = new Dictionary<Guid, SyncSubject>();
            NameFilter filter = Guard(() => NameFilter.Create(_names.Distinct(StringComparer.OrdinalIgnoreCase), saved.Mappings.Select(m => m.SophosCustomerName)));
            foreach (CustomerMapping m in saved.Mappings.Where(m => filter.IsMatch(m.SophosCustomerName)))
                named[m.SophosCustomerId] = new SyncSubject(m.SophosCustomerId, m.SophosCustomerName, m, Named: true);
            foreach (var name in filter.Names.Where(n => !n.Matched && !n.IsPattern))
                WriteItemError(new PsaMappingException(ErrorIds.SyncCustomerNotMapped, PsaErrorKind.NotFound,
                    $"No saved mapping is for a customer named {UserText.Quoted(name.Name)}, so it was not synchronized. Run Get-PsaMapping -IncludeUnmapped to see the customers, then map it with Set-PsaMapping.") { Target = name.Name });

            foreach (Guid id in _ids.Distinct())
            {
                if (named.ContainsKey(id)) continue;
                CustomerMapping? m = saved.Find(id);
                named[id] = new SyncSubject(id, m?.SophosCustomerName ?? id.ToString(), m, Named: true);
            }

            // A contract shared by several synced customers bills their sum: sync them together, or one would undo the other.
            var contracts = new HashSet<long>(named.Values.Where(s => s.Mapping != null && s.Mapping.SyncEnabled).Select(s => s.Mapping!.ContractId));
            foreach (CustomerMapping mate in saved.Mappings.Where(m => m.SyncEnabled && contracts.Contains(m.ContractId) && !named.ContainsKey(m.SophosCustomerId)))
                named[mate.SophosCustomerId] = new SyncSubject(mate.SophosCustomerId, mate.SophosCustomerName, mate, Named: false);
            return named.Values.ToList();
        }

        private static string MappingStoreUser() => MappingStore.CurrentUser();

        internal static string Describe(SyncLine line) =>
            $"{line.SophosCustomerName}: contract '{line.ContractName}' ({line.ContractId}), service '{line.ServiceName}' ({line.AutotaskServiceId}): " +
            $"{line.CurrentUnits:0.####} -> {line.TargetUnits:0.####} units ({line.UnitChange:+0.####;-0.####}) effective {line.EffectiveDate:yyyy-MM-dd}";

        private static string Names(IReadOnlyList<string> names) =>
            names.Count <= 5 ? string.Join(", ", names.Select(n => $"'{n}'")) : string.Join(", ", names.Take(5).Select(n => $"'{n}'")) + $" and {names.Count - 5} more";

        private static PsaErrorKind KindOf(string? reason) =>
            reason == ErrorIds.SyncContractGone ? PsaErrorKind.NotFound
            : reason == ErrorIds.SyncAdjustmentUnconfirmed ? PsaErrorKind.Unavailable
            : PsaErrorKind.InvalidArgument;
    }
}
