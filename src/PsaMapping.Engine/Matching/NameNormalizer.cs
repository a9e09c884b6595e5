using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PsaMapping.Engine.Matching
{
    /// <summary>
    /// Turns company names into a form where "Société Générale d'Électricité S.A." and
    /// "societe generale delectricite s a" are the same text: lowercase, no accents, no punctuation,
    /// single spaces between words.
    /// </summary>
    public static class NameNormalizer
    {
        /// <summary>
        /// Lowercases (invariant), removes accents, folds letters that have no decomposition
        /// (ß→ss, æ→ae, œ→oe, ø→o, ł→l, đ/ð→d, þ→th, ı→i), turns '&amp;' and '+' into the word "and",
        /// removes apostrophes (O'Neill → oneill), turns other punctuation into spaces, and collapses
        /// whitespace. Null gives an empty string.
        /// </summary>
        public static string Normalize(string? name) => NormalizeCore(name, germanTransliteration: false);

        /// <summary>
        /// <see cref="Normalize"/> and, when it differs, the German transliteration (ä→ae, ö→oe, ü→ue),
        /// so that "Müller" can be found as both "Muller" and "Mueller". Always at least one item.
        /// </summary>
        public static IReadOnlyList<string> Variants(string? name)
        {
            string plain = Normalize(name);
            // Most names have no umlaut: skip the second pass for them.
            if (name == null || !MayHaveUmlaut(name)) return new[] { plain };
            string german = NormalizeCore(name, germanTransliteration: true);
            return german == plain ? new[] { plain } : new[] { plain, german };
        }

        private static readonly char[] Space = { ' ' };

        /// <summary>The words of an already normalized name.</summary>
        public static string[] Tokens(string? normalized) =>
            string.IsNullOrEmpty(normalized) ? Array.Empty<string>() : normalized!.Split(Space, StringSplitOptions.RemoveEmptyEntries);

        internal static bool IsAscii(string text)
        {
            foreach (char ch in text)
                if (ch > 0x7F) return false;
            return true;
        }

        private static bool MayHaveUmlaut(string text)
        {
            foreach (char ch in text)
            {
                switch (ch)
                {
                    case 'ä': case 'ö': case 'ü': case 'Ä': case 'Ö': case 'Ü':
                    case '\u0308': // combining diaeresis: an umlaut stored decomposed
                        return true;
                }
            }
            return false;
        }

        internal static bool IsApostrophe(char ch) =>
            ch == '\'' || ch == '\u2019' || ch == '\u2018' || ch == '\u02BC' || ch == '`' || ch == '\u00B4';

        [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimized)]
        private static string NormalizeCore(string? name, bool germanTransliteration)
        {
            if (string.IsNullOrEmpty(name)) return "";
            string text = name!;
            bool ascii = IsAscii(text);
            if (!ascii)
            {
                // Compose first so that "ü" is one character whether it was typed precomposed or as u + U+0308.
                text = text.ToLowerInvariant().Normalize(NormalizationForm.FormC);
                if (germanTransliteration)
                    text = text.Replace("ä", "ae").Replace("ö", "oe").Replace("ü", "ue");
                // Decompose so that accents become separate marks we can drop.
                text = text.Normalize(NormalizationForm.FormD);
            }

            var result = new StringBuilder(text.Length + 8);
            bool pendingSpace = false;
            for (int i = 0; i < text.Length; i++)
            {
                char ch = text[i];
                if (ch <= 0x7F)
                {
                    if (ch >= 'A' && ch <= 'Z') AppendWordChars(result, ref pendingSpace, (char)(ch + 32));
                    else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) AppendWordChars(result, ref pendingSpace, ch);
                    else if (ch == '&' || ch == '+')
                    {
                        pendingSpace = true;
                        AppendWordChars(result, ref pendingSpace, "and");
                        pendingSpace = true;
                    }
                    else if (!IsApostrophe(ch)) pendingSpace = true;
                    continue;
                }

                if (IsApostrophe(ch)) continue;
                if (char.IsHighSurrogate(ch) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    // Letters outside the basic plane (rare CJK, historic scripts) stay as they are.
                    if (char.IsLetterOrDigit(text, i)) AppendWordChars(result, ref pendingSpace, text.Substring(i, 2));
                    else pendingSpace = true;
                    i++;
                    continue;
                }

                UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(ch);
                if (category == UnicodeCategory.NonSpacingMark || category == UnicodeCategory.EnclosingMark) continue; // accents
                if (char.IsLetterOrDigit(ch) || category == UnicodeCategory.SpacingCombiningMark)
                {
                    string? folded = Fold(ch);
                    if (folded != null) AppendWordChars(result, ref pendingSpace, folded);
                    else AppendWordChars(result, ref pendingSpace, ch);
                }
                else pendingSpace = true;
            }

            string normalized = result.ToString();
            // Recompose what NFD split apart but is not an accent (Hangul syllables, for instance),
            // so the text can still be compared with, and searched for in, ordinary stored names.
            return ascii ? normalized : normalized.Normalize(NormalizationForm.FormC);
        }

        /// <summary>Letters that NFD does not decompose, spelled the way people type them on a plain keyboard.</summary>
        private static string? Fold(char ch)
        {
            switch (ch)
            {
                case 'ß': return "ss";
                case 'æ': return "ae";
                case 'œ': return "oe";
                case 'ø': return "o";
                case 'ł': return "l";
                case 'đ': return "d";
                case 'ð': return "d";
                case 'þ': return "th";
                case 'ı': return "i";
                default: return null;
            }
        }

        private static void AppendWordChars(StringBuilder result, ref bool pendingSpace, char ch)
        {
            if (pendingSpace && result.Length > 0) result.Append(' ');
            pendingSpace = false;
            result.Append(ch);
        }

        private static void AppendWordChars(StringBuilder result, ref bool pendingSpace, string text)
        {
            if (pendingSpace && result.Length > 0) result.Append(' ');
            pendingSpace = false;
            result.Append(text);
        }
    }
}
