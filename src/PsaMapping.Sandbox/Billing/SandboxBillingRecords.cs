namespace PsaMapping.Sandbox
{
    /// <summary>A Sophos product as the billing usage report names it.</summary>
    /// <param name="FormerCode">The code the product was reported under before it was renamed, or null.</param>
    /// <param name="FormerDescription">The description it was reported under before it was renamed, or null.</param>
    public sealed record SandboxProduct(
        string ProductCode,
        string Sku,
        string Description,
        string ProductGroup,
        decimal UnitPrice,
        string? FormerCode = null,
        string? FormerDescription = null);

    /// <summary>A service of the Autotask catalogue (Services).</summary>
    /// <param name="PeriodType">A <see cref="AutotaskCodes.PeriodType"/> picklist value.</param>
    public sealed record SandboxService(
        long Id,
        string Name,
        string? Description,
        string? InvoiceDescription,
        decimal UnitPrice,
        decimal UnitCost,
        int PeriodType,
        bool IsActive);

    /// <summary>A service line of a contract (ContractServices): no units, those are per period in <see cref="SandboxServiceUnits"/>.</summary>
    public sealed record SandboxContractService(
        long Id,
        long ContractId,
        long ServiceId,
        decimal UnitPrice,
        decimal UnitCost,
        string? InvoiceDescription);

    /// <summary>One ContractServiceUnits row: the units of a line from <paramref name="StartDate"/> to <paramref name="EndDate"/> (both inclusive).</summary>
    public sealed record SandboxServiceUnits(
        long Id,
        long ContractId,
        long ContractServiceId,
        long ServiceId,
        DateTime StartDate,
        DateTime EndDate,
        decimal Units,
        decimal Price,
        DateTime? ApproveAndPostDate);

    /// <summary>One item of the Sophos billing usage report: one product of one tenant in a month.</summary>
    /// <param name="AccountId">The tenant; null for the few items Sophos reports without one.</param>
    public sealed record SandboxUsageItem(
        Guid? AccountId,
        string? AssignedAccountIdentifier,
        string ProductCode,
        string Sku,
        string ProductDescription,
        string ProductGroup,
        decimal BillableQuantity,
        decimal ActualQuantity,
        decimal OrderedQuantity,
        DateTime BillingStartDate,
        DateTime BillingEndDate,
        string OrderLineItemNumber,
        string UnitPrice,
        string NetPrice,
        string Currency);

    /// <summary>What the sandbox did with an adjustment it received.</summary>
    public enum SandboxAdjustmentOutcome
    {
        /// <summary>Applied and answered with its item id.</summary>
        Applied,

        /// <summary>Applied, then the connection was dropped before the answer (the apply-then-drop fault).</summary>
        AppliedThenDropped,

        /// <summary>Refused with Autotask's {"errors":[...]}; nothing changed.</summary>
        Refused,
    }

    /// <summary>Every ContractServiceAdjustment the sandbox received, in order, whatever became of it.</summary>
    /// <param name="Id">The item id it was given; null when refused.</param>
    /// <param name="ContractServiceId">The line it changed (null when refused before one was found).</param>
    public sealed record SandboxAdjustment(
        long? Id,
        long ContractId,
        long? ContractServiceId,
        long? ServiceId,
        DateTime EffectiveDate,
        decimal UnitChange,
        SandboxAdjustmentOutcome Outcome,
        string? Message);
}
