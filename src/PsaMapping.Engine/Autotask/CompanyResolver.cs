using System.Collections.Generic;
using System.Linq;

namespace PsaMapping.Engine.Autotask
{
    /// <summary>
    /// The one answer to "which company is this exact name?", for every command that takes a company by name
    /// (Find-AutotaskContract -Company, Set-PsaMapping -AutotaskCompany): one case rule and one wording.
    /// </summary>
    public static class CompanyResolver
    {
        /// <summary>Names compare as the Sophos page and Autotask do: ignoring case and surrounding spaces.</summary>
        public static string Key(string? name) => (name ?? string.Empty).Trim().ToUpperInvariant();

        /// <summary>
        /// The one company of <paramref name="candidates"/> named <paramref name="name"/>; else an
        /// <c>AutotaskCompanyNotFound</c> error (naming <paramref name="similar"/> companies when there are
        /// some) or an <c>AutotaskCompanyAmbiguous</c> one that lists the candidates' ids. The caller sets the
        /// error's target (the name given, or the row it came from).
        /// </summary>
        public static AutotaskCompany Resolve(string name, IEnumerable<AutotaskCompany> candidates, IEnumerable<AutotaskCompany>? similar = null)
        {
            string key = Key(name);
            var matches = candidates.Where(c => Key(c.AutotaskCompanyName) == key).GroupBy(c => c.AutotaskCompanyId).Select(g => g.First()).ToList();
            if (matches.Count == 1) return matches[0];

            if (matches.Count > 1)
                throw new PsaMappingException(ErrorIds.AutotaskCompanyAmbiguous, PsaErrorKind.InvalidArgument,
                    $"Several Autotask companies are named '{UserText.Clip(name)}': " +
                    string.Join(", ", matches.Select(c => $"id {c.AutotaskCompanyId}{(c.IsActive ? "" : " (inactive)")}")) +
                    ". Give the one you mean with -AutotaskCompanyId.");

            var alike = (similar ?? Enumerable.Empty<AutotaskCompany>()).ToList();
            string hint = alike.Count == 0 ? "" : " Similar names: " + string.Join(", ", alike.Select(c => $"'{c.AutotaskCompanyName}' (id {c.AutotaskCompanyId})")) + ".";
            throw new PsaMappingException(ErrorIds.AutotaskCompanyNotFound, PsaErrorKind.NotFound,
                $"No Autotask company is named '{UserText.Clip(name)}'.{hint} Use Find-AutotaskCompany {UserText.Quoted(name)} to find the exact name.");
        }
    }
}
