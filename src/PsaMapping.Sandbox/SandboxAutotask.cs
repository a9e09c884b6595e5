namespace PsaMapping.Sandbox
{
    /// <summary>A seeded Autotask company (account), as served by the sandbox (for test assertions).</summary>
    /// <param name="CompanyNumber">The optional account number; null when the MSP never filled it in.</param>
    /// <param name="CompanyType">A <see cref="AutotaskCodes.CompanyType"/> picklist value.</param>
    /// <param name="OrganizationId">
    /// The <see cref="Data.SandboxOrganization"/> this company really is; null for decoys (look-alikes of a
    /// tenant that are a different business) and for companies of businesses that have no Sophos tenant.
    /// </param>
    public sealed record SandboxCompany(
        long Id,
        string CompanyName,
        string? CompanyNumber,
        int CompanyType,
        bool IsActive,
        long? ParentCompanyId,
        DateTime LastActivityDate,
        Guid? OrganizationId)
    {
        public DateTime CreateDate { get; init; }

        public string? WebAddress { get; init; }

        /// <summary>The "Customer Tier" user-defined field (Gold, Silver, Bronze), or null when not set.</summary>
        public string? CustomerTier { get; init; }
    }

    /// <summary>A seeded Autotask contract, as served by the sandbox (for test assertions).</summary>
    /// <param name="ContractType">A <see cref="AutotaskCodes.ContractType"/> value; 7 is Recurring Service.</param>
    /// <param name="ContractCategory">A <see cref="AutotaskCodes.ContractCategory"/> value, or null.</param>
    /// <param name="Status">1 Active, 0 Inactive. Autotask has no "cancelled": an inactive contract is what users call cancelled.</param>
    /// <param name="EndDate">An active contract whose end date has passed is expired, and still active.</param>
    public sealed record SandboxContract(
        long Id,
        long CompanyId,
        string ContractName,
        string? ContractNumber,
        int ContractType,
        int? ContractCategory,
        int Status,
        DateTime StartDate,
        DateTime EndDate,
        bool IsDefaultContract,
        DateTime LastModifiedDateTime)
    {
        /// <summary>The "Billing Reference" user-defined field, or null when not set.</summary>
        public string? BillingReference { get; init; }
    }

    /// <summary>
    /// The picklist values the sandbox serves. Clients must read them from entityInformation/fields like
    /// they would against the real service; these constants are for the sandbox and its tests.
    /// </summary>
    public static class AutotaskCodes
    {
        public static class CompanyType
        {
            public const int Customer = 1;
            public const int Lead = 2;
            public const int Prospect = 3;
            public const int Dead = 4;
            public const int Cancelation = 6;
            public const int Vendor = 7;
            public const int Partner = 8;
        }

        public static class ContractType
        {
            public const int TimeAndMaterials = 1;
            public const int FixedPrice = 3;
            public const int BlockHours = 4;
            public const int Retainer = 6;
            public const int RecurringService = 7;
            public const int Incident = 8;
        }

        public static class ContractStatus
        {
            public const int Inactive = 0;
            public const int Active = 1;
        }

        public static class ContractCategory
        {
            public const int Standard = 1;
            public const int ManagedServices = 2;
            public const int Security = 3;
            public const int CloudServices = 4;
            public const int Projects = 5;
            /// <summary>An inactive picklist value: old contracts still carry it.</summary>
            public const int Legacy = 6;
        }

        /// <summary>A service's billing period (Services.periodType).</summary>
        public static class PeriodType
        {
            public const int OneTime = 1;
            public const int Monthly = 2;
            public const int Quarterly = 3;
            public const int SemiAnnual = 4;
            public const int Yearly = 5;
        }
    }
}
