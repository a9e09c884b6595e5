using System;

namespace PsaMapping.Engine.Autotask
{
    /// <summary>An Autotask company (account), as Find-AutotaskCompany outputs it.</summary>
    public sealed record AutotaskCompany
    {
        public AutotaskCompany(long id, string name, string? companyNumber, string? companyType, bool isActive, long? parentCompanyId)
        {
            AutotaskCompanyId = id;
            AutotaskCompanyName = name;
            CompanyNumber = companyNumber;
            CompanyType = companyType;
            IsActive = isActive;
            ParentCompanyId = parentCompanyId;
        }

        public long AutotaskCompanyId { get; }
        public string AutotaskCompanyName { get; }
        public string? CompanyNumber { get; }

        /// <summary>The company type's label from the picklist (Customer, Lead, Prospect, ...).</summary>
        public string? CompanyType { get; }
        public bool IsActive { get; }
        public long? ParentCompanyId { get; }

        /// <summary>How well the name matched the search (0..1); empty when the company was not searched for.</summary>
        public double? MatchScore { get; private init; }

        /// <summary>
        /// How it matched: Exact, StartsWith, WordStartsWith, Contains or Misspelling for a search as typed;
        /// Similarity for a customer's whole name (<see cref="AutotaskDirectory.MatchCustomerNameAsync"/>).
        /// </summary>
        public string? MatchKind { get; private init; }

        public AutotaskCompany WithMatch(double score, string kind) => this with { MatchScore = Math.Round(score, 4), MatchKind = kind };

        public override string ToString() => AutotaskCompanyName;
    }

    /// <summary>An Autotask contract, as Find-AutotaskContract outputs it.</summary>
    public sealed record AutotaskContract
    {
        public AutotaskContract(long id, string name, string? contractNumber, long companyId, string? companyName,
            string? contractType, string? status, DateTime? startDate, DateTime? endDate, bool isActive, bool isExpired, bool supportsUsageSync)
        {
            ContractId = id;
            ContractName = name;
            ContractNumber = contractNumber;
            AutotaskCompanyId = companyId;
            AutotaskCompanyName = companyName;
            ContractType = contractType;
            Status = status;
            StartDate = startDate;
            EndDate = endDate;
            IsActive = isActive;
            IsExpired = isExpired;
            SupportsUsageSync = supportsUsageSync;
        }

        public long ContractId { get; }
        public string ContractName { get; }
        public string? ContractNumber { get; }
        public long AutotaskCompanyId { get; }
        public string? AutotaskCompanyName { get; private init; }

        /// <summary>The contract type's label (Recurring Service, Fixed Price, ...).</summary>
        public string? ContractType { get; }

        /// <summary>The status label (Active, Inactive). Inactive is what the Sophos page calls cancelled.</summary>
        public string? Status { get; }
        public DateTime? StartDate { get; }
        public DateTime? EndDate { get; }

        /// <summary>False for an inactive ("cancelled") contract.</summary>
        public bool IsActive { get; }

        /// <summary>Active but past its end date. Expired contracts are still synchronized.</summary>
        public bool IsExpired { get; }

        /// <summary>Recurring Service contracts are the only ones usage can be synchronized into.</summary>
        public bool SupportsUsageSync { get; }

        public AutotaskContract WithCompanyName(string? companyName) => this with { AutotaskCompanyName = companyName ?? AutotaskCompanyName };

        public override string ToString() => ContractName;
    }
}
