using static PsaMapping.Sandbox.AutotaskCodes;

namespace PsaMapping.Sandbox.Autotask;

/// <summary>
/// The entities the sandbox serves, with the fields, picklists and user-defined fields the module
/// touches (names and types as in Autotask's REST v1.0). Everything else answers 404.
/// </summary>
internal static class AutotaskEntities
{
    public const string Companies = "Companies";
    public const string Contracts = "Contracts";

    public static readonly string[] All = [Companies, Contracts];

    public static AutotaskTable CreateCompanies(IReadOnlyList<SandboxCompany> companies) =>
        AutotaskTable.Create(Companies, "Company", companies,
        [
            (new AutotaskField("id", AutotaskType.Long, IsRequired: true, IsReadOnly: true), c => c.Id),
            (new AutotaskField("companyName", AutotaskType.String, IsRequired: true, Length: 100), c => c.CompanyName),
            (new AutotaskField("companyNumber", AutotaskType.String, Length: 50), c => c.CompanyNumber),
            (new AutotaskField("companyType", AutotaskType.Integer, IsRequired: true, Picklist: CompanyTypes), c => c.CompanyType),
            (new AutotaskField("isActive", AutotaskType.Boolean), c => c.IsActive),
            (new AutotaskField("parentCompanyID", AutotaskType.Integer, ReferenceEntityType: "Company"), c => c.ParentCompanyId),
            (new AutotaskField("lastActivityDate", AutotaskType.DateTime, IsReadOnly: true), c => c.LastActivityDate),
            (new AutotaskField("createDate", AutotaskType.DateTime, IsReadOnly: true), c => c.CreateDate),
            (new AutotaskField("webAddress", AutotaskType.String, Length: 255), c => c.WebAddress),
        ],
        [("Customer Tier", c => c.CustomerTier)],
        c => c.Id);

    public static AutotaskTable CreateContracts(IReadOnlyList<SandboxContract> contracts) =>
        AutotaskTable.Create(Contracts, "Contract", contracts,
        [
            (new AutotaskField("id", AutotaskType.Long, IsRequired: true, IsReadOnly: true), c => c.Id),
            (new AutotaskField("companyID", AutotaskType.Integer, IsRequired: true, ReferenceEntityType: "Company"), c => c.CompanyId),
            (new AutotaskField("contractName", AutotaskType.String, IsRequired: true, Length: 100), c => c.ContractName),
            (new AutotaskField("contractNumber", AutotaskType.String, Length: 50), c => c.ContractNumber),
            (new AutotaskField("contractType", AutotaskType.Integer, IsRequired: true, Picklist: ContractTypes), c => c.ContractType),
            (new AutotaskField("contractCategory", AutotaskType.Integer, Picklist: ContractCategories), c => c.ContractCategory),
            (new AutotaskField("status", AutotaskType.Integer, IsRequired: true, Picklist: ContractStatuses), c => c.Status),
            (new AutotaskField("startDate", AutotaskType.DateTime, IsRequired: true), c => c.StartDate),
            (new AutotaskField("endDate", AutotaskType.DateTime, IsRequired: true), c => c.EndDate),
            (new AutotaskField("isDefaultContract", AutotaskType.Boolean), c => c.IsDefaultContract),
            (new AutotaskField("lastModifiedDateTime", AutotaskType.DateTime, IsReadOnly: true), c => c.LastModifiedDateTime),
        ],
        [("Billing Reference", c => c.BillingReference)],
        c => c.Id);

    private static readonly AutotaskPicklistValue[] CompanyTypes =
    [
        new(CompanyType.Customer.ToString(), "Customer", 1),
        new(CompanyType.Lead.ToString(), "Lead", 2),
        new(CompanyType.Prospect.ToString(), "Prospect", 3, IsDefaultValue: true),
        new(CompanyType.Dead.ToString(), "Dead", 4),
        new(CompanyType.Cancelation.ToString(), "Cancelation", 5),
        new(CompanyType.Vendor.ToString(), "Vendor", 6),
        new(CompanyType.Partner.ToString(), "Partner", 7),
    ];

    private static readonly AutotaskPicklistValue[] ContractTypes =
    [
        new(ContractType.TimeAndMaterials.ToString(), "Time and Materials", 1),
        new(ContractType.FixedPrice.ToString(), "Fixed Price", 2),
        new(ContractType.BlockHours.ToString(), "Block Hours", 3),
        new(ContractType.Retainer.ToString(), "Retainer", 4),
        new(ContractType.RecurringService.ToString(), "Recurring Service", 5),
        new(ContractType.Incident.ToString(), "Incident", 6),
    ];

    private static readonly AutotaskPicklistValue[] ContractStatuses =
    [
        new(ContractStatus.Inactive.ToString(), "Inactive", 1),
        new(ContractStatus.Active.ToString(), "Active", 2, IsDefaultValue: true),
    ];

    private static readonly AutotaskPicklistValue[] ContractCategories =
    [
        new(ContractCategory.Standard.ToString(), "Standard", 1),
        new(ContractCategory.ManagedServices.ToString(), "Managed Services", 2),
        new(ContractCategory.Security.ToString(), "Security", 3),
        new(ContractCategory.CloudServices.ToString(), "Cloud Services", 4),
        new(ContractCategory.Projects.ToString(), "Projects", 5),
        new(ContractCategory.Legacy.ToString(), "Legacy (do not use)", 6, IsActive: false),
    ];
}
