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
        [EmptyAsNull]
        public long? AutotaskCompanyId { get; set; }

        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("ContractName")]
        [EmptyAsNull]
        public string? Contract { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [EmptyAsNull]
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
            PsaMappingException? invalid = InvalidColumn();
            if (invalid != null)
            {
                WriteItemError(invalid);
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
            // -IncludeUnmapped exports them): from a pipeline it means "not mapped", not a mistake.
            bool blank = request.AutotaskCompanyId == null && request.AutotaskCompanyName == null && request.ContractId == null && request.ContractName == null;
            if (blank && MyInvocation.ExpectingInput)
            {
                WriteVerbose($"Skipped '{request.CustomerLabel}': the row has no company or contract (an unmapped row).");
                return;
            }

            _requests.Add(request);
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
                ("AutotaskCompanyId", AutotaskCompanyId.HasValue, "a company id (a whole number)"),
                ("ContractId", ContractId.HasValue, "a contract id (a whole number)"),
            };
            foreach (var column in columns)
            {
                string? text = InputObject.Properties[column.Name]?.Value?.ToString();
                if (column.Bound || string.IsNullOrWhiteSpace(text)) continue;
                return new PsaMappingException("MappingColumnInvalid", PsaErrorKind.InvalidArgument,
                    $"The row's {column.Name} '{text}' is not {column.Expected}, so the row was skipped. Correct the value and set the row again.")
                { Target = InputObject };
            }

            return null;
        }

        protected override void EndProcessing()
        {
            if (_requests.Count == 0) return;

            MappingStore store = MappingStore.Default();
            MappingSnapshot saved = Guard(() => store.Load());
            SophosCentralClient sophos = RequireSophos();
            AutotaskDirectory autotask = RequireAutotask();

            LiveData live = Run((observer, token) => LiveData.ForRequestsAsync(_requests, sophos, autotask, observer, token));
            IReadOnlyList<RuleOutcome> outcomes = MappingRules.Resolve(_requests, live, saved);

            var approved = new Dictionary<Guid, CustomerMapping>();
            bool anyDeclined = false;
            foreach (RuleOutcome outcome in outcomes)
            {
                if (outcome.Error != null)
                {
                    WriteItemError(outcome.Error);
                    continue;
                }

                CustomerMapping mapping = outcome.Resolved!.Mapping;
                foreach (string warning in outcome.Resolved.Warnings)
                    WriteWarning($"{mapping.SophosCustomerName}: {warning}");

                CustomerMapping? current = saved.Find(mapping.SophosCustomerId);
                if (current != null && current.SameAs(mapping))
                {
                    approved[mapping.SophosCustomerId] = mapping; // unchanged: counted, nothing to confirm
                    continue;
                }

                string action = current == null ? "Add mapping" : $"Change mapping (was {Describe(current)})";
                if (ShouldProcess($"{mapping.SophosCustomerName} -> {Describe(mapping)}", action))
                    approved[mapping.SophosCustomerId] = mapping;
                else
                    anyDeclined = true;
            }

            // -WhatIf (or "no" to every -Confirm question): nothing is written, and nothing claims it was.
            bool anyChange = approved.Values.Any(m => !(saved.Find(m.SophosCustomerId)?.SameAs(m) ?? false));
            if (approved.Count == 0 || WhatIfMode || (anyDeclined && !anyChange)) return;

            MappingSaveResult result = Guard(() => store.Save(approved.Values.Select(MappingEdit.Upsert).ToList(), MappingStore.CurrentUser()));
            WriteInformation(new InformationRecord(
                $"Saved {result.Added + result.Changed + result.Unchanged} mappings ({result.Added} new, {result.Changed} changed, {result.Unchanged} unchanged).",
                "PsaMapping"));
            WriteRequestSummary();

            if (PassThru)
                foreach (MappingChange change in result.Changes.Where(c => c.After != null))
                    WriteObject(MappingRow.From(change.After!));
        }

        internal static string Describe(CustomerMapping mapping) =>
            $"'{mapping.AutotaskCompanyName}' (id {mapping.AutotaskCompanyId}) / '{mapping.ContractName}' (id {mapping.ContractId}), sync {(mapping.SyncEnabled ? "on" : "off")}";
    }
}
