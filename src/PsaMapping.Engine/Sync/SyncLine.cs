using System;
using System.Collections.Generic;

namespace PsaMapping.Engine.Sync
{
    /// <summary>What happened (or, under -WhatIf, would happen) to one contract service line.</summary>
    public enum SyncLineStatus
    {
        /// <summary>An adjustment was posted and Autotask now holds the target.</summary>
        Adjusted,

        /// <summary>Autotask already holds the target: nothing was posted.</summary>
        Unchanged,

        /// <summary>-WhatIf: this adjustment would be posted.</summary>
        WouldAdjust,

        /// <summary>Left alone on purpose (no usage, sync off, product not mapped, stopped by Ctrl+C...).</summary>
        Skipped,

        /// <summary>Refused, by a check here or by Autotask; the message says why and what to do.</summary>
        Failed,
    }

    /// <summary>
    /// One line of Sync-PsaUsage's output: one contract service line of one mapped customer, with the units
    /// Autotask holds on the effective date, the units the usage asks for, and what was done about the gap.
    /// Lines about a whole customer (contract refused, no usage) carry no service.
    /// </summary>
    public sealed class SyncLine
    {
        public SyncLine(Guid sophosCustomerId, string sophosCustomerName, long? autotaskCompanyId, long? contractId, string? contractName,
            int year, int month, DateTime effectiveDate)
        {
            SophosCustomerId = sophosCustomerId;
            SophosCustomerName = sophosCustomerName;
            AutotaskCompanyId = autotaskCompanyId;
            ContractId = contractId;
            ContractName = contractName;
            Year = year;
            Month = month;
            EffectiveDate = effectiveDate;
        }

        public Guid SophosCustomerId { get; }
        public string SophosCustomerName { get; }
        public long? AutotaskCompanyId { get; }
        public long? ContractId { get; }
        public string? ContractName { get; }
        public long? AutotaskServiceId { get; private set; }
        public string? ServiceName { get; private set; }

        /// <summary>The contract's line for the service; empty when the adjustment is to add the service.</summary>
        public long? ContractServiceId { get; private set; }

        /// <summary>The Sophos product codes whose quantities were summed into this line.</summary>
        public IReadOnlyList<string> ProductCodes { get; private set; } = Array.Empty<string>();

        /// <summary>The units in force on the effective date, as Autotask holds them.</summary>
        public decimal? CurrentUnits { get; private set; }

        /// <summary>The sum of the billable quantities of the month over the product codes mapped to the service.</summary>
        public decimal? TargetUnits { get; private set; }

        /// <summary>Target minus current: the adjustment posted (or to post).</summary>
        public decimal? UnitChange { get; private set; }

        public int Year { get; }
        public int Month { get; }
        public DateTime EffectiveDate { get; }
        public SyncLineStatus Status { get; private set; }
        public string? Message { get; private set; }

        /// <summary>Why the line was skipped or failed, as a stable error id (empty when it went well).</summary>
        public string? Reason { get; private set; }

        /// <summary>The ContractServiceAdjustment Autotask created, when one was posted and answered.</summary>
        public long? AdjustmentId { get; private set; }

        public SyncLine ForService(long? serviceId, string? serviceName, long? contractServiceId, IReadOnlyList<string> productCodes)
        {
            SyncLine copy = Copy();
            copy.AutotaskServiceId = serviceId;
            copy.ServiceName = serviceName;
            copy.ContractServiceId = contractServiceId;
            copy.ProductCodes = productCodes;
            return copy;
        }

        public SyncLine WithUnits(decimal? current, decimal? target)
        {
            SyncLine copy = Copy();
            copy.CurrentUnits = current;
            copy.TargetUnits = target;
            copy.UnitChange = current.HasValue && target.HasValue ? target - current : null;
            return copy;
        }

        public SyncLine WithStatus(SyncLineStatus status, string? message = null, string? reason = null)
        {
            SyncLine copy = Copy();
            copy.Status = status;
            copy.Message = message;
            copy.Reason = reason;
            return copy;
        }

        public SyncLine WithAdjustment(long? adjustmentId, long? contractServiceId)
        {
            SyncLine copy = Copy();
            copy.AdjustmentId = adjustmentId;
            copy.ContractServiceId = contractServiceId ?? ContractServiceId;
            return copy;
        }

        /// <summary>True when this line asks for an adjustment to be posted.</summary>
        public bool NeedsAdjustment => Status == SyncLineStatus.WouldAdjust;

        private SyncLine Copy() => (SyncLine)MemberwiseClone();

        public override string ToString() =>
            $"{SophosCustomerName} / {ContractName} / {ServiceName}: {CurrentUnits} -> {TargetUnits} ({Status})";
    }
}
