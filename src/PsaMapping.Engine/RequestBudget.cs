namespace PsaMapping.Engine
{
    /// <summary>
    /// When reading a whole list once costs fewer requests than looking items up one at a time. Requests are
    /// the scarce resource (Autotask allows 10,000 an hour for the whole database), so the cmdlets ask here
    /// rather than each keeping its own rule.
    /// </summary>
    public static class RequestBudget
    {
        /// <summary>
        /// A company lookup by name costs a request; every company costs one per 500. Past this many names in
        /// one pipeline, reading every company once and matching locally is cheaper.
        /// </summary>
        public const int SearchesBeforeFetchingAll = 10;

        /// <summary>
        /// A Sophos customer by id costs a request; the whole list one per 100. Up to this many ids in one
        /// pipeline are looked up one by one, the rest in the list.
        /// </summary>
        public const int SingleLookupsBeforeFullList = 5;

        /// <summary>Whether the <paramref name="lookup"/>th company lookup by name (from 1) should read every company first.</summary>
        public static bool FetchAllCompaniesBefore(int lookup) => lookup > SearchesBeforeFetchingAll;

        /// <summary>Whether the <paramref name="lookup"/>th customer lookup by id (from 1) should use the whole list.</summary>
        public static bool ListAllCustomersBefore(int lookup) => lookup > SingleLookupsBeforeFullList;
    }
}
