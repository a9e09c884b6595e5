using System;
using System.Collections.Generic;
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

        private AuditHistory? _history;

        protected override void ProcessRecord()
        {
            MappingStore store = MappingStore.Default();
            if (_history == null)
            {
                // Read once, even when many customers are piped in.
                _history = Guard(() => store.ReadHistory());
                if (_history.SkippedLines > 0)
                    WriteWarning($"{_history.SkippedLines} line(s) of the audit log '{store.AuditPath}' could not be read and were skipped (a line cut short by a crash, or edited by hand).");
            }

            IEnumerable<AuditEntry> entries = _history;
            if (SophosCustomerId.HasValue) entries = entries.Where(e => e.SophosCustomerId == SophosCustomerId.Value);
            if (SophosCustomer != null)
            {
                // A customer renamed since (Update-PsaMapping) keeps its older entries: match the name in any
                // entry, then take every entry of those customers.
                AuditHistory history = _history;
                NameFilter filter = Guard(() => NameFilter.Create(new[] { SophosCustomer },
                    history.SelectMany(e => new[] { e.Before?.SophosCustomerName, e.After?.SophosCustomerName }).Where(n => n != null).Select(n => n!)));
                var ids = new HashSet<Guid>(history.Where(e => filter.IsMatch(e.Before?.SophosCustomerName) | filter.IsMatch(e.After?.SophosCustomerName))
                                                    .Select(e => e.SophosCustomerId));
                entries = entries.Where(e => ids.Contains(e.SophosCustomerId));
            }

            if (Since.HasValue)
            {
                DateTimeOffset since = Since.Value.Kind == DateTimeKind.Unspecified
                    ? new DateTimeOffset(DateTime.SpecifyKind(Since.Value, DateTimeKind.Local))
                    : new DateTimeOffset(Since.Value);
                entries = entries.Where(e => e.When >= since);
            }

            var list = entries.ToList();
            if (Last > 0 && list.Count > Last) list = list.Skip(list.Count - Last).ToList();
            WriteObject(list, enumerateCollection: true);
        }
    }
}
