namespace PsaMapping.Engine.Suggestions
{
    /// <summary>How far a suggestion can be trusted; see <see cref="ConfidencePolicy"/> for the rules.</summary>
    public enum SuggestionConfidence
    {
        /// <summary>Nothing worth showing.</summary>
        None = 0,
        /// <summary>Something in common (a word, a look-alike): a hint for a person, nothing more.</summary>
        Low = 1,
        /// <summary>Probably right, or a close call between two companies: a person should confirm.</summary>
        Medium = 2,
        /// <summary>The same business beyond reasonable doubt, and no other company comes close: safe to map unattended.</summary>
        High = 3,
    }
}
