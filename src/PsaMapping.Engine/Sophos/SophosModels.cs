using System;

namespace PsaMapping.Engine.Sophos
{
    /// <summary>A Sophos Central customer (tenant) of the partner, as Get-SophosCustomer outputs it.</summary>
    public sealed class SophosCustomer
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
    public sealed class SophosConnection
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
