using PsaMapping.Engine.Autotask;
using PsaMapping.Sandbox;
using Xunit.Abstractions;

namespace PsaMapping.Engine.Tests.Suggestions
{
    /// <summary>
    /// "Which company is this customer?" for customers piped into Find-AutotaskCompany: one matcher, the one
    /// suggestions use, measured on sandbox data whose ground truth says which company each tenant is.
    /// </summary>
    public sealed class CustomerNameMatchTests(ITestOutputHelper output)
    {
        [Fact]
        public async Task A_customers_whole_name_finds_its_company_more_often_than_the_autocomplete_does()
        {
            await using SandboxServer server = await SandboxServer.StartAsync(new SandboxOptions
            {
                TenantCount = 200, CompanyCount = 1_000, ContractsPerCompany = 0, Seed = 5,
            });
            using AutotaskClient client = await ConnectAsync(server);
            var directory = new AutotaskDirectory(client);
            var byId = server.Companies.ToDictionary(c => c.Id);

            int eligible = 0, similarRight = 0, autocompleteRight = 0;
            foreach (SandboxTenant tenant in server.Tenants)
            {
                if (server.IntendedCompanyId(tenant.Id) is not long intended || !byId[intended].IsActive) continue;
                eligible++;
                var similar = await directory.MatchCustomerNameAsync(tenant.Name, false, 1, CancellationToken.None);
                var typed = await directory.SearchCompaniesAsync(tenant.Name, false, 1, CancellationToken.None);
                if (similar.Count == 1 && similar[0].Company.AutotaskCompanyId == intended) similarRight++;
                if (typed.Count == 1 && typed[0].Item.AutotaskCompanyId == intended) autocompleteRight++;
            }

            double similarShare = (double)similarRight / eligible, autocompleteShare = (double)autocompleteRight / eligible;
            output.WriteLine($"{eligible} tenants with an active company: first company right {similarShare:0.000} by whole-name similarity, {autocompleteShare:0.000} by autocomplete");
            Assert.True(similarShare > autocompleteShare, $"similarity {similarShare:0.000} <= autocomplete {autocompleteShare:0.000}");
            Assert.True(similarShare >= 0.9, $"similarity finds the company for {similarShare:0.000} of the tenants");
        }

        [Fact]
        public async Task Once_every_company_is_read_a_customer_match_costs_no_request_and_leaves_inactive_companies_out()
        {
            await using SandboxServer server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 50, CompanyCount = 300, Seed = 2 });
            using AutotaskClient client = await ConnectAsync(server);
            var directory = new AutotaskDirectory(client);
            await directory.GetAllCompaniesAsync(CancellationToken.None);
            long before = server.Counters.TotalRequests;

            var matches = await directory.MatchCustomerNameAsync(server.Tenants[0].Name, false, null, CancellationToken.None);

            Assert.Equal(before, server.Counters.TotalRequests);
            Assert.NotEmpty(matches);
            Assert.All(matches, m => Assert.True(m.Company.IsActive));
            Assert.Equal(matches.OrderByDescending(m => m.Match.Score).Select(m => m.Match.Score), matches.Select(m => m.Match.Score));
        }

        private static async Task<AutotaskClient> ConnectAsync(SandboxServer server)
        {
            var client = new AutotaskClient(new AutotaskCredential(server.Options.AutotaskUserName,
                SecretText.ToSecureString(server.Options.AutotaskSecret), SecretText.ToSecureString(server.Options.AutotaskIntegrationCode)),
                server.AutotaskZoneUri);
            await client.ConnectAsync(CancellationToken.None);
            return client;
        }
    }
}
