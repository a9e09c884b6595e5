namespace PsaMapping.Engine
{
    /// <summary>
    /// Every error id the module raises, in one place. They become the FullyQualifiedErrorId of an ErrorRecord
    /// (or the Reason of a sync line), so scripts may rely on them: never rename one. A test checks that each is
    /// in the README's Errors table and in the cmdlets' help, and that no raise site spells an id as a literal.
    /// </summary>
    public static class ErrorIds
    {
        // Sophos Central: connection and requests.

        /// <summary>No Sophos Central connection and no saved credential: run Connect-SophosCentral.</summary>
        public const string SophosNotConnected = "SophosNotConnected";
        /// <summary>The client ID or secret was rejected (which one is said).</summary>
        public const string SophosAuthenticationFailed = "SophosAuthenticationFailed";
        /// <summary>A tenant or organization credential was given instead of a partner credential.</summary>
        public const string SophosNotPartnerCredential = "SophosNotPartnerCredential";
        /// <summary>The credential has no client ID or no secret.</summary>
        public const string SophosCredentialIncomplete = "SophosCredentialIncomplete";
        /// <summary>The credential's role may not read what was asked.</summary>
        public const string SophosForbidden = "SophosForbidden";
        /// <summary>Sophos Central has no such thing (404), or a page vanished while being read.</summary>
        public const string SophosNotFound = "SophosNotFound";
        /// <summary>Sophos Central answered with an HTTP status the module has no better name for.</summary>
        public const string SophosRequestFailed = "SophosRequestFailed";
        /// <summary>Sophos Central could not be reached or kept failing through every retry.</summary>
        public const string SophosUnavailable = "SophosUnavailable";
        /// <summary>Sophos Central answered something unreadable (an HTML page, broken JSON, a missing field).</summary>
        public const string SophosInvalidResponse = "SophosInvalidResponse";
        /// <summary>A Sophos Central answer was larger than the module reads.</summary>
        public const string SophosResponseTooLarge = "SophosResponseTooLarge";
        /// <summary>Sophos Central's request limit is used up and it asks to wait past the command's deadline.</summary>
        public const string SophosThresholdExceeded = "SophosThresholdExceeded";
        /// <summary>Sophos Central's TLS certificate was not accepted.</summary>
        public const string SophosCertificateRejected = "SophosCertificateRejected";
        /// <summary>A write to Sophos Central may or may not have happened (its answer was lost); the module only reads from Sophos Central today.</summary>
        public const string SophosOutcomeUnknown = "SophosOutcomeUnknown";
        /// <summary>No Sophos Central customer by that name or id.</summary>
        public const string SophosCustomerNotFound = "SophosCustomerNotFound";
        /// <summary>Several Sophos Central customers carry that name: give the id.</summary>
        public const string SophosCustomerAmbiguous = "SophosCustomerAmbiguous";

        // Autotask: connection and requests.

        /// <summary>No Autotask connection and no saved credential: run Connect-Autotask.</summary>
        public const string AutotaskNotConnected = "AutotaskNotConnected";
        /// <summary>The credential has no user name or no secret.</summary>
        public const string AutotaskCredentialIncomplete = "AutotaskCredentialIncomplete";
        /// <summary>No integration code was given and none is known from a connection or a saved credential.</summary>
        public const string AutotaskIntegrationCodeMissing = "AutotaskIntegrationCodeMissing";
        /// <summary>Autotask does not know the user name.</summary>
        public const string AutotaskUnknownUser = "AutotaskUnknownUser";
        /// <summary>Autotask rejected the secret.</summary>
        public const string AutotaskSecretRejected = "AutotaskSecretRejected";
        /// <summary>Autotask rejected the integration code.</summary>
        public const string AutotaskIntegrationCodeRejected = "AutotaskIntegrationCodeRejected";
        /// <summary>Autotask refused the user name or the integration code without saying which.</summary>
        public const string AutotaskAuthenticationFailed = "AutotaskAuthenticationFailed";
        /// <summary>The user may not do this: it needs the security level API User (system).</summary>
        public const string AutotaskForbidden = "AutotaskForbidden";
        /// <summary>Autotask found nothing for a request (404).</summary>
        public const string AutotaskNotFound = "AutotaskNotFound";
        /// <summary>Autotask answered with an HTTP status the module has no better name for.</summary>
        public const string AutotaskRequestFailed = "AutotaskRequestFailed";
        /// <summary>Autotask could not be reached or kept failing through every retry.</summary>
        public const string AutotaskUnavailable = "AutotaskUnavailable";
        /// <summary>Autotask answered something unreadable (an HTML page, broken JSON, a missing field).</summary>
        public const string AutotaskInvalidResponse = "AutotaskInvalidResponse";
        /// <summary>An Autotask answer was larger than the module reads.</summary>
        public const string AutotaskResponseTooLarge = "AutotaskResponseTooLarge";
        /// <summary>Autotask's hourly request limit is used up and it asks to wait past the command's deadline.</summary>
        public const string AutotaskThresholdExceeded = "AutotaskThresholdExceeded";
        /// <summary>Autotask's TLS certificate was not accepted.</summary>
        public const string AutotaskCertificateRejected = "AutotaskCertificateRejected";
        /// <summary>A write to Autotask may or may not have happened (its answer was lost); the sync reads the units again.</summary>
        public const string AutotaskOutcomeUnknown = "AutotaskOutcomeUnknown";
        /// <summary>No Autotask company by that name or id.</summary>
        public const string AutotaskCompanyNotFound = "AutotaskCompanyNotFound";
        /// <summary>Several Autotask companies by that name: give the id.</summary>
        public const string AutotaskCompanyAmbiguous = "AutotaskCompanyAmbiguous";
        /// <summary>The Autotask company is inactive.</summary>
        public const string AutotaskCompanyInactive = "AutotaskCompanyInactive";
        /// <summary>No Autotask service by that name or id.</summary>
        public const string AutotaskServiceNotFound = "AutotaskServiceNotFound";
        /// <summary>Several Autotask services by that name: give the id.</summary>
        public const string AutotaskServiceAmbiguous = "AutotaskServiceAmbiguous";
        /// <summary>Autotask refused a usage adjustment (its message is on the line), or was too busy through every retry.</summary>
        public const string AutotaskAdjustmentRefused = "AutotaskAdjustmentRefused";
        /// <summary>No Autotask contract by that name or id (for the company).</summary>
        public const string ContractNotFound = "ContractNotFound";
        /// <summary>Several contracts of the company by that name: give the id.</summary>
        public const string ContractAmbiguous = "ContractAmbiguous";
        /// <summary>The contract belongs to another company than the one mapped.</summary>
        public const string ContractNotOfCompany = "ContractNotOfCompany";
        /// <summary>The contract is cancelled (inactive).</summary>
        public const string ContractCancelled = "ContractCancelled";

        // Addresses and input.

        /// <summary>Plain http to another machine.</summary>
        public const string InsecureUri = "InsecureUri";
        /// <summary>Not an absolute http(s) address (or an address with a query string where none belongs).</summary>
        public const string InvalidUri = "InvalidUri";
        /// <summary>A customer name is a wildcard pattern PowerShell cannot read (an unbalanced [).</summary>
        public const string NamePatternInvalid = "NamePatternInvalid";

        // Saved credentials.

        /// <summary>The saved credentials file can be read by others.</summary>
        public const string CredentialFileInsecure = "CredentialFileInsecure";
        /// <summary>The saved credentials file is damaged, newer, or from another user; it is left untouched.</summary>
        public const string CredentialFileUnreadable = "CredentialFileUnreadable";

        // Mappings.

        /// <summary>A mapping row names no Sophos Central customer.</summary>
        public const string MappingCustomerMissing = "MappingCustomerMissing";
        /// <summary>A mapping row names no Autotask contract.</summary>
        public const string MappingContractMissing = "MappingContractMissing";
        /// <summary>A piped row's id column is not an id; the row is skipped, the others go on.</summary>
        public const string MappingColumnInvalid = "MappingColumnInvalid";
        /// <summary>No saved mapping for that customer, name or pattern.</summary>
        public const string MappingNotFound = "MappingNotFound";
        /// <summary>One product code given two services.</summary>
        public const string ProductMappingAmbiguous = "ProductMappingAmbiguous";
        /// <summary>No product mapping for that code.</summary>
        public const string ProductMappingNotFound = "ProductMappingNotFound";

        // The store: the folder.

        /// <summary>The mapping file is damaged; it is left untouched.</summary>
        public const string MappingFileUnreadable = "MappingFileUnreadable";
        /// <summary>The mapping file was written by a newer PsaMapping; it is left untouched.</summary>
        public const string MappingFileNewer = "MappingFileNewer";
        /// <summary>A store file is a link.</summary>
        public const string MappingStoreLinkRefused = "MappingStoreLinkRefused";
        /// <summary>A folder where the store keeps a file, or a file where the store folder belongs.</summary>
        public const string MappingStoreFileInvalid = "MappingStoreFileInvalid";
        /// <summary>The store folder can be written by others and cannot be made private.</summary>
        public const string MappingStoreFolderInsecure = "MappingStoreFolderInsecure";
        /// <summary>The store (folder, file, or table) may not be read or written; nothing was changed.</summary>
        public const string MappingStoreAccessDenied = "MappingStoreAccessDenied";
        /// <summary>The disk refused a write; nothing was changed.</summary>
        public const string MappingStoreWriteFailed = "MappingStoreWriteFailed";
        /// <summary>Another command held the store's lock for too long.</summary>
        public const string StoreLocked = "StoreLocked";

        // The store: Azure Table Storage.

        /// <summary>The connection string cannot be used.</summary>
        public const string MappingStoreConnectionStringInvalid = "MappingStoreConnectionStringInvalid";
        /// <summary>The SAS token cannot be used.</summary>
        public const string MappingStoreSasTokenInvalid = "MappingStoreSasTokenInvalid";
        /// <summary>The table name cannot be used.</summary>
        public const string MappingStoreTableNameInvalid = "MappingStoreTableNameInvalid";
        /// <summary>The table does not exist and the secret may not create it.</summary>
        public const string MappingStoreTableMissing = "MappingStoreTableMissing";
        /// <summary>The table was written by a newer PsaMapping; it is left untouched.</summary>
        public const string MappingStoreNewer = "MappingStoreNewer";
        /// <summary>A row of the table cannot be read; nothing was changed.</summary>
        public const string MappingStoreUnreadable = "MappingStoreUnreadable";
        /// <summary>The table service could not be reached or kept failing through every retry.</summary>
        public const string MappingStoreUnavailable = "MappingStoreUnavailable";
        /// <summary>Other hosts kept changing the same rows through every attempt.</summary>
        public const string MappingStoreBusy = "MappingStoreBusy";
        /// <summary>The table service refused a request for another reason.</summary>
        public const string MappingStoreRequestFailed = "MappingStoreRequestFailed";
        /// <summary>Import-PsaMappingStore: the session's store is not a table.</summary>
        public const string MappingStoreNotTable = "MappingStoreNotTable";
        /// <summary>Import-PsaMappingStore: the folder to import does not exist.</summary>
        public const string MappingStoreFolderNotFound = "MappingStoreFolderNotFound";

        // The usage sync.

        /// <summary>Another sync holds the sync lock (who and until when are said).</summary>
        public const string SyncLocked = "SyncLocked";
        /// <summary>A sync's lease ran out and another sync took the lock.</summary>
        public const string SyncLockLost = "SyncLockLost";
        /// <summary>The sync lock file is damaged.</summary>
        public const string SyncLockUnreadable = "SyncLockUnreadable";
        /// <summary>-Year and -Month must be given together.</summary>
        public const string SyncMonthIncomplete = "SyncMonthIncomplete";
        /// <summary>A customer named to Sync-PsaUsage has no mapping.</summary>
        public const string SyncCustomerNotMapped = "SyncCustomerNotMapped";
        /// <summary>A customer named to Sync-PsaUsage has sync turned off.</summary>
        public const string SyncDisabled = "SyncDisabled";
        /// <summary>The mapped contract no longer exists.</summary>
        public const string SyncContractGone = "SyncContractGone";
        /// <summary>The mapped contract is not a recurring service contract.</summary>
        public const string SyncContractNotRecurring = "SyncContractNotRecurring";
        /// <summary>The mapped contract is inactive.</summary>
        public const string SyncContractInactive = "SyncContractInactive";
        /// <summary>The mapped contract ended before the effective date.</summary>
        public const string SyncContractEnded = "SyncContractEnded";
        /// <summary>The mapped contract starts after the effective date.</summary>
        public const string SyncContractNotStarted = "SyncContractNotStarted";
        /// <summary>A mapped service with usage is not on the contract (and -AddMissingService was not given).</summary>
        public const string SyncServiceNotOnContract = "SyncServiceNotOnContract";
        /// <summary>The contract has the service on two or more lines.</summary>
        public const string SyncServiceAmbiguous = "SyncServiceAmbiguous";
        /// <summary>A usage product code has no product mapping (a warning, and that product's line is skipped).</summary>
        public const string SyncProductUnmapped = "SyncProductUnmapped";
        /// <summary>Sophos has billing data for the month, but none for this customer: skipped, nothing changed.</summary>
        public const string SyncNoUsage = "SyncNoUsage";
        /// <summary>The billing period in force on the effective date is approved and posted: Autotask would refuse any change to it.</summary>
        public const string SyncPeriodPosted = "SyncPeriodPosted";
        /// <summary>A post's outcome stayed unknown and the line's units could not be confirmed by reading them again.</summary>
        public const string SyncAdjustmentUnconfirmed = "SyncAdjustmentUnconfirmed";
        /// <summary>Ctrl+C: the lines not yet posted were left alone.</summary>
        public const string SyncStopped = "SyncStopped";
    }
}
