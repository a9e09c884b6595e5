namespace PsaMapping.Engine.Suggestions
{
    /// <summary>One Autotask company as the <see cref="CompanyNameIndex"/> needs it.</summary>
    public readonly record struct IndexedCompany
    {
        /// <param name="id">The Autotask company id.</param>
        /// <param name="name">The company name as stored in Autotask (null is treated as empty).</param>
        /// <param name="isActive">
        /// False for an inactive company: it can still be suggested (never as High), its score is lowered by
        /// <see cref="CompanyNameIndex.InactivePenalty"/> and its reason says "inactive". Index inactive companies
        /// too: as runners-up they keep a look-alike of a deactivated customer from being picked automatically.
        /// </param>
        /// <param name="isCustomer">
        /// False for a company whose type is not Customer (Lead, Prospect, Vendor, ...): lowered by
        /// <see cref="CompanyNameIndex.NotCustomerPenalty"/>, which ranks it after an equally close customer, and
        /// its reason says "not a customer".
        /// </param>
        public IndexedCompany(long id, string name, bool isActive = true, bool isCustomer = true)
        {
            Id = id;
            Name = name ?? "";
            IsActive = isActive;
            IsCustomer = isCustomer;
        }

        public long Id { get; }
        public string Name { get; }
        public bool IsActive { get; }
        public bool IsCustomer { get; }

        public override string ToString() => Id + " " + Name;
    }
}
