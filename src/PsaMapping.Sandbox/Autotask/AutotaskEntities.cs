using static PsaMapping.Sandbox.AutotaskCodes;

namespace PsaMapping.Sandbox.Autotask
{
    /// <summary>
    /// The entities the sandbox serves, with the fields, picklists and user-defined fields the module
    /// touches (names and types as in Autotask's REST v1.0). Everything else answers 404.
    /// </summary>
    internal static class AutotaskEntities
    {
        public const string Companies = "Companies";
        public const string Contracts = "Contracts";

        public static readonly string[] All = [Companies, Contracts];

        // Usage billing: the catalogue, contracts' service lines and their units per period (queried), and the
        // adjustments (created only: Autotask refuses to query them).
        public const string Services = "Services";
        public const string ContractServices = "ContractServices";
        public const string ContractServiceUnits = "ContractServiceUnits";
        public const string ContractServiceAdjustments = "ContractServiceAdjustments";

        public static readonly string[] Billing = [Services, ContractServices, ContractServiceUnits];

        // Before the columns that use it: static fields are initialized in the order they are written.
        private static readonly AutotaskPicklistValue[] PeriodTypes =
        [
            new(PeriodType.OneTime.ToString(), "One-Time", 1),
            new(PeriodType.Monthly.ToString(), "Monthly", 2, IsDefaultValue: true),
            new(PeriodType.Quarterly.ToString(), "Quarterly", 3),
            new(PeriodType.SemiAnnual.ToString(), "Semi-Annual", 4),
            new(PeriodType.Yearly.ToString(), "Yearly", 5),
        ];


        public static readonly (AutotaskField Field, Func<SandboxService, object?> Get)[] ServiceColumns =
        [
            (new AutotaskField("id", AutotaskType.Long, IsRequired: true, IsReadOnly: true), s => s.Id),
            (new AutotaskField("name", AutotaskType.String, IsRequired: true, Length: 150), s => s.Name),
            (new AutotaskField("description", AutotaskType.String, Length: 400), s => s.Description),
            (new AutotaskField("invoiceDescription", AutotaskType.String, Length: 1000), s => s.InvoiceDescription),
            (new AutotaskField("unitPrice", AutotaskType.Decimal), s => s.UnitPrice),
            (new AutotaskField("unitCost", AutotaskType.Decimal), s => s.UnitCost),
            (new AutotaskField("periodType", AutotaskType.Integer, IsRequired: true, Picklist: PeriodTypes), s => s.PeriodType),
            (new AutotaskField("isActive", AutotaskType.Boolean), s => s.IsActive),
        ];

        public static readonly (AutotaskField Field, Func<SandboxContractService, object?> Get)[] ContractServiceColumns =
        [
            (new AutotaskField("id", AutotaskType.Long, IsRequired: true, IsReadOnly: true), s => s.Id),
            (new AutotaskField("contractID", AutotaskType.Integer, IsRequired: true, ReferenceEntityType: "Contract"), s => s.ContractId),
            (new AutotaskField("serviceID", AutotaskType.Integer, IsRequired: true, ReferenceEntityType: "Service"), s => s.ServiceId),
            (new AutotaskField("unitPrice", AutotaskType.Decimal), s => s.UnitPrice),
            (new AutotaskField("unitCost", AutotaskType.Decimal), s => s.UnitCost),
            (new AutotaskField("invoiceDescription", AutotaskType.String, Length: 1000), s => s.InvoiceDescription),
            (new AutotaskField("internalCurrencyAdjustedPrice", AutotaskType.Decimal, IsReadOnly: true), s => s.UnitPrice),
        ];

        public static readonly (AutotaskField Field, Func<SandboxServiceUnits, object?> Get)[] UnitColumns =
        [
            (new AutotaskField("id", AutotaskType.Long, IsRequired: true, IsReadOnly: true), u => u.Id),
            (new AutotaskField("contractID", AutotaskType.Integer, IsReadOnly: true, ReferenceEntityType: "Contract"), u => u.ContractId),
            (new AutotaskField("contractServiceID", AutotaskType.Integer, IsReadOnly: true, ReferenceEntityType: "ContractService"), u => u.ContractServiceId),
            (new AutotaskField("serviceID", AutotaskType.Integer, IsReadOnly: true, ReferenceEntityType: "Service"), u => u.ServiceId),
            (new AutotaskField("startDate", AutotaskType.DateTime, IsReadOnly: true), u => u.StartDate),
            (new AutotaskField("endDate", AutotaskType.DateTime, IsReadOnly: true), u => u.EndDate),
            (new AutotaskField("units", AutotaskType.Decimal, IsReadOnly: true), u => u.Units),
            (new AutotaskField("price", AutotaskType.Decimal, IsReadOnly: true), u => u.Price),
            (new AutotaskField("approveAndPostDate", AutotaskType.DateTime, IsReadOnly: true), u => u.ApproveAndPostDate),
        ];

        public static AutotaskTable CreateServices(IReadOnlyList<SandboxService> services) =>
            AutotaskTable.Create(Services, "Service", services, ServiceColumns, [], s => s.Id);

        public static AutotaskTable CreateContractServices(IReadOnlyList<SandboxContractService> lines) =>
            AutotaskTable.Create(ContractServices, "ContractService", lines, ContractServiceColumns, [], s => s.Id);

        public static AutotaskTable CreateContractServiceUnits(IReadOnlyList<SandboxServiceUnits> rows) =>
            AutotaskTable.Create(ContractServiceUnits, "ContractServiceUnit", rows, UnitColumns, [], u => u.Id);

        public static AutotaskRow Row(SandboxContractService line) => AutotaskTable.ToRow(line, ContractServiceColumns, [], s => s.Id);

        public static AutotaskRow Row(SandboxServiceUnits units) => AutotaskTable.ToRow(units, UnitColumns, [], u => u.Id);

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
}
