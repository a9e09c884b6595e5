namespace PsaMapping.Engine.Matching
{
    /// <summary>How a company name matched what was typed; a higher value is a better kind of match.</summary>
    public enum MatchKind
    {
        /// <summary>Not a match.</summary>
        None = 0,
        /// <summary>Close to the query but not containing it: one typo (two for queries of 8 letters or more).</summary>
        Misspelling = 1,
        /// <summary>The query appears inside the name, not at the start of a word.</summary>
        Contains = 2,
        /// <summary>A word of the name, other than the first, starts with the query.</summary>
        WordStartsWith = 3,
        /// <summary>The name starts with the query.</summary>
        StartsWith = 4,
        /// <summary>The name is the query, ignoring case, accents, spaces and punctuation.</summary>
        Exact = 5,
    }
}
