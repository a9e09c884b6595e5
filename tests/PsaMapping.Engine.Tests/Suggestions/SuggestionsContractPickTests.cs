using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Suggestions;

namespace PsaMapping.Engine.Tests
{
    /// <summary>Which of a company's active contracts a suggestion names, and when a person has to choose.</summary>
    public sealed class SuggestionsContractPickTests
    {
        private static AutotaskContract Contract(long id, string name, bool recurring = true, bool expired = false) =>
            new(id, name, null, 7, "Contoso", recurring ? "Recurring Service" : "Block Hours", "Active",
                new DateTime(2024, 1, 1), expired ? new DateTime(2026, 1, 31) : new DateTime(2028, 12, 31), true, expired, recurring);

        [Fact]
        public void An_expired_recurring_contract_does_not_keep_the_one_in_force_from_being_picked()
        {
            // Autotask keeps contracts active past their end date; the sync refuses them, so only one can take usage.
            var monitoring = Contract(1, "Monitoring - Contoso", expired: true);
            var managed = Contract(2, "Managed Services - Contoso");
            AutotaskContract? picked = MappingSuggester.PickContract(new List<AutotaskContract> { monitoring, managed, Contract(3, "Prepaid Hours", recurring: false) }, out string reason);

            Assert.Same(managed, picked);
            Assert.Equal("its only Recurring Service contract that has not ended", reason);
        }

        [Fact]
        public void An_expired_contract_named_for_Sophos_still_wins_over_an_unnamed_one_in_force()
        {
            var sophos = Contract(1, "Sophos MSP - Contoso", expired: true);
            AutotaskContract? picked = MappingSuggester.PickContract(new List<AutotaskContract> { sophos, Contract(2, "Backup - Contoso") }, out _);
            Assert.Same(sophos, picked);
        }

        [Fact]
        public void Two_recurring_contracts_in_force_are_left_to_a_person()
        {
            var all = new List<AutotaskContract> { Contract(1, "Backup - Contoso"), Contract(2, "Microsoft 365 - Contoso"), Contract(3, "Monitoring - Contoso", expired: true) };
            Assert.Null(MappingSuggester.PickContract(all, out string reason));
            Assert.Equal("the company has 3 active contracts (3 Recurring Service)", reason);
        }

        [Fact]
        public void Two_contracts_named_for_Sophos_are_left_to_a_person_even_when_one_has_ended()
        {
            var all = new List<AutotaskContract> { Contract(1, "Sophos MSP 2025", expired: true), Contract(2, "Sophos MSP 2026"), Contract(3, "Backup - Contoso") };
            Assert.Null(MappingSuggester.PickContract(all, out _));
        }

        [Fact]
        public void Only_expired_recurring_contracts_are_left_to_a_person()
        {
            var all = new List<AutotaskContract> { Contract(1, "Backup - Contoso", expired: true), Contract(2, "Monitoring - Contoso", expired: true) };
            Assert.Null(MappingSuggester.PickContract(all, out _));
        }
    }
}
