using System;
using System.Collections.Generic;
using System.Linq;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Matching;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Engine.Sync
{
    /// <summary>
    /// One row of the "Configure usage synchronization" page, as Get-PsaProductMapping outputs it: a product code and
    /// the Autotask service it is billed as, or (with -IncludeUnmapped) a product of the latest usage with no mapping
    /// and the active service whose name matches it best. Its properties bind back into Set-PsaProductMapping.
    /// </summary>
    public sealed class ProductMappingRow
    {
        private ProductMappingRow(string productCode, string? productDescription, long? serviceId, string? serviceName, bool isMapped,
            string? suggestedService, long? suggestedServiceId, DateTimeOffset? updatedAt, string? updatedBy)
        {
            ProductCode = productCode;
            ProductDescription = productDescription;
            AutotaskServiceId = serviceId;
            ServiceName = serviceName;
            IsMapped = isMapped;
            SuggestedService = suggestedService;
            SuggestedServiceId = suggestedServiceId;
            UpdatedAt = updatedAt;
            UpdatedBy = updatedBy;
        }

        public string ProductCode { get; }
        public string? ProductDescription { get; }
        public long? AutotaskServiceId { get; }
        public string? ServiceName { get; }
        public bool IsMapped { get; }

        /// <summary>For an unmapped product: the active service whose name best matches the product's description.</summary>
        public string? SuggestedService { get; }
        public long? SuggestedServiceId { get; }
        public DateTimeOffset? UpdatedAt { get; }
        public string? UpdatedBy { get; }

        public static ProductMappingRow From(ProductMapping mapping, string? description = null) =>
            new ProductMappingRow(mapping.ProductCode, description, mapping.AutotaskServiceId, mapping.ServiceName, true, null, null, mapping.UpdatedAt, mapping.UpdatedBy);

        /// <summary>
        /// The product codes of <paramref name="usage"/> that no mapping names, each with a suggested service: the
        /// active service whose name contains the most words of the product's description (Sophos calls it "Central
        /// Intercept X Advanced", a catalogue "Sophos Intercept X Advanced"), the shorter name on a tie.
        /// </summary>
        public static IReadOnlyList<ProductMappingRow> Unmapped(IEnumerable<SophosUsageItem> usage, IEnumerable<ProductMapping> mapped, IReadOnlyList<AutotaskService> services)
        {
            var known = new HashSet<string>(mapped.Select(p => p.ProductCode), ProductMapping.CodeComparer);
            var active = services.Where(s => s.IsActive).ToList();
            return usage.Where(u => !known.Contains(u.ProductCode))
                .GroupBy(u => u.ProductCode, ProductMapping.CodeComparer)
                .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
                .Select(g =>
                {
                    string description = g.Select(u => u.ProductDescription).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d)) ?? g.Key;
                    AutotaskService? best = Suggest(description, active);
                    return new ProductMappingRow(g.Key, description, null, null, false, best?.ServiceName, best?.AutotaskServiceId, null, null);
                }).ToList();
        }

        internal static AutotaskService? Suggest(string description, IEnumerable<AutotaskService> services)
        {
            string[] words = Words(description);
            return services
                .Select(s => (Service: s, Matched: words.Count(w => AutocompleteRanker.Score(w, s.ServiceName).Kind is MatchKind.Exact or MatchKind.StartsWith or MatchKind.WordStartsWith)))
                .Where(c => c.Matched > 0)
                .OrderByDescending(c => c.Matched)
                .ThenBy(c => Words(c.Service.ServiceName).Length)
                .ThenBy(c => c.Service.AutotaskServiceId)
                .Select(c => c.Service)
                .FirstOrDefault();
        }

        private static readonly char[] WordSeparators = { ' ', '-', '(', ')', ',', '/' };

        private static string[] Words(string text) => text.Split(WordSeparators, StringSplitOptions.RemoveEmptyEntries);

        public override string ToString() => IsMapped ? $"{ProductCode} -> {ServiceName}" : ProductCode + " (unmapped)";
    }
}
