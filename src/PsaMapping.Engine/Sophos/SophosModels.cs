using System;
using System.Collections.Generic;

namespace PsaMapping.Engine.Sophos
{
    /// <summary>A Sophos Central customer (tenant) of the partner, as Get-SophosCustomer outputs it.</summary>
    public sealed record SophosCustomer
    {
        public SophosCustomer(Guid id, string name, string? showAs, string? dataRegion, string? dataGeography,
            string? billingType, string? apiHost)
        {
            SophosCustomerId = id;
            SophosCustomerName = name;
            ShowAs = showAs;
            DataRegion = dataRegion;
            DataGeography = dataGeography;
            BillingType = billingType;
            ApiHost = apiHost;
        }

        public Guid SophosCustomerId { get; }
        public string SophosCustomerName { get; }
        public string? ShowAs { get; }
        public string? DataRegion { get; }
        public string? DataGeography { get; }
        public string? BillingType { get; }

        /// <summary>The tenant's regional API host; empty for a tenant that is not activated yet.</summary>
        public string? ApiHost { get; }

        public override string ToString() => SophosCustomerName;
    }

    /// <summary>What Connect-SophosCentral returns: who we are connected as. Never holds a secret or token.</summary>
    public sealed record SophosConnection
    {
        public SophosConnection(Guid partnerId, string clientId, Uri apiHost, Uri authUri, DateTimeOffset tokenExpiresAt)
        {
            PartnerId = partnerId;
            ClientId = clientId;
            ApiHost = apiHost;
            AuthUri = authUri;
            TokenExpiresAt = tokenExpiresAt;
        }

        public Guid PartnerId { get; }
        public string ClientId { get; }
        public Uri ApiHost { get; }
        public Uri AuthUri { get; }

        /// <summary>When the current token expires; the module gets a new one before then by itself.</summary>
        public DateTimeOffset TokenExpiresAt { get; }
    }
}

namespace PsaMapping.Engine.Sophos
{
    /// <summary>
    /// One line of a month's billing usage report: one product of one tenant. <see cref="SophosCustomerId"/> is
    /// empty for the few items Sophos reports without an account.
    /// </summary>
    public sealed record SophosUsageItem
    {
        public SophosUsageItem(int year, int month, Guid? accountId, string? accountName, string productCode, string? sku, string? productDescription,
            string? productGroup, decimal billableQuantity, decimal? actualQuantity, decimal? orderedQuantity, DateTime? billingStartDate,
            DateTime? billingEndDate, string? orderLineItemNumber, string? unitPrice, string? unitPriceCurrency, string? netPrice, string? netPriceCurrency)
        {
            Year = year;
            Month = month;
            SophosCustomerId = accountId;
            SophosCustomerName = accountName;
            ProductCode = productCode;
            Sku = sku;
            ProductDescription = productDescription;
            ProductGroup = productGroup;
            BillableQuantity = billableQuantity;
            ActualQuantity = actualQuantity;
            OrderedQuantity = orderedQuantity;
            BillingStartDate = billingStartDate;
            BillingEndDate = billingEndDate;
            OrderLineItemNumber = orderLineItemNumber;
            UnitPrice = unitPrice;
            UnitPriceCurrency = unitPriceCurrency;
            NetPrice = netPrice;
            NetPriceCurrency = netPriceCurrency;
        }

        public int Year { get; }
        public int Month { get; }

        /// <summary>The tenant (Sophos's accountId); null for an item without one.</summary>
        public Guid? SophosCustomerId { get; }

        /// <summary>Sophos's assignedAccountIdentifier: the customer's name as the report gives it.</summary>
        public string? SophosCustomerName { get; }

        public string ProductCode { get; }
        public string? Sku { get; }
        public string? ProductDescription { get; }
        public string? ProductGroup { get; }

        /// <summary>What Sophos bills: the quantity a sync pushes.</summary>
        public decimal BillableQuantity { get; }
        public decimal? ActualQuantity { get; }
        public decimal? OrderedQuantity { get; }
        public DateTime? BillingStartDate { get; }
        public DateTime? BillingEndDate { get; }
        public string? OrderLineItemNumber { get; }
        public string? UnitPrice { get; }
        public string? UnitPriceCurrency { get; }
        public string? NetPrice { get; }
        public string? NetPriceCurrency { get; }
    }

    /// <summary>
    /// A month's billing usage report. <see cref="HasData"/> is false when Sophos has no report for the month
    /// (yet): it answered 404, which is not a failure, and then <see cref="Items"/> is empty.
    /// </summary>
    public sealed record SophosUsageReport
    {
        public SophosUsageReport(int year, int month, bool hasData, IReadOnlyList<SophosUsageItem> items)
        {
            Year = year;
            Month = month;
            HasData = hasData;
            Items = items;
        }

        public int Year { get; }
        public int Month { get; }
        public bool HasData { get; }
        public IReadOnlyList<SophosUsageItem> Items { get; }
    }
}
