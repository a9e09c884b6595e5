using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Set-PsaMapping: records which Autotask company and contract a Sophos Central customer is billed under,
    /// and its Sync with PSA flag. Rows come from parameters or the pipeline (ids or names); they are all
    /// checked with a few bulk requests, bad rows are reported and skipped, and the rest are saved once, at
    /// the end, atomically.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "PsaMapping", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MappingRow))]
    public sealed class SetPsaMappingCommand : PsaMappingCmdlet
    {
        private readonly List<MappingRequest> _requests = new List<MappingRequest>();
        private readonly List<MappingRequest> _blankRows = new List<MappingRequest>();
        private readonly SortedSet<string> _unknownColumns = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        private int _failed;

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("SophosCustomerName")]
        [ArgumentCompleter(typeof(SophosCustomerNameCompleter))]
        [EmptyAsNull]
        public string? SophosCustomer { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [EmptyAsNull]
        public Guid? SophosCustomerId { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("AutotaskCompanyName")]
        [ArgumentCompleter(typeof(AutotaskCompanyNameCompleter))]
        [EmptyAsNull]
        public string? AutotaskCompany { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [WholeNumber]
        public long? AutotaskCompanyId { get; set; }

        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("ContractName")]
        [EmptyAsNull]
        public string? Contract { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [WholeNumber]
        public long? ContractId { get; set; }

        /// <summary>The "Sync with PSA" toggle. Not given: kept as it is (off for a new mapping).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [FlexibleBoolean]
        public bool? SyncEnabled { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The piped row itself, kept only to name it in errors (its properties bind to the parameters above).</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        protected override void ProcessRecord()
        {
            NoteUnknownColumns();
            PsaMappingException? invalid = InvalidColumn();
            if (invalid != null)
            {
                WriteItemError(invalid);
                _failed++;
                return;
            }

            var request = new MappingRequest
            {
                SophosCustomerId = SophosCustomerId,
                SophosCustomerName = SophosCustomer,
                AutotaskCompanyId = AutotaskCompanyId,
                AutotaskCompanyName = AutotaskCompany,
                ContractId = ContractId,
                ContractName = Contract,
                SyncEnabled = SyncEnabled,
                Source = InputObject ?? (object?)(SophosCustomer ?? SophosCustomerId?.ToString()),
            };

            // A row with neither company nor contract is a blank row of the mapping page (Get-PsaMapping
            // -IncludeUnmapped exports them): from a pipeline it means "not mapped", not a mistake. Whether it
            // blanks a customer that is mapped now is decided at the end, against the store.
            bool blank = request.AutotaskCompanyId == null && request.AutotaskCompanyName == null && request.ContractId == null && request.ContractName == null;
            if (blank && MyInvocation.ExpectingInput)
            {
                WriteVerbose($"Skipped '{UserText.Clip(request.CustomerLabel)}': the row has no company or contract (an unmapped row).");
                _blankRows.Add(request);
                return;
            }

            _requests.Add(request);
        }

        /// <summary>
        /// Columns of a piped row (Import-Csv, a hashtable cast to [pscustomobject]) that no parameter reads and no
        /// PsaMapping output carries: most likely misspelled (SyncEnable), so the value the user meant is not used.
        /// </summary>
        private void NoteUnknownColumns()
        {
            if (InputObject == null || !(InputObject.BaseObject is PSCustomObject)) return;
            foreach (PSPropertyInfo property in InputObject.Properties)
                if (property is PSNoteProperty && !KnownColumns.Names.Contains(property.Name))
                    _unknownColumns.Add(property.Name);
        }

        /// <summary>
        /// A piped row whose id column holds something that is not an id. PowerShell leaves such a property
        /// unbound without a word (the row itself binds to InputObject), which would silently drop the value:
        /// say so instead, and skip the row.
        /// </summary>
        private PsaMappingException? InvalidColumn()
        {
            if (InputObject == null) return null;
            var columns = new (string Name, bool Bound, string Expected)[]
            {
                ("SophosCustomerId", SophosCustomerId.HasValue, "a customer id (a GUID)"),
                ("AutotaskCompanyId", AutotaskCompanyId.HasValue, "a company id (a whole decimal number)"),
                ("ContractId", ContractId.HasValue, "a contract id (a whole decimal number)"),
            };
            foreach (var column in columns)
            {
                string? text = InputObject.Properties[column.Name]?.Value?.ToString();
                if (column.Bound || string.IsNullOrWhiteSpace(text)) continue;
                return new PsaMappingException(ErrorIds.MappingColumnInvalid, PsaErrorKind.InvalidArgument,
                    $"The row's {column.Name} '{UserText.Clip(text)}' is not {column.Expected}, so the row was skipped. Correct the value and set the row again.")
                { Target = InputObject };
            }

            return null;
        }

        protected override void EndProcessing()
        {
            if (_unknownColumns.Count > 0)
                WriteWarning($"The piped rows have {(_unknownColumns.Count == 1 ? "a column" : "columns")} Set-PsaMapping does not read, so " +
                             $"{(_unknownColumns.Count == 1 ? "it was" : "they were")} ignored: {string.Join(", ", _unknownColumns.Select(c => $"'{UserText.Clip(c)}'"))}. " +
                             "The columns it reads are SophosCustomerId, SophosCustomerName, AutotaskCompanyId, AutotaskCompanyName, ContractId, ContractName and SyncEnabled: check the spelling.");

            MappingSnapshot saved = UseStore((store, token) => store.LoadAsync(token));
            WarnAboutBlankedRows(saved);
            if (_requests.Count == 0)
            {
                if (_failed > 0) this.WriteConfirmation($"Nothing saved: {Rows(_failed)} had errors (above).");
                return;
            }

            SophosCentralClient sophos = RequireSophos();
            AutotaskDirectory autotask = RequireAutotask();

            LiveData live = Run((observer, token) => LiveData.ForRequestsAsync(_requests, sophos, autotask, observer, token));
            RuleResolution resolution = MappingRules.Resolve(_requests, live, saved);
            foreach (RepeatedCustomer repeated in resolution.Repeated)
                WriteWarning(repeated.Message);

            var approved = new Dictionary<Guid, ResolvedMapping>();
            bool anyDeclined = false;
            foreach (RuleOutcome outcome in resolution.Outcomes)
            {
                if (outcome.Error != null)
                {
                    WriteItemError(outcome.Error);
                    _failed++;
                    continue;
                }

                CustomerMapping mapping = outcome.Resolved!.Mapping;
                CustomerMapping? current = saved.Find(mapping.SophosCustomerId);
                if (current != null && current.SameAs(mapping))
                {
                    approved[mapping.SophosCustomerId] = outcome.Resolved; // unchanged: counted, nothing to confirm
                    continue;
                }

                string action = current == null ? "Add mapping" : $"Change mapping (was {Describe(current)})";
                if (ShouldProcess($"{UserText.Clip(mapping.SophosCustomerName)} -> {Describe(mapping)}", action))
                    approved[mapping.SophosCustomerId] = outcome.Resolved;
                else
                    anyDeclined = true;
            }

            // Only rows that change something say what to know about them: an unchanged row was said before.
            var changing = approved.Values.Where(r => !(saved.Find(r.Mapping.SophosCustomerId)?.SameAs(r.Mapping) ?? false)).ToList();
            var warnings = changing.SelectMany(r => r.Warnings).ToList();
            var users = new ContractUsers(saved.Mappings);
            foreach (ResolvedMapping resolved in approved.Values) users.Map(resolved.Mapping);
            foreach (string warning in MappingWarnings.Summarize(warnings, live, users.Counts))
                WriteWarning(warning);

            // -WhatIf (or "no" to every -Confirm question): nothing is written, and nothing claims it was.
            if (approved.Count == 0 || WhatIfMode || (anyDeclined && changing.Count == 0)) return;

            int attention = warnings.Select(w => w.Mapping.SophosCustomerId).Distinct().Count();
            string failed = _failed > 0 ? $" {Rows(_failed)} had errors (above) and {(_failed == 1 ? "was" : "were")} not saved." : "";
            if (changing.Count == 0)
            {
                this.WriteConfirmation($"Nothing to save: {(approved.Count == 1 ? "the mapping is" : $"all {approved.Count} mappings are")} saved as given.{failed}");
                WriteRequestSummary();
                return;
            }

            // Applied to the store's content as it is when saving, so a change another process saved since the
            // rules ran (a sync switch turned on, say) is kept where this row did not ask to change it.
            MappingSaveResult result = UseStore((store, token) => store.SaveAsync(
                current => approved.Values.Select(r => MappingEdit.Upsert(r.ApplyTo(current))), MappingStore.CurrentUser(), saved, token));
            this.WriteConfirmation(
                $"Saved {Count(result.Added + result.Changed, "mapping")} ({result.Added} new, {result.Changed} changed; {result.Unchanged} already as given)." +
                (attention > 0 ? $" {attention} of them {(attention == 1 ? "needs" : "need")} attention (warnings above): Test-PsaMapping lists every problem with how to fix it." : "") + failed);
            WriteRequestSummary();

            if (PassThru)
                foreach (MappingChange change in result.Changes.Where(c => c.After != null))
                    WriteObject(MappingRow.From(change.After!));
        }

        /// <summary>
        /// Blank rows for customers that are mapped now: the user probably blanked the row to unmap the customer,
        /// which Set-PsaMapping does not do. Say what does.
        /// </summary>
        private void WarnAboutBlankedRows(MappingSnapshot saved)
        {
            if (_blankRows.Count == 0) return;
            var byName = saved.Mappings.ToLookup(m => LiveData.Key(m.SophosCustomerName));
            var mapped = _blankRows
                .Select(r => r.SophosCustomerId.HasValue ? saved.Find(r.SophosCustomerId.Value) : byName[LiveData.Key(r.SophosCustomerName)].FirstOrDefault())
                .Where(m => m != null).Select(m => m!).Distinct().ToList();
            if (mapped.Count == 0) return;
            string who = mapped.Count == 1
                ? $"the row for '{UserText.Clip(mapped[0].SophosCustomerName)}' has no company or contract, so its mapping was kept. To unmap it, run Remove-PsaMapping -SophosCustomerId {mapped[0].SophosCustomerId}"
                : $"{mapped.Count} rows of mapped customers have no company or contract, so their mappings were kept. To unmap them, pipe those rows to Remove-PsaMapping";
            WriteWarning(char.ToUpperInvariant(who[0]) + who.Substring(1) + ".");
        }

        private static string Rows(int n) => n == 1 ? "1 row" : $"{n} rows";

        private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

        internal static string Describe(CustomerMapping mapping) =>
            $"'{UserText.Clip(mapping.AutotaskCompanyName)}' (id {mapping.AutotaskCompanyId}) / '{UserText.Clip(mapping.ContractName)}' (id {mapping.ContractId}), sync {(mapping.SyncEnabled ? "on" : "off")}";
    }
}
