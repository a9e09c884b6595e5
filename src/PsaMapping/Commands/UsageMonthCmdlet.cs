using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace PsaMapping.Commands
{
    /// <summary>
    /// What Get-SophosUsage and Sync-PsaUsage share: the usage month (default: the previous calendar month, UTC)
    /// and the customers given or piped in, collected over the whole pipeline.
    /// </summary>
    public abstract class UsageMonthCmdlet : PsaMappingCmdlet
    {
        private protected readonly List<string> _names = new List<string>();
        private protected readonly List<Guid> _ids = new List<Guid>();

        /// <summary>The usage year; with -Month. Default: the previous calendar month (UTC).</summary>
        [Parameter]
        [ValidateRange(2000, 9999)]
        public int? Year { get; set; }

        [Parameter]
        [ValidateRange(1, 12)]
        public int? Month { get; set; }

        /// <summary>Only these customers (wildcards allowed).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("SophosCustomerName")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(SophosCustomerNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? SophosCustomer { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public Guid[]? SophosCustomerId { get; set; }

        protected override void ProcessRecord()
        {
            if (SophosCustomer != null) _names.AddRange(SophosCustomer);
            if (SophosCustomerId != null) _ids.AddRange(SophosCustomerId);
        }
    }
}
