using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using PsaMapping.Sandbox.Data;

namespace PsaMapping.Sandbox.Sophos
{
    internal enum SophosClientKind { Partner, Tenant }

    internal sealed record IssuedToken(string Value, SophosClientKind Kind, DateTimeOffset ExpiresAt);

    /// <summary>What the fake Sophos Central knows: its seeded tenants and the tokens it has issued.</summary>
    internal sealed class SophosState
    {
        /// <summary>Share of tenants with no apiHost yet ("not activated").</summary>
        private const double NotActivatedRate = 0.03;

        /// <summary>Above this many remembered tokens, expired ones are forgotten on the next issue.</summary>
        private const int TokenPruneThreshold = 10_000;

        private readonly SandboxOptions _options;
        private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
        private readonly Dictionary<Guid, TenantJson> _tenantsById;

        public SophosState(SandboxOptions options, SandboxWorld world)
        {
            _options = options;
            var random = world.CreateRandom("sophos");
            Tenants = world.Organizations.Select(o => CreateTenant(o, random)).ToArray();
            TenantsJson = Tenants.Select(t => TenantJson.From(t, options.PartnerId)).ToArray();
            _tenantsById = TenantsJson.ToDictionary(t => t.Id);
            // The tenant-level credential belongs to one of the tenants (any will do; the first is stable).
            TenantCredentialTenantId = Tenants.Count > 0 ? Tenants[0].Id : SandboxWorld.NewGuid(random);
        }

        public IReadOnlyList<SandboxTenant> Tenants { get; }

        /// <summary>Pre-built response objects, in seed order; tenants never change while the server runs.</summary>
        public IReadOnlyList<TenantJson> TenantsJson { get; }

        public Guid TenantCredentialTenantId { get; }

        /// <summary>whoami's apiHosts.global: the sandbox's own API URI, without a trailing slash. Set once listening.</summary>
        public string GlobalApiHost { get; set; } = "";

        public SandboxOptions Options => _options;

        public bool TryGetTenant(Guid id, out TenantJson tenant) => _tenantsById.TryGetValue(id, out tenant!);

        public IssuedToken Issue(SophosClientKind kind, string clientId)
        {
            var now = _options.TimeProvider.GetUtcNow();
            int lifetime = _options.Faults.TokenLifetimeSeconds;
            var token = new IssuedToken(NewJwtLookingToken(clientId, now, lifetime), kind, now.AddSeconds(lifetime));
            if (_tokens.Count > TokenPruneThreshold)
            {
                foreach (var (value, old) in _tokens)
                {
                    if (old.ExpiresAt <= now) _tokens.TryRemove(value, out _);
                }
            }
            _tokens[token.Value] = token;
            return token;
        }

        /// <summary>The token named by an "Authorization: Bearer ..." header, if it is known and not expired.</summary>
        public bool TryAuthenticate(string? authorization, out IssuedToken token)
        {
            token = null!;
            const string Bearer = "Bearer ";
            if (authorization is null || !authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)) return false;
            string value = authorization[Bearer.Length..].Trim();
            return _tokens.TryGetValue(value, out token!) && token.ExpiresAt > _options.TimeProvider.GetUtcNow();
        }

        private static SandboxTenant CreateTenant(SandboxOrganization org, Random random)
        {
            // Draw the same numbers for every tenant so the stream stays aligned whatever the branches do.
            double regionRoll = random.NextDouble(), billingRoll = random.NextDouble(),
                   activatedRoll = random.NextDouble(), showAsRoll = random.NextDouble();
            var id = SandboxWorld.NewGuid(random);

            // Well-known tenants are plain and fully activated, so docs and tests can rely on them.
            bool wellKnown = org.Index < NameGenerator.WellKnown.Count;
            var (geography, region) = Region(org.Country, wellKnown ? 0 : regionRoll);
            string billing = wellKnown || billingRoll < 0.80 ? "usage" : billingRoll < 0.95 ? "term" : "trial";
            string? apiHost = !wellKnown && activatedRoll < NotActivatedRate ? null : $"https://api-{region}.central.sophos.com";
            string showAs = wellKnown ? org.Name : ShowAs(org, showAsRoll);
            return new SandboxTenant(id, org.Name, showAs, geography, region, billing, apiHost, org.Id);
        }

        /// <summary>Sophos data geography and region for a customer's country; EU customers spread over DE and IE.</summary>
        private static (string Geography, string Region) Region(string country, double roll) => country switch
        {
            "US" => roll < 0.7 ? ("US", "us01") : ("US", "us03"),
            "CA" => ("CA", "ca01"),
            "BR" => ("BR", "br01"),
            "AU" => ("AU", "au01"),
            "JP" => ("JP", "jp01"),
            "IN" => ("IN", "in01"),
            "IE" => ("IE", "eu02"),
            "GB" => roll < 0.6 ? ("IE", "eu02") : ("DE", "eu01"),
            "DE" or "AT" or "CH" or "PL" or "TR" => roll < 0.85 ? ("DE", "eu01") : ("IE", "eu02"),
            _ => roll < 0.6 ? ("DE", "eu01") : ("IE", "eu02"),
        };

        /// <summary>Usually the name itself; sometimes the name without suffix, or a short form the partner typed.</summary>
        private static string ShowAs(SandboxOrganization org, double roll)
        {
            if (roll < 0.85 || org.LegalSuffix.Length == 0) return org.Name;
            if (roll < 0.95) return org.CoreName;
            var words = org.CoreName.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 3 && words.All(w => char.IsLetter(w[0])))
            {
                return string.Concat(words.Select(w => char.ToUpperInvariant(w[0]))); // "Wide World Importers" -> "WWI"
            }
            return words[0];
        }

        private static string NewJwtLookingToken(string clientId, DateTimeOffset now, int lifetime)
        {
            // Looks like a JWT (header.payload.signature) so clients that peek at it are not surprised;
            // the signature is random, and the server only trusts its own token table.
            string header = Base64Url.EncodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}"u8);
            long iat = now.ToUnixTimeSeconds();
            string payload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
                $"{{\"sub\":\"{clientId}\",\"iss\":\"sandbox\",\"iat\":{iat},\"exp\":{iat + lifetime},\"jti\":\"{Guid.NewGuid()}\"}}"));
            string signature = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            return $"{header}.{payload}.{signature}";
        }
    }

    /// <summary>A tenant as the partner API returns it. "status" is extra so clients prove they tolerate unknown fields.</summary>
    internal sealed record TenantJson(
        Guid Id,
        string Name,
        string ShowAs,
        string DataGeography,
        string DataRegion,
        string BillingType,
        IdRef Partner,
        IdRef Organization,
        string? ApiHost,
        string Status)
    {
        public static TenantJson From(SandboxTenant t, Guid partnerId) =>
            new(t.Id, t.Name, t.ShowAs, t.DataGeography, t.DataRegion, t.BillingType,
                new IdRef(partnerId), new IdRef(t.OrganizationId), t.ApiHost, "active");
    }

    internal sealed record IdRef(Guid Id);
}
