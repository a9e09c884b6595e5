using System;
using System.Collections.Generic;

namespace PsaMapping.Engine.Autotask
{
    /// <summary>A service of the Autotask catalogue (Services): what a contract's service line bills.</summary>
    public sealed record AutotaskService
    {
        public AutotaskService(long id, string name, string? description, string? invoiceDescription, decimal? unitPrice, decimal? unitCost,
            string? periodType, bool isActive)
        {
            AutotaskServiceId = id;
            ServiceName = name;
            Description = description;
            InvoiceDescription = invoiceDescription;
            UnitPrice = unitPrice;
            UnitCost = unitCost;
            PeriodType = periodType;
            IsActive = isActive;
        }

        public long AutotaskServiceId { get; }
        public string ServiceName { get; }
        public string? Description { get; }
        public string? InvoiceDescription { get; }
        public decimal? UnitPrice { get; }
        public decimal? UnitCost { get; }

        /// <summary>The period type's label from the picklist (Monthly, Yearly, ...).</summary>
        public string? PeriodType { get; }
        public bool IsActive { get; }

        public override string ToString() => ServiceName;
    }

    /// <summary>
    /// A service line of a contract (ContractServices). It carries no unit count: the units are in
    /// <see cref="AutotaskServiceUnits"/>, one row per billing period. A contract can hold two lines of one
    /// service, so lines are told apart by <see cref="ContractServiceId"/>.
    /// </summary>
    public sealed record AutotaskContractService
    {
        public AutotaskContractService(long id, long contractId, long serviceId, decimal? unitPrice, decimal? unitCost, string? invoiceDescription)
        {
            ContractServiceId = id;
            ContractId = contractId;
            AutotaskServiceId = serviceId;
            UnitPrice = unitPrice;
            UnitCost = unitCost;
            InvoiceDescription = invoiceDescription;
        }

        public long ContractServiceId { get; }
        public long ContractId { get; }
        public long AutotaskServiceId { get; }
        public decimal? UnitPrice { get; }
        public decimal? UnitCost { get; }
        public string? InvoiceDescription { get; }
    }

    /// <summary>
    /// One ContractServiceUnits row: the units of a contract service from <see cref="StartDate"/> to
    /// <see cref="EndDate"/> (a billing period, or its part from an adjustment's effective date on).
    /// </summary>
    public sealed record AutotaskServiceUnits
    {
        public AutotaskServiceUnits(long id, long contractId, long contractServiceId, long serviceId, DateTime startDate, DateTime endDate,
            decimal units, decimal? price, DateTime? approveAndPostDate)
        {
            Id = id;
            ContractId = contractId;
            ContractServiceId = contractServiceId;
            AutotaskServiceId = serviceId;
            StartDate = startDate;
            EndDate = endDate;
            Units = units;
            Price = price;
            ApproveAndPostDate = approveAndPostDate;
        }

        public long Id { get; }
        public long ContractId { get; }
        public long ContractServiceId { get; }
        public long AutotaskServiceId { get; }
        public DateTime StartDate { get; }
        public DateTime EndDate { get; }
        public decimal Units { get; }
        public decimal? Price { get; }

        /// <summary>When the period was approved and posted (invoiced); an adjustment touching it is refused.</summary>
        public DateTime? ApproveAndPostDate { get; }

        public bool IsPosted => ApproveAndPostDate.HasValue;
    }

    /// <summary>
    /// One ContractServiceAdjustment to post: a signed change of units (Autotask has no "set units") from
    /// <see cref="EffectiveDate"/> on. Name the line by <see cref="ContractServiceId"/> when the contract has it;
    /// by <see cref="AutotaskServiceId"/> alone, Autotask adds the service to a contract that lacks it. No price:
    /// the contract's price stays.
    /// </summary>
    public sealed record ServiceAdjustment
    {
        public ServiceAdjustment(long contractId, long? contractServiceId, long? serviceId, DateTime effectiveDate, decimal unitChange)
        {
            if (contractServiceId == null && serviceId == null)
                throw new ArgumentException("An adjustment names the contract service line or the service.", nameof(serviceId));
            ContractId = contractId;
            ContractServiceId = contractServiceId;
            AutotaskServiceId = serviceId;
            EffectiveDate = effectiveDate.Date;
            UnitChange = unitChange;
        }

        public long ContractId { get; }
        public long? ContractServiceId { get; }
        public long? AutotaskServiceId { get; }
        public DateTime EffectiveDate { get; }
        public decimal UnitChange { get; }
    }

    /// <summary>What became of a write to Autotask.</summary>
    public enum AutotaskWriteOutcome
    {
        /// <summary>Autotask carried it out; <see cref="AutotaskWriteResult.ItemId"/> names the new item.</summary>
        Applied,

        /// <summary>Autotask answered that it did not carry it out, and why (for example a posted period).</summary>
        Refused,

        /// <summary>Autotask refused it unprocessed (429, its thread limit) through every retry: nothing changed, sending it later is safe.</summary>
        NotProcessed,

        /// <summary>It may or may not have been carried out (timeout, dropped connection, a failure without Autotask's errors): read back before sending anything again.</summary>
        Unknown,
    }

    /// <summary>The outcome of one write, with Autotask's own words when it refused.</summary>
    public sealed record AutotaskWriteResult
    {
        public AutotaskWriteResult(AutotaskWriteOutcome outcome, long? itemId, string message, IReadOnlyList<string> errors)
        {
            Outcome = outcome;
            ItemId = itemId;
            Message = message;
            Errors = errors;
        }

        public AutotaskWriteOutcome Outcome { get; }
        public long? ItemId { get; }

        /// <summary>One line for a user: what happened and, for Refused, Autotask's message.</summary>
        public string Message { get; }

        /// <summary>Autotask's {"errors":[...]} messages when it refused; empty otherwise.</summary>
        public IReadOnlyList<string> Errors { get; }

        public override string ToString() => Outcome + ": " + Message;
    }
}
