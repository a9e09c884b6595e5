using System;
using System.Collections.Generic;
using Newtonsoft.Json;

namespace PsaMapping.Engine.Sophos
{
    // Wire shapes of the Sophos Central API (see shared/reference/sophos-central.md). Only the fields we
    // use are declared; Required marks the ones we cannot do without.

    internal sealed class TokenResponseDto
    {
        [JsonProperty("access_token", Required = Required.Always)]
        public string AccessToken { get; set; } = "";

        [JsonProperty("token_type")]
        public string? TokenType { get; set; }

        [JsonProperty("expires_in")]
        public int? ExpiresIn { get; set; }
    }

    internal sealed class WhoAmIDto
    {
        [JsonProperty(Required = Required.Always)]
        public string Id { get; set; } = "";

        [JsonProperty(Required = Required.Always)]
        public string IdType { get; set; } = "";

        public ApiHostsDto? ApiHosts { get; set; }
    }

    internal sealed class ApiHostsDto
    {
        public string? Global { get; set; }
        public string? DataRegion { get; set; }
    }

    /// <summary>A page of a Sophos list: items, and the paging by number (current/total) or by key (nextKey).</summary>
    internal sealed class PageDto<T>
    {
        [JsonProperty(Required = Required.Always)]
        public List<T> Items { get; set; } = new List<T>();

        public PagesDto? Pages { get; set; }
    }

    internal sealed class PagesDto
    {
        public int? Current { get; set; }
        public int? Size { get; set; }
        public int? Total { get; set; }
        public int? Items { get; set; }
        public int? MaxSize { get; set; }

        /// <summary>Key paging: what to send as pageFromKey for the next page; absent on the last one.</summary>
        public string? NextKey { get; set; }
    }

    internal sealed class TenantDto
    {
        [JsonProperty(Required = Required.Always)]
        public Guid Id { get; set; }

        [JsonProperty(Required = Required.Always)]
        public string Name { get; set; } = "";

        public string? ShowAs { get; set; }
        public string? DataGeography { get; set; }
        public string? DataRegion { get; set; }
        public string? BillingType { get; set; }
        public string? ApiHost { get; set; }

        public SophosCustomer ToCustomer() =>
            new SophosCustomer(Id, Name, ShowAs, DataRegion, DataGeography, BillingType, ApiHost);
    }
}

namespace PsaMapping.Engine.Sophos
{
    /// <summary>One item of the monthly billing usage report (field names as Sophos's clients read them).</summary>
    internal sealed class UsageItemDto
    {
        /// <summary>Text, not a Guid: an item without an account may carry null, nothing or an empty string.</summary>
        public string? AccountId { get; set; }

        public string? AssignedAccountIdentifier { get; set; }

        [JsonProperty(Required = Required.Always)]
        public string ProductCode { get; set; } = "";

        public string? Sku { get; set; }
        public string? ProductDescription { get; set; }
        public string? ProductGroup { get; set; }

        [JsonProperty(Required = Required.Always)]
        public decimal BillableQuantity { get; set; }

        public decimal? ActualQuantity { get; set; }
        public decimal? OrderedQuantity { get; set; }
        public DateTime? BillingStartDate { get; set; }
        public DateTime? BillingEndDate { get; set; }
        public string? OrderLineItemNumber { get; set; }

        // Prices come as strings; they are passed through, never computed with.
        public string? UnitPrice { get; set; }
        public string? UnitPriceCurrency { get; set; }
        public string? NetPrice { get; set; }
        public string? NetPriceCurrency { get; set; }

        public SophosUsageItem ToItem(int year, int month) => new SophosUsageItem(year, month,
            Guid.TryParse(AccountId, out Guid account) ? account : (Guid?)null, AssignedAccountIdentifier, ProductCode.Trim(),
            Sku, ProductDescription, ProductGroup, BillableQuantity, ActualQuantity, OrderedQuantity, BillingStartDate, BillingEndDate,
            OrderLineItemNumber, UnitPrice, UnitPriceCurrency, NetPrice, NetPriceCurrency);
    }
}
