using System;
using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine.Mapping;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Get-PsaSyncHistory: the sync log, oldest first. Every adjustment has an Intent entry written before it was
    /// posted and an outcome entry (Posted with Autotask's id, Refused, or Unknown) after; an Intent with no outcome
    /// is a post interrupted by a crash, which the next Sync-PsaUsage settles by reading the units first.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "PsaSyncHistory")]
    [OutputType(typeof(SyncLogEntry))]
    public sealed class GetPsaSyncHistoryCommand : PsaMappingCmdlet
    {
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(SophosCustomerNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? SophosCustomer { get; set; }

        [Parameter]
        [ValidateRange(2000, 9999)]
        public int? Year { get; set; }

        [Parameter]
        [ValidateRange(1, 12)]
        public int? Month { get; set; }

        /// <summary>Only entries written at or after this moment.</summary>
        [Parameter]
        public DateTime? Since { get; set; }

        /// <summary>Only the newest this many entries (of those the other filters keep).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int? Last { get; set; }

        protected override void EndProcessing()
        {
            var query = new SyncLogQuery
            {
                Year = Year,
                Month = Month,
                Since = Since.HasValue ? new DateTimeOffset(Since.Value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(Since.Value, DateTimeKind.Local) : Since.Value) : (DateTimeOffset?)null,
                Last = Last,
            };
            if (SophosCustomer != null)
            {
                // An exact name as written, otherwise a pattern, read against the names in the log; a bad pattern is NamePatternInvalid.
                string[] names = SophosCustomer;
                query.SophosCustomerName = known => NameFilter.Create(names, known).IsMatch;
            }

            StoredEntries<SyncLogEntry> entries = UseStore((store, token) => store.ReadSyncLogAsync(query, token));
            if (entries.Skipped > 0)
                WriteWarning($"{entries.Skipped} line(s) of the sync log could not be read (torn by a crash, or edited by hand) and were skipped.");
            WriteObject(entries, enumerateCollection: true);
        }
    }
}
