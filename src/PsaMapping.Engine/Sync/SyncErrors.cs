using System;

namespace PsaMapping.Engine.Sync
{
    /// <summary>
    /// The stable ids of the sync's refusals (they become FullyQualifiedErrorIds and the Reason of a line), so that
    /// a script can tell one customer's problem from another's.
    /// </summary>
    public static class SyncErrors
    {
        /// <summary>A customer named to Sync-PsaUsage has no mapping.</summary>
        public const string CustomerNotMapped = "SyncCustomerNotMapped";

        /// <summary>A customer named to Sync-PsaUsage has sync turned off.</summary>
        public const string SyncDisabled = "SyncDisabled";

        public const string ContractGone = "SyncContractGone";
        public const string ContractNotRecurring = "SyncContractNotRecurring";
        public const string ContractInactive = "SyncContractInactive";
        public const string ContractEnded = "SyncContractEnded";
        public const string ContractNotStarted = "SyncContractNotStarted";

        /// <summary>A mapped service with usage is not on the contract (and -AddMissingService was not given).</summary>
        public const string ServiceNotOnContract = "SyncServiceNotOnContract";

        /// <summary>The contract has the service on two or more lines.</summary>
        public const string ServiceAmbiguous = "SyncServiceAmbiguous";

        /// <summary>A usage product code has no product mapping (a warning, and that product's line is skipped).</summary>
        public const string ProductUnmapped = "SyncProductUnmapped";

        /// <summary>Sophos has billing data for the month, but none for this customer: skipped, nothing changed.</summary>
        public const string NoUsage = "SyncNoUsage";

        /// <summary>Sophos has no billing data for the month at all (404): a warning, nothing changes anywhere.</summary>
        public const string UsageNotAvailable = "SophosUsageNotAvailable";

        /// <summary>The billing period in force on the effective date is approved and posted: Autotask would refuse any change to it.</summary>
        public const string PeriodPosted = "SyncPeriodPosted";

        /// <summary>Autotask refused the adjustment (for example: a posted period); its message is on the line.</summary>
        public const string AdjustmentRefused = "AutotaskAdjustmentRefused";

        /// <summary>A post's outcome stayed unknown and the line's units could not be confirmed by reading them again.</summary>
        public const string AdjustmentUnconfirmed = "SyncAdjustmentUnconfirmed";

        /// <summary>Ctrl+C: the lines not yet posted were left alone.</summary>
        public const string Stopped = "SyncStopped";

        internal static string NotMappedMessage(string name, Guid id) =>
            $"The Sophos Central customer '{name}' has no mapping, so its usage was not synchronized. " +
            $"Map it first: Set-PsaMapping -SophosCustomerId {id} -AutotaskCompanyId <id> -ContractId <id> -SyncEnabled $true.";

        internal static string SyncOffMessage(string name, Guid id) =>
            $"Sync is off for '{name}', so its usage was not synchronized. Turn it on with Set-PsaMapping -SophosCustomerId {id} -SyncEnabled $true (and the same company and contract).";
    }
}
