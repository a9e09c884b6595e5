using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine;

namespace PsaMapping
{
    /// <summary>
    /// The names a command was given, matched the way PowerShell users expect: a name that some item carries
    /// exactly (ignoring case) means that item and is not read as a wildcard, so 'Acme [EU]' finds 'Acme [EU]'
    /// and never 'Acme E', and a name tab completion inserted always finds its item; any other name with
    /// wildcard characters is a pattern. A pattern PowerShell cannot read (an unbalanced '[') is a clear
    /// error, NamePatternInvalid, not a raw WildcardPatternException.
    /// </summary>
    internal sealed class NameFilter
    {
        private readonly Entry[] _entries;

        private NameFilter(Entry[] entries) => _entries = entries;

        /// <summary>
        /// Reads <paramref name="names"/> against the names the items carry (<paramref name="known"/>). Throws
        /// <see cref="PsaMappingException"/> NamePatternInvalid for a pattern that cannot be read.
        /// </summary>
        public static NameFilter Create(IEnumerable<string> names, IEnumerable<string> known)
        {
            var exact = new HashSet<string>(known, StringComparer.OrdinalIgnoreCase);
            return new NameFilter(names.Select(name => new Entry(name, exact.Contains(name) ? null : PatternOf(name))).ToArray());
        }

        /// <summary>The names as given, each with whether it matched anything yet.</summary>
        public IEnumerable<(string Name, bool IsPattern, bool Matched)> Names => _entries.Select(e => (e.Name, e.Pattern != null, e.Matched));

        /// <summary>True when <paramref name="name"/> is one of the names, or matches one of the patterns; remembers which matched.</summary>
        public bool IsMatch(string? name)
        {
            bool any = false;
            foreach (Entry entry in _entries)
            {
                if (!entry.IsMatch(name ?? string.Empty)) continue;
                entry.Matched = true;
                any = true;
            }

            return any;
        }

        /// <summary>A wildcard pattern for <paramref name="name"/>, or null when it has no wildcard characters.</summary>
        private static WildcardPattern? PatternOf(string name)
        {
            if (!WildcardPattern.ContainsWildcardCharacters(name)) return null;
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
            try
            {
                pattern.IsMatch(string.Empty); // the pattern is parsed on first use
            }
            catch (WildcardPatternException)
            {
                throw new PsaMappingException(ErrorIds.NamePatternInvalid, PsaErrorKind.InvalidArgument,
                    $"{UserText.Quoted(name)} is not a valid wildcard pattern (a '[' without its ']'). To match the name as it is written, " +
                    $"escape the brackets with a backtick: {UserText.Quoted(UserText.EscapeWildcards(name))}.") { Target = name };
            }

            return pattern;
        }

        private sealed class Entry
        {
            public Entry(string name, WildcardPattern? pattern)
            {
                Name = name;
                Pattern = pattern;
            }

            public string Name { get; }
            public WildcardPattern? Pattern { get; }
            public bool Matched { get; set; }

            public bool IsMatch(string candidate) =>
                Pattern != null ? Pattern.IsMatch(candidate) : string.Equals(candidate, Name, StringComparison.OrdinalIgnoreCase) || string.Equals(candidate.Trim(), Name.Trim(), StringComparison.OrdinalIgnoreCase);
        }
    }
}
