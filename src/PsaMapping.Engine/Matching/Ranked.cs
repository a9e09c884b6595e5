namespace PsaMapping.Engine.Matching
{
    /// <summary>One item of an autocomplete list: the item, the name it was matched by, and how well.</summary>
    public sealed class Ranked<T>
    {
        public Ranked(T item, string name, NameMatch match)
        {
            Item = item;
            Name = name ?? "";
            Match = match;
        }

        public T Item { get; }
        /// <summary>The name the item was ranked by (what the name selector returned).</summary>
        public string Name { get; }
        public NameMatch Match { get; }

        public override string ToString() => Name + " (" + Match + ")";
    }
}
