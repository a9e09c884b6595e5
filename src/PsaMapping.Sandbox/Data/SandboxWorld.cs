namespace PsaMapping.Sandbox.Data
{
    /// <summary>
    /// One real-world customer business of the MSP. Each service's seeded data (Sophos tenants now,
    /// Autotask companies later) is derived from the same organizations, so tests know which records
    /// truly belong together.
    /// </summary>
    /// <param name="Index">Position in <see cref="SandboxWorld.Organizations"/>.</param>
    /// <param name="Name">The canonical name: <see cref="CoreName"/>, <see cref="Separator"/>, <see cref="LegalSuffix"/>.</param>
    /// <param name="CoreName">The name without its legal suffix, e.g. "Fabrikam" for "Fabrikam, Inc.".</param>
    /// <param name="Separator">What joins core and suffix: " ", ", " or "" when there is no suffix.</param>
    /// <param name="LegalSuffix">"Ltd", "GmbH", "S.A."..., or "" for a business that uses none.</param>
    /// <param name="Country">ISO 3166 alpha-2 code, e.g. "GB", "DE".</param>
    /// <param name="SimilarTo">Index of an earlier organization this one was deliberately made confusable with.</param>
    public sealed record SandboxOrganization(
        int Index,
        Guid Id,
        string Name,
        string CoreName,
        string Separator,
        string LegalSuffix,
        string Country,
        int? SimilarTo);

    /// <summary>
    /// The seeded set of organizations. Deterministic: the same seed and count give the same
    /// organizations, ids included. The first ones are fixed well-known names (<see cref="NameGenerator.WellKnown"/>).
    /// </summary>
    public sealed class SandboxWorld
    {
        /// <summary>Share of generated organizations made a near-duplicate of an earlier one.</summary>
        private const double NearDuplicateRate = 0.06;

        private SandboxWorld(int seed, IReadOnlyList<SandboxOrganization> organizations)
        {
            Seed = seed;
            Organizations = organizations;
        }

        public int Seed { get; }

        public IReadOnlyList<SandboxOrganization> Organizations { get; }

        public static SandboxWorld Create(int seed, int count)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            var random = CreateRandom(seed, "world");
            var names = new NameGenerator(random);
            var organizations = new List<SandboxOrganization>(count);

            foreach (var known in NameGenerator.WellKnown)
            {
                if (organizations.Count == count) break;
                names.Reserve(known.Name);
                names.ReserveCore(known.CoreName);
                organizations.Add(known.ToOrganization(organizations.Count, NewGuid(random)));
            }

            while (organizations.Count < count)
            {
                int index = organizations.Count;
                GeneratedName name;
                int? similarTo = null;
                // Near-duplicates make matching honest: "Contoso Ltd" next to "Contoso Ltd." and "Contoso Group Ltd".
                // Only generated organizations get random near-duplicates: the well-known ones already have
                // their deliberate ones, and docs rely on exactly those.
                int wellKnown = NameGenerator.WellKnown.Count;
                if (random.NextDouble() < NearDuplicateRate && index > wellKnown
                    && names.TryNearDuplicate(organizations[wellKnown + random.Next(index - wellKnown)], out var variant))
                {
                    name = variant;
                    similarTo = variant.SimilarTo;
                }
                else
                {
                    name = names.Next();
                }
                organizations.Add(name.ToOrganization(index, NewGuid(random)) with { SimilarTo = similarTo });
            }

            return new SandboxWorld(seed, organizations);
        }

        /// <summary>
        /// An independent random stream per purpose ("sophos", "autotask", ...), so adding data for one
        /// service never shifts what another service generates from the same seed.
        /// </summary>
        public Random CreateRandom(string purpose) => CreateRandom(Seed, purpose);

        /// <summary>A random (version 4 shaped) Guid drawn from a seeded stream, so ids are reproducible.</summary>
        public static Guid NewGuid(Random random)
        {
            Span<byte> bytes = stackalloc byte[16];
            random.NextBytes(bytes);
            bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (Guid's byte layout puts it in byte 7)
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
            return new Guid(bytes);
        }

        private static Random CreateRandom(int seed, string purpose)
        {
            // FNV-1a: string.GetHashCode is randomized per process and would break determinism.
            uint hash = 2166136261;
            foreach (char c in purpose)
            {
                hash = (hash ^ c) * 16777619;
            }
            return new Random(unchecked(seed * 31 + (int)hash));
        }
    }
}
