using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Engine.Tests.Mapping
{
    /// <summary>Set-PsaMapping's warnings: one sentence per problem, whatever the number of rows it concerns.</summary>
    public sealed class MappingWarningsTests
    {
        private static readonly AutotaskCompany Company = new(1001, "Contoso", null, "Customer", true, null);

        private static AutotaskContract Contract(long id, string name, bool recurring = true, bool expired = false) =>
            new(id, name, null, 1001, "Contoso", recurring ? "Recurring Service" : "Retainer", "Active", null,
                expired ? new DateTime(2020, 1, 1) : null, true, expired, recurring);

        /// <summary>Every one of <paramref name="rows"/> customers mapped to one contract whose name another contract also has.</summary>
        private static IReadOnlyList<string> WarningsForRowsOnOneContract(int rows)
        {
            var customers = Enumerable.Range(0, rows).Select(i => new SophosCustomer(Guid.NewGuid(), $"Customer {i:D5}", null, null, null, null, null)).ToList();
            var shared = Contract(100001, "Sophos MSP", recurring: false, expired: true);
            var live = new LiveData(customers, new[] { Company }, new[] { shared, Contract(100002, "Sophos MSP") }, Array.Empty<AutotaskContract>());
            var requests = customers.Select(c => new MappingRequest { SophosCustomerId = c.SophosCustomerId, ContractId = 100001, SyncEnabled = true }).ToList();

            RuleResolution resolution = MappingRules.Resolve(requests, live, MappingSnapshot.Empty);
            var users = new ContractUsers(resolution.Outcomes.Select(o => o.Resolved!.Mapping));
            return MappingWarnings.Summarize(resolution.Outcomes.SelectMany(o => o.Resolved!.Warnings).ToList(), live, users.Counts);
        }

        [Fact]
        public void Each_problem_shared_by_many_rows_is_one_warning_naming_how_many_rows_it_concerns()
        {
            IReadOnlyList<string> warnings = WarningsForRowsOnOneContract(40);

            Assert.Equal(4, warnings.Count); // expired, same name, sync on a Retainer, shared by 40 customers
            Assert.Contains(warnings, w => w.Contains("40 customers ('Customer 00000', 'Customer 00001', 'Customer 00002' and 37 more) are mapped to an expired contract"));
            Assert.Contains(warnings, w => w.Contains("The contract name 'Sophos MSP' is used by 2 active contracts"));
            Assert.Contains(warnings, w => w.StartsWith("Sync is on for 40 customers", StringComparison.Ordinal));
            Assert.Contains(warnings, w => w.Contains("(id 100001) is mapped to 40 customers"));
        }

        [Fact]
        public void The_warnings_do_not_grow_with_the_rows_of_a_pipeline()
        {
            int few = WarningsForRowsOnOneContract(50).Sum(w => w.Length);
            int many = WarningsForRowsOnOneContract(8000).Sum(w => w.Length);

            Assert.InRange(many - few, 0, 40); // only the counts' digits differ
        }

        [Fact]
        public void A_customer_given_in_two_rows_is_reported_once_even_when_one_row_is_invalid()
        {
            var customer = new SophosCustomer(Guid.NewGuid(), "Contoso Ltd", null, null, null, null, null);
            var live = new LiveData(new[] { customer }, new[] { Company }, new[] { Contract(100001, "Sophos MSP - Contoso") }, Array.Empty<AutotaskContract>());
            var requests = new[]
            {
                new MappingRequest { SophosCustomerName = "Contoso Ltd", ContractId = 100001 },
                new MappingRequest { SophosCustomerName = "contoso ltd", ContractId = 999999 },
            };

            RuleResolution resolution = MappingRules.Resolve(requests, live, MappingSnapshot.Empty);

            RepeatedCustomer repeated = Assert.Single(resolution.Repeated);
            Assert.Equal(2, repeated.Rows);
            Assert.Contains("'Contoso Ltd' is given in 2 rows of this pipeline; the last valid one was kept", repeated.Message);
        }

        [Fact]
        public void A_name_of_200000_characters_is_clipped_where_a_message_repeats_it()
        {
            string huge = new('x', 200_000);
            var live = new LiveData(Array.Empty<SophosCustomer>(), new[] { Company }, Array.Empty<AutotaskContract>(), Array.Empty<AutotaskContract>());

            RuleOutcome outcome = Assert.Single(MappingRules.Resolve(new[] { new MappingRequest { SophosCustomerName = huge, ContractId = 1 } }, live, MappingSnapshot.Empty).Outcomes);

            Assert.Equal("SophosCustomerNotFound", outcome.Error!.ErrorId);
            Assert.InRange(outcome.Error.Message.Length, 0, 600);
        }

        [Theory]
        [InlineData("Contoso", "'Contoso'")]
        [InlineData("Hernandez Insurance's", "'Hernandez Insurance''s'")]
        [InlineData("Hernandez Insurance\u2019s", "'Hernandez Insurance\u2019\u2019s'")]
        public void Names_in_suggested_commands_are_quoted_as_PowerShell_reads_them(string name, string quoted) =>
            Assert.Equal(quoted, UserText.Quoted(name));

        [Fact]
        public void A_suggested_wildcard_takes_the_name_literally() =>
            Assert.Equal("'Acme `[EU`]*'", UserText.QuotedPrefixPattern("Acme [EU]"));
    }
}
