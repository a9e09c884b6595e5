using System.Text;

namespace PsaMapping.Engine
{
    /// <summary>
    /// How names and values taken from input or from a service are echoed in messages: clipped, so that a
    /// name of 200,000 characters does not become an error of 400,000; and, in the commands messages suggest,
    /// quoted the way PowerShell reads them, so that they can be copied and run.
    /// </summary>
    public static class UserText
    {
        /// <summary>The longest name a message repeats whole.</summary>
        public const int MaxEchoed = 120;

        /// <summary><paramref name="text"/>, or its start and how many characters were left out.</summary>
        public static string Clip(string? text)
        {
            if (text == null) return string.Empty;
            return text.Length <= MaxEchoed ? text : text.Substring(0, MaxEchoed) + $"... ({text.Length - MaxEchoed} more characters)";
        }

        /// <summary>
        /// A PowerShell single-quoted string holding <paramref name="text"/> (clipped): quotes inside are doubled,
        /// including the typographic ones PowerShell also treats as quotes.
        /// </summary>
        public static string Quoted(string? text)
        {
            var quoted = new StringBuilder("'");
            foreach (char c in Clip(text))
            {
                quoted.Append(c);
                if (c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201A' || c == '\u201B') quoted.Append(c);
            }

            return quoted.Append('\'').ToString();
        }

        /// <summary>
        /// A quoted wildcard pattern that starts with <paramref name="text"/> taken literally: the wildcard
        /// characters in it (* ? [ ]) are escaped with a backtick, then '*' is added.
        /// </summary>
        public static string QuotedPrefixPattern(string? text) => Quoted(EscapeWildcards(Clip(text)) + "*");

        /// <summary>
        /// <paramref name="text"/> made fit to be followed by a full stop in a longer message: without its own
        /// final stop, so that messages built from other messages never read "..".
        /// </summary>
        public static string Clause(string? text) => (text ?? string.Empty).TrimEnd().TrimEnd('.').TrimEnd();

        /// <summary>What WildcardPattern.Escape does, without a PowerShell reference in the engine.</summary>
        public static string EscapeWildcards(string text)
        {
            var escaped = new StringBuilder(text.Length);
            foreach (char c in text)
            {
                if (c == '*' || c == '?' || c == '[' || c == ']' || c == '`') escaped.Append('`');
                escaped.Append(c);
            }

            return escaped.ToString();
        }
    }
}
