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

    internal sealed class TenantPageDto
    {
        [JsonProperty(Required = Required.Always)]
        public List<TenantDto> Items { get; set; } = new List<TenantDto>();

        public PagesDto? Pages { get; set; }
    }

    internal sealed class PagesDto
    {
        public int? Current { get; set; }
        public int? Size { get; set; }
        public int? Total { get; set; }
        public int? Items { get; set; }
        public int? MaxSize { get; set; }
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
