using System;
using System.Linq;
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
            MappingStore store = MappingStore.Default();
            DateTimeOffset? since = Since.HasValue ? new DateTimeOffset(Since.Value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(Since.Value, DateTimeKind.Local) : Since.Value) : (DateTimeOffset?)null;
            AuditHistory history = Guard(() => store.ReadHistory(SophosCustomerId, since, null));
            if (history.SkippedLines > 0)
                WriteWarning($"{history.SkippedLines} line(s) of the audit log '{store.AuditPath}' could not be read and were skipped (a line cut short by a crash, or edited by hand).");
            var entries = history.AsEnumerable();
            if (SophosCustomer != null)
            {
                var pattern = new WildcardPattern(SophosCustomer, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
                entries = entries.Where(e => pattern.IsMatch((e.After ?? e.Before)?.SophosCustomerName ?? string.Empty));
            }

            var list = entries.ToList();
            if (Last > 0 && list.Count > Last) list = list.Skip(list.Count - Last).ToList();
            WriteObject(list, enumerateCollection: true);
        }
    }
}
