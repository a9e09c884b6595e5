using System;
using System.Management.Automation;
using PsaMapping.Engine.Mapping;

namespace PsaMapping.Commands
{
    /// <summary>Get-PsaMappingHistory: the audit log of every saved change (when, who, before, after).</summary>
    [Cmdlet(VerbsCommon.Get, "PsaMappingHistory")]
    [OutputType(typeof(AuditEntry))]
    public sealed class GetPsaMappingHistoryCommand : PsaMappingCmdlet
    {
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string? SophosCustomer { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public Guid? SophosCustomerId { get; set; }

        [Parameter]
        public DateTime? Since { get; set; }

        /// <summary>Only the newest this many entries.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Last { get; set; }

        protected override void ProcessRecord()
        {
            var query = new HistoryQuery { SophosCustomerId = SophosCustomerId, Last = Last > 0 ? Last : (int?)null };
            if (SophosCustomer != null)
            {
                // A customer renamed since (Update-PsaMapping) keeps its older entries: the store matches the name
                // in any entry (an exact name as written, otherwise as a pattern), then takes every entry of those customers.
                string[] names = { SophosCustomer };
                query.SophosCustomerName = known => NameFilter.Create(names, known).IsMatch;
            }

            if (Since.HasValue)
                query.Since = Since.Value.Kind == DateTimeKind.Unspecified
                    ? new DateTimeOffset(DateTime.SpecifyKind(Since.Value, DateTimeKind.Local))
                    : new DateTimeOffset(Since.Value);

            // The log is read once per pipeline, however many customers are piped in; each record filters it with
            // the one history filter, as the store itself would.
            if (_all == null)
            {
                _all = UseStore((s, token) => s.ReadHistoryAsync(HistoryQuery.All, token));
                if (_all.Skipped > 0)
                    WriteWarning($"{_all.Skipped} audit entries in '{Store.Location}' could not be read and were skipped (a line cut short by a crash, or edited by hand).");
            }
            StoredEntries<AuditEntry> all = _all;
            WriteObject(Guard(() => query.Apply(all)), enumerateCollection: true); // a bad name pattern is NamePatternInvalid
        }

        protected override void EndProcessing() => WriteRequestSummary();

        private StoredEntries<AuditEntry>? _all;
    }
}
