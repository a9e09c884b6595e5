using Newtonsoft.Json.Linq;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Http;
using PsaMapping.Engine.Sophos;
using PsaMapping.Sandbox;

namespace PsaMapping.Engine.Tests.Billing
{
    /// <summary>The engine's usage-billing calls against the sandbox: every page, `in`-filtered reads, and adjustments whose outcome is known.</summary>
    public sealed class UsageBillingClientTests : IAsyncLifetime
    {
        private SandboxServer _server = null!;

        public async Task InitializeAsync() => _server = await SandboxServer.StartAsync(new SandboxOptions { TenantCount = 250, CompanyCount = 400, Seed = 11 });

        public async Task DisposeAsync() => await _server.DisposeAsync();

        private DateTime ThisMonth => _server.Billing.ThisMonth;

        private async Task<SophosCentralClient> SophosAsync()
        {
            var client = new SophosCentralClient(new ClientCredential(_server.Options.SophosClientId, SophosCentralClientTests.Secure(_server.Options.SophosClientSecret)),
                _server.SophosAuthUri, _server.SophosApiUri, new HttpClientHandler(), new ResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(5) });
            await client.ConnectAsync(CancellationToken.None);
            return client;
        }

        private async Task<AutotaskBilling> AutotaskAsync(Action<ResilienceOptions>? configure = null)
        {
            var options = new ResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(5), ConcurrencyScope = Guid.NewGuid().ToString() };
            configure?.Invoke(options);
            var client = new AutotaskClient(new AutotaskCredential(_server.Options.AutotaskUserName,
                    SophosCentralClientTests.Secure(_server.Options.AutotaskSecret), SophosCentralClientTests.Secure(_server.Options.AutotaskIntegrationCode)),
                _server.AutotaskZoneUri, null, new HttpClientHandler(), options);
            await client.ConnectAsync(CancellationToken.None);
            return new AutotaskBilling(client);
        }

        private long Requests(string entity) => _server.Counters.Requests(SandboxEndpoints.AutotaskEntity(entity));

        /// <summary>A line whose units can change this month: active contract running well past it, current period not posted.</summary>
        private SandboxContractService AdjustableLine(int skip = 0) => _server.Billing.ContractServices
            .Where(line =>
            {
                var contract = _server.Contracts.Single(c => c.Id == line.ContractId);
                var rows = _server.Billing.UnitRows(line.Id);
                return contract.EndDate > ThisMonth.AddMonths(3)
                       && rows.Any(r => r.StartDate == ThisMonth && r.ApproveAndPostDate is null)
                       && _server.Billing.ContractServicesOf(line.ContractId).Count(l => l.ServiceId == line.ServiceId) == 1;
            })
            .Skip(skip).First();

        [Theory]
        [InlineData(SophosPaging.Keys)]
        [InlineData(SophosPaging.Numbers)]
        public async Task A_months_usage_is_read_with_every_page_whichever_way_it_pages(SophosPaging paging)
        {
            _server.Options.SophosUsagePaging = paging;
            using SophosCentralClient client = await SophosAsync();
            var month = ThisMonth.AddMonths(-1);
            var expected = _server.Billing.Usage(month.Year, month.Month)!;

            SophosUsageReport report = await client.GetUsageAsync(month.Year, month.Month, refresh: false, null, CancellationToken.None);

            Assert.True(report.HasData);
            Assert.Equal(expected.Select(i => (i.AccountId, i.ProductCode, i.BillableQuantity)),
                report.Items.Select(i => (i.SophosCustomerId, i.ProductCode, i.BillableQuantity)));
            Assert.Equal((expected.Count + 99) / 100, _server.Counters.Requests(SandboxEndpoints.SophosUsage));
            Assert.True(expected.Count > 200, "the report spans several pages");
        }

        [Fact]
        public async Task A_month_with_no_report_is_no_usage_yet_and_not_an_error()
        {
            using SophosCentralClient client = await SophosAsync();

            SophosUsageReport report = await client.GetUsageAsync(ThisMonth.Year, ThisMonth.Month, refresh: false, null, CancellationToken.None);

            Assert.False(report.HasData);
            Assert.Empty(report.Items);
        }

        [Fact]
        public async Task A_months_usage_is_read_once_per_session_unless_refreshed()
        {
            using SophosCentralClient client = await SophosAsync();
            var month = ThisMonth.AddMonths(-2);

            await client.GetUsageAsync(month.Year, month.Month, refresh: false, null, CancellationToken.None);
            long after = _server.Counters.Requests(SandboxEndpoints.SophosUsage);
            await client.GetUsageAsync(month.Year, month.Month, refresh: false, null, CancellationToken.None);
            Assert.Equal(after, _server.Counters.Requests(SandboxEndpoints.SophosUsage));

            await client.GetUsageAsync(month.Year, month.Month, refresh: true, null, CancellationToken.None);
            Assert.Equal(2 * after, _server.Counters.Requests(SandboxEndpoints.SophosUsage));
        }

        [Fact]
        public async Task Items_without_an_account_come_through_without_a_customer_id_and_prices_stay_text()
        {
            using SophosCentralClient client = await SophosAsync();
            var month = ThisMonth.AddMonths(-1);

            SophosUsageReport report = await client.GetUsageAsync(month.Year, month.Month, refresh: false, null, CancellationToken.None);

            Assert.Equal(3, report.Items.Count(i => i.SophosCustomerId is null));
            Assert.All(report.Items, i => Assert.Matches(@"^\d+\.\d\d$", i.UnitPrice));
            Assert.All(report.Items.Where(i => i.SophosCustomerId is not null), i => Assert.False(string.IsNullOrEmpty(i.SophosCustomerName)));
        }

        [Fact]
        public async Task The_service_catalogue_costs_one_query_and_reads_period_labels_from_the_picklist()
        {
            AutotaskBilling billing = await AutotaskAsync();
            long before = Requests("Services");

            IReadOnlyList<AutotaskService> services = await billing.GetServicesAsync(includeInactive: false, CancellationToken.None);

            Assert.Equal(SandboxBilling.Services.Where(s => s.IsActive).Select(s => s.Id), services.Select(s => s.AutotaskServiceId));
            Assert.Equal("Monthly", services[0].PeriodType);
            Assert.Equal("Yearly", services.Single(s => s.ServiceName.EndsWith("Annual", StringComparison.Ordinal)).PeriodType);
            Assert.Equal(2, Requests("Services") - before); // the picklist and one page
            Assert.Contains((await billing.GetServicesAsync(includeInactive: true, CancellationToken.None)), s => !s.IsActive);
        }

        [Fact]
        public async Task Service_lines_and_units_of_many_contracts_cost_one_query_per_500_contracts_and_page()
        {
            AutotaskBilling billing = await AutotaskAsync();
            var contracts = _server.Contracts.Select(c => c.Id).ToList();
            Assert.True(contracts.Count > 500, "more contracts than one `in` filter holds");
            long linesBefore = Requests("ContractServices"), unitsBefore = Requests("ContractServiceUnits");

            var lines = await billing.GetContractServicesAsync(contracts, CancellationToken.None);
            var units = await billing.GetContractServiceUnitsAsync(contracts, ThisMonth, CancellationToken.None);

            var expectedLines = _server.Billing.ContractServices;
            Assert.Equal(expectedLines.Select(l => l.Id).Order(), lines.Select(l => l.ContractServiceId).Order());
            int chunks = (contracts.Count + 499) / 500;
            Assert.InRange(Requests("ContractServices") - linesBefore, chunks, chunks + expectedLines.Count / 500 + 1);
            Assert.InRange(Requests("ContractServiceUnits") - unitsBefore, chunks, chunks + units.Count / 500 + 1);

            // Only the rows in force that day travel: one per line that has one.
            Assert.Equal(expectedLines.Count(l => _server.Billing.UnitsOn(l.Id, ThisMonth) != null), units.Count);
            foreach (var line in expectedLines)
            {
                decimal? expected = _server.Billing.UnitsOn(line.Id, ThisMonth);
                var inForce = AutotaskBilling.UnitsInForce(units.Where(u => u.ContractServiceId == line.Id), ThisMonth);
                Assert.Equal(expected, inForce?.Units);
            }
        }

        [Fact]
        public async Task An_applied_adjustment_is_reported_with_its_item_id_and_changes_the_units_from_its_date_on()
        {
            AutotaskBilling billing = await AutotaskAsync();
            var line = AdjustableLine();
            decimal before = _server.Billing.UnitsOn(line.Id, ThisMonth)!.Value;
            var midMonth = ThisMonth.AddDays(14);

            AutotaskWriteResult result = await billing.PostAdjustmentAsync(new ServiceAdjustment(line.ContractId, line.Id, null, midMonth, 5), CancellationToken.None);

            Assert.Equal(AutotaskWriteOutcome.Applied, result.Outcome);
            Assert.Equal(_server.Billing.Adjustments.Single().Id, result.ItemId);
            Assert.Equal(before, _server.Billing.UnitsOn(line.Id, midMonth.AddDays(-1)));
            Assert.Equal(before + 5, _server.Billing.UnitsOn(line.Id, midMonth));
            Assert.Equal(before + 5, _server.Billing.UnitsOn(line.Id, ThisMonth.AddMonths(2)));

            // Read back as a client would: the split period's new row is the one in force.
            var rows = await billing.GetContractServiceUnitsAsync(new[] { line.ContractId }, midMonth, CancellationToken.None);
            Assert.Equal(before + 5, AutotaskBilling.UnitsInForce(rows.Where(r => r.ContractServiceId == line.Id), midMonth)!.Units);
        }

        [Fact]
        public async Task An_adjustment_touching_a_posted_period_is_refused_with_autotasks_message()
        {
            AutotaskBilling billing = await AutotaskAsync();
            var line = AdjustableLine();

            AutotaskWriteResult result = await billing.PostAdjustmentAsync(
                new ServiceAdjustment(line.ContractId, line.Id, null, ThisMonth.AddMonths(-1), 2), CancellationToken.None);

            Assert.Equal(AutotaskWriteOutcome.Refused, result.Outcome);
            Assert.Equal(new[] { SandboxBilling.PostedPeriodMessage }, result.Errors);
            Assert.Contains(SandboxBilling.PostedPeriodMessage, result.Message);
            Assert.Equal(1, Requests("ContractServiceAdjustments"));
        }

        [Fact]
        public async Task An_adjustment_applied_then_dropped_is_unknown_and_never_sent_again()
        {
            AutotaskBilling billing = await AutotaskAsync();
            var line = AdjustableLine();
            decimal before = _server.Billing.UnitsOn(line.Id, ThisMonth)!.Value;
            _server.Faults.FractionAdjustmentApplyThenDrop = 1;

            AutotaskWriteResult result = await billing.PostAdjustmentAsync(new ServiceAdjustment(line.ContractId, line.Id, null, ThisMonth, 3), CancellationToken.None);

            Assert.Equal(AutotaskWriteOutcome.Unknown, result.Outcome);
            Assert.Equal(1, Requests("ContractServiceAdjustments"));
            Assert.Equal(SandboxAdjustmentOutcome.AppliedThenDropped, _server.Billing.Adjustments.Single().Outcome);
            Assert.Equal(before + 3, _server.Billing.UnitsOn(line.Id, ThisMonth));
        }

        [Fact]
        public async Task A_server_failure_without_autotasks_errors_is_unknown_and_never_sent_again()
        {
            AutotaskBilling billing = await AutotaskAsync();
            var line = AdjustableLine();
            _server.Faults.Fraction5xx = 1;

            AutotaskWriteResult result = await billing.PostAdjustmentAsync(new ServiceAdjustment(line.ContractId, line.Id, null, ThisMonth, 3), CancellationToken.None);

            Assert.Equal(AutotaskWriteOutcome.Unknown, result.Outcome);
            Assert.Equal(1, Requests("ContractServiceAdjustments"));
        }

        [Fact]
        public async Task A_thread_limit_or_429_refusal_was_not_processed_and_is_retried_by_the_pipeline()
        {
            AutotaskBilling billing = await AutotaskAsync(o => o.MaxRetryAttempts = 2);
            var line = AdjustableLine();
            _server.Faults.Fraction429 = 1;
            _server.Faults.RetryAfterSeconds = 0;

            AutotaskWriteResult result = await billing.PostAdjustmentAsync(new ServiceAdjustment(line.ContractId, line.Id, null, ThisMonth, 3), CancellationToken.None);

            Assert.Equal(AutotaskWriteOutcome.NotProcessed, result.Outcome);
            Assert.Equal(3, Requests("ContractServiceAdjustments"));
            Assert.Empty(_server.Billing.Adjustments);
        }

        [Fact]
        public async Task An_adjustment_naming_a_service_the_contract_lacks_adds_the_service_line()
        {
            AutotaskBilling billing = await AutotaskAsync();
            var line = AdjustableLine();
            long missing = SandboxBilling.Services.First(s => s.IsActive && _server.Billing.ContractServicesOf(line.ContractId).All(l => l.ServiceId != s.Id)).Id;

            AutotaskWriteResult result = await billing.PostAdjustmentAsync(new ServiceAdjustment(line.ContractId, null, missing, ThisMonth, 7), CancellationToken.None);

            Assert.Equal(AutotaskWriteOutcome.Applied, result.Outcome);
            var added = Assert.Single(_server.Billing.ContractServicesOf(line.ContractId), l => l.ServiceId == missing);
            Assert.Equal(7, _server.Billing.UnitsOn(added.Id, ThisMonth));
            Assert.Contains(await billing.GetContractServicesAsync(new[] { line.ContractId }, CancellationToken.None), l => l.ContractServiceId == added.Id);
        }

        [Fact]
        public async Task Adjustments_cannot_be_queried()
        {
            AutotaskBilling billing = await AutotaskAsync();

            var error = await Assert.ThrowsAsync<PsaMappingException>(() => billing.Client.QueryAsync("ContractServiceAdjustments",
                Filter.Of(Filter.All()), null, CancellationToken.None));

            Assert.Equal("AutotaskRequestFailed", error.ErrorId);
        }

        [Fact]
        public async Task An_adjustment_on_a_contract_that_is_not_recurring_service_is_refused()
        {
            AutotaskBilling billing = await AutotaskAsync();
            var contract = _server.Contracts.First(c => c.ContractType != AutotaskCodes.ContractType.RecurringService && c.EndDate > ThisMonth);

            AutotaskWriteResult result = await billing.PostAdjustmentAsync(
                new ServiceAdjustment(contract.Id, null, SandboxBilling.FirstServiceId, ThisMonth, 1), CancellationToken.None);

            Assert.Equal(AutotaskWriteOutcome.Refused, result.Outcome);
            Assert.Contains("Recurring Service", result.Message);
        }

        [Fact]
        public async Task A_contract_added_while_the_sandbox_runs_is_queried_and_takes_service_lines()
        {
            AutotaskBilling billing = await AutotaskAsync();
            var company = _server.Companies.First(c => c.CompanyType == AutotaskCodes.CompanyType.Customer);
            var future = _server.Billing.AddContract(company.Id, "Sophos MSP - not started yet", ThisMonth.AddMonths(2), ThisMonth.AddYears(2));

            var contracts = await new AutotaskDirectory(billing.Client).GetContractsAsync(new[] { company.Id }, null, false, CancellationToken.None);
            AutotaskWriteResult early = await billing.PostAdjustmentAsync(new ServiceAdjustment(future.Id, null, SandboxBilling.FirstServiceId, ThisMonth, 1), CancellationToken.None);
            AutotaskWriteResult onStart = await billing.PostAdjustmentAsync(new ServiceAdjustment(future.Id, null, SandboxBilling.FirstServiceId, future.StartDate, 4), CancellationToken.None);

            Assert.Contains(contracts, c => c.ContractId == future.Id && c.StartDate == future.StartDate);
            Assert.Equal(AutotaskWriteOutcome.Refused, early.Outcome);
            Assert.Equal(AutotaskWriteOutcome.Applied, onStart.Outcome);
            Assert.Equal(4, _server.Billing.UnitsOn(Assert.Single(_server.Billing.ContractServicesOf(future.Id)).Id, future.StartDate));
        }

        /// <summary>
        /// The property the sync relies on: with 30 % of adjustments applied and then dropped, a caller that posts the
        /// difference, and on an unknown outcome reads the units back and posts only what is still missing, ends with
        /// exactly the target units, and the sandbox received no adjustment it did not need.
        /// </summary>
        [Fact]
        public async Task With_applied_then_dropped_posts_reading_back_after_an_unknown_outcome_ends_with_exact_units()
        {
            AutotaskBilling billing = await AutotaskAsync();
            var lines = Enumerable.Range(0, 20).Select(AdjustableLine).DistinctBy(l => l.Id).ToList();
            var targets = lines.ToDictionary(l => l.Id, l => _server.Billing.UnitsOn(l.Id, ThisMonth)!.Value + 1 + l.Id % 7);
            _server.Faults.FractionAdjustmentApplyThenDrop = 0.3;

            foreach (var line in lines)
            {
                for (int attempt = 0; attempt < 20; attempt++)
                {
                    var rows = await billing.GetContractServiceUnitsAsync(new[] { line.ContractId }, ThisMonth, CancellationToken.None);
                    decimal current = AutotaskBilling.UnitsInForce(rows.Where(r => r.ContractServiceId == line.Id), ThisMonth)!.Units;
                    if (current == targets[line.Id]) break;
                    var result = await billing.PostAdjustmentAsync(
                        new ServiceAdjustment(line.ContractId, line.Id, null, ThisMonth, targets[line.Id] - current), CancellationToken.None);
                    Assert.NotEqual(AutotaskWriteOutcome.Refused, result.Outcome);
                }
            }

            Assert.All(lines, line => Assert.Equal(targets[line.Id], _server.Billing.UnitsOn(line.Id, ThisMonth)));
            Assert.Contains(_server.Billing.Adjustments, a => a.Outcome == SandboxAdjustmentOutcome.AppliedThenDropped);
            Assert.Equal(lines.Count, _server.Billing.Adjustments.Count); // one change per line: none was applied twice
            Assert.Equal(_server.Billing.Adjustments.Count, Requests("ContractServiceAdjustments"));
        }
    }
}
