using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Sync;

namespace PsaMapping.Engine.Tests.Sync
{
    public sealed class SyncPlannerTests
    {
        private static readonly DateTime Effective = new(2026, 12, 1);
        private const long ContractA = 700, ContractB = 701;
        private const long EndpointService = 10, ServerService = 11, FirewallService = 12, UnrelatedService = 99;

        private static Guid Id(int n) => new($"00000000-0000-0000-0000-{n:D12}");

        private static CustomerMapping Map(int customer, long contract, bool sync = true) =>
            new(Id(customer), $"Customer {customer}", 1000 + customer, $"Company {customer}", contract, $"Contract {contract}", sync);

        private static AutotaskContract Contract(long id, bool recurring = true, bool active = true, DateTime? start = null, DateTime? end = null) =>
            new(id, $"Contract {id}", null, 1001, null, recurring ? "Recurring Service" : "Fixed Price", active ? "Active" : "Inactive",
                start ?? new DateTime(2025, 1, 1), end ?? new DateTime(2027, 12, 31), active, false, recurring);

        /// <summary>A contract service line and its unit rows, each row running to the end of its month.</summary>
        private sealed record ContractLine(AutotaskContractService Service, AutotaskServiceUnits[] Units);

        private static long _unitRowId;

        private static ContractLine Line(long contractServiceId, long contract, long service, params (DateTime start, decimal units)[] periods) =>
            PostedLine(contractServiceId, contract, service, null, periods);

        private static ContractLine PostedLine(long contractServiceId, long contract, long service, DateTime? postedOn, params (DateTime start, decimal units)[] periods) =>
            new(new AutotaskContractService(contractServiceId, contract, service, 5m, 2m, null),
                periods.Select(p => new AutotaskServiceUnits(Interlocked.Increment(ref _unitRowId), contract, contractServiceId, service, p.start,
                    new DateTime(p.start.Year, p.start.Month, 1).AddMonths(1).AddDays(-1), p.units, 5m, postedOn)).ToArray());

        private static SophosUsageItem Use(int customer, string code, decimal quantity) =>
            new(2026, 11, Id(customer), $"Customer {customer}", code, null, null, null, quantity, quantity, null, null, null, null, null, null, null, null);

        private static SyncFacts Facts(IEnumerable<CustomerMapping> mappings, IEnumerable<SophosUsageItem> usage, IEnumerable<ContractLine> lines,
            IEnumerable<AutotaskContract>? contracts = null, bool addMissing = false) => new()
        {
            Year = 2026,
            Month = 11,
            EffectiveDate = Effective,
            AddMissingService = addMissing,
            Subjects = mappings.Select(m => new SyncSubject(m.SophosCustomerId, m.SophosCustomerName, m, Named: false)).ToList(),
            Usage = usage.ToList(),
            ProductMap = new Dictionary<string, long> { ["CIXA"] = EndpointService, ["CIXAEDR"] = EndpointService, ["SVRA"] = ServerService, ["FW"] = FirewallService },
            ServiceNames = new Dictionary<long, string> { [EndpointService] = "Intercept X", [ServerService] = "Server Protection", [FirewallService] = "Firewall" },
            Contracts = (contracts ?? new[] { Contract(ContractA), Contract(ContractB) }).ToDictionary(c => c.ContractId),
            Lines = lines.Select(l => l.Service).ToList(),
            Units = lines.SelectMany(l => l.Units).ToList(),
        };

        private static SyncLine Only(SyncPlan plan, long service) => Assert.Single(plan.Lines, l => l.AutotaskServiceId == service);

        [Fact]
        public void Several_product_codes_mapped_to_one_service_are_summed_into_one_change()
        {
            var plan = SyncPlanner.Plan(Facts(new[] { Map(1, ContractA) },
                new[] { Use(1, "CIXA", 30), Use(1, "CIXAEDR", 12) },
                new[] { Line(5001, ContractA, EndpointService, (new DateTime(2026, 11, 1), 40), (Effective, 40)) }));

            SyncLine line = Only(plan, EndpointService);
            Assert.Equal(SyncLineStatus.WouldAdjust, line.Status);
            Assert.Equal(40, line.CurrentUnits);
            Assert.Equal(42, line.TargetUnits);
            Assert.Equal(2, line.UnitChange);
            Assert.Equal(new[] { "CIXA", "CIXAEDR" }, line.ProductCodes);
            Assert.Equal(5001, line.ContractServiceId);
            Assert.Equal("Intercept X", line.ServiceName);
            Assert.Equal(Effective, line.EffectiveDate);
        }

        [Fact]
        public void Units_in_force_are_the_latest_period_starting_on_or_before_the_effective_date_never_a_future_one()
        {
            var periods = new[] { (new DateTime(2026, 11, 1), 5m), (new DateTime(2026, 12, 1), 8m), (new DateTime(2026, 12, 15), 20m), (new DateTime(2027, 1, 1), 30m) };
            var plan = SyncPlanner.Plan(Facts(new[] { Map(1, ContractA) }, new[] { Use(1, "CIXA", 8) },
                new[] { Line(5001, ContractA, EndpointService, periods) }));

            SyncLine line = Only(plan, EndpointService);
            Assert.Equal(8, line.CurrentUnits); // the period starting on the effective date, not the later ones
            Assert.Equal(SyncLineStatus.Unchanged, line.Status);
            Assert.Equal(0, line.UnitChange);
        }

        [Fact]
        public void A_line_with_no_period_in_force_yet_counts_as_zero_units()
        {
            var plan = SyncPlanner.Plan(Facts(new[] { Map(1, ContractA) }, new[] { Use(1, "CIXA", 8) },
                new[] { Line(5001, ContractA, EndpointService, (new DateTime(2027, 1, 1), 9)) }));
            Assert.Equal(0, Only(plan, EndpointService).CurrentUnits);
        }

        [Fact]
        public void A_mapped_service_whose_products_vanished_from_the_usage_goes_to_zero()
        {
            var plan = SyncPlanner.Plan(Facts(new[] { Map(1, ContractA) }, new[] { Use(1, "CIXA", 3) },
                new[] { Line(5001, ContractA, EndpointService, (Effective, 3)), Line(5002, ContractA, ServerService, (Effective, 4)) }));

            SyncLine server = Only(plan, ServerService);
            Assert.Equal(SyncLineStatus.WouldAdjust, server.Status);
            Assert.Equal(0, server.TargetUnits);
            Assert.Equal(-4, server.UnitChange);
            Assert.Equal(new[] { "SVRA" }, server.ProductCodes);
            Assert.Equal(SyncLineStatus.Unchanged, Only(plan, EndpointService).Status);
        }

        [Fact]
        public void Services_no_product_mapping_names_are_never_touched_nor_listed()
        {
            var plan = SyncPlanner.Plan(Facts(new[] { Map(1, ContractA) }, new[] { Use(1, "CIXA", 3) },
                new[] { Line(5001, ContractA, EndpointService, (Effective, 1)), Line(5009, ContractA, UnrelatedService, (Effective, 77)) }));

            Assert.DoesNotContain(plan.Lines, l => l.AutotaskServiceId == UnrelatedService);
            Assert.Single(plan.Lines);
        }

        [Fact]
        public void The_same_service_on_two_lines_refuses_that_service_only()
        {
            var plan = SyncPlanner.Plan(Facts(new[] { Map(1, ContractA) }, new[] { Use(1, "CIXA", 3), Use(1, "SVRA", 2) },
                new[] { Line(5001, ContractA, EndpointService, (Effective, 1)), Line(5003, ContractA, EndpointService, (Effective, 1)), Line(5002, ContractA, ServerService, (Effective, 1)) }));

            var endpoint = plan.Lines.Where(l => l.AutotaskServiceId == EndpointService).ToList();
            Assert.Equal(2, endpoint.Count);
            Assert.All(endpoint, l => Assert.Equal(SyncLineStatus.Failed, l.Status));
            Assert.All(endpoint, l => Assert.Equal(ErrorIds.SyncServiceAmbiguous, l.Reason));
            Assert.Contains("5001, 5003", endpoint[0].Message);
            Assert.Equal(SyncLineStatus.WouldAdjust, Only(plan, ServerService).Status);
        }

        [Fact]
        public void A_mapped_service_missing_from_the_contract_is_reported_or_added_with_AddMissingService()
        {
            var usage = new[] { Use(1, "CIXA", 3), Use(1, "FW", 2) };
            var lines = new[] { Line(5001, ContractA, EndpointService, (Effective, 3)) };

            SyncLine refused = Only(SyncPlanner.Plan(Facts(new[] { Map(1, ContractA) }, usage, lines)), FirewallService);
            Assert.Equal(SyncLineStatus.Failed, refused.Status);
            Assert.Equal(ErrorIds.SyncServiceNotOnContract, refused.Reason);
            Assert.Contains("-AddMissingService", refused.Message);

            SyncLine added = Only(SyncPlanner.Plan(Facts(new[] { Map(1, ContractA) }, usage, lines, addMissing: true)), FirewallService);
            Assert.Equal(SyncLineStatus.WouldAdjust, added.Status);
            Assert.Null(added.ContractServiceId);
            Assert.Equal(0, added.CurrentUnits);
            Assert.Equal(2, added.UnitChange);
        }

        [Fact]
        public void Unmapped_product_codes_skip_their_line_and_are_listed_once_with_every_customer_affected()
        {
            var plan = SyncPlanner.Plan(Facts(new[] { Map(1, ContractA), Map(2, ContractB) },
                new[] { Use(1, "CIXA", 3), Use(1, "MDR", 3), Use(2, "MDR", 1), Use(2, "CIXA", 1) },
                new[] { Line(5001, ContractA, EndpointService, (Effective, 0)), Line(6001, ContractB, EndpointService, (Effective, 1)) }));

            UnmappedProduct unmapped = Assert.Single(plan.UnmappedProducts);
            Assert.Equal("MDR", unmapped.ProductCode);
            Assert.Equal(new[] { "Customer 1", "Customer 2" }, unmapped.CustomerNames);
            var skipped = plan.Lines.Where(l => l.Reason == ErrorIds.SyncProductUnmapped).ToList();
            Assert.Equal(2, skipped.Count);
            Assert.All(skipped, l => Assert.Equal(SyncLineStatus.Skipped, l.Status));
            Assert.Equal(SyncLineStatus.WouldAdjust, plan.Lines.Single(l => l.ContractId == ContractA && l.AutotaskServiceId == EndpointService).Status);
        }

        [Fact]
        public void A_customer_with_no_usage_in_a_month_that_has_data_is_skipped_and_its_contract_left_alone()
        {
            var plan = SyncPlanner.Plan(Facts(new[] { Map(1, ContractA), Map(2, ContractB) }, new[] { Use(2, "CIXA", 1) },
                new[] { Line(5001, ContractA, EndpointService, (Effective, 40)), Line(6001, ContractB, EndpointService, (Effective, 1)) }));

            SyncLine skipped = Assert.Single(plan.Lines, l => l.ContractId == ContractA);
            Assert.Equal(SyncLineStatus.Skipped, skipped.Status);
            Assert.Equal(ErrorIds.SyncNoUsage, skipped.Reason);
            Assert.Null(skipped.UnitChange);
        }

        [Fact]
        public void No_usage_data_for_the_month_plans_nothing_at_all()
        {
            var facts = Facts(new[] { Map(1, ContractA) }, Array.Empty<SophosUsageItem>(), new[] { Line(5001, ContractA, EndpointService, (Effective, 40)) });
            facts.UsageAvailable = false;
            Assert.Empty(SyncPlanner.Plan(facts).Lines);
        }

        [Theory]
        [InlineData("notrecurring", ErrorIds.SyncContractNotRecurring)]
        [InlineData("inactive", ErrorIds.SyncContractInactive)]
        [InlineData("ended", ErrorIds.SyncContractEnded)]
        [InlineData("notstarted", ErrorIds.SyncContractNotStarted)]
        [InlineData("gone", ErrorIds.SyncContractGone)]
        public void A_refused_contract_fails_its_customer_only(string problem, string reason)
        {
            AutotaskContract bad = problem switch
            {
                "notrecurring" => Contract(ContractA, recurring: false),
                "inactive" => Contract(ContractA, active: false),
                "ended" => Contract(ContractA, end: Effective.AddDays(-1)),
                "notstarted" => Contract(ContractA, start: Effective.AddDays(1)),
                _ => Contract(12345),
            };
            var plan = SyncPlanner.Plan(Facts(new[] { Map(1, ContractA), Map(2, ContractB) }, new[] { Use(1, "CIXA", 1), Use(2, "CIXA", 5) },
                new[] { Line(5001, ContractA, EndpointService, (Effective, 0)), Line(6001, ContractB, EndpointService, (Effective, 1)) },
                new[] { bad, Contract(ContractB) }));

            SyncLine failed = Assert.Single(plan.Lines, l => l.SophosCustomerId == Id(1));
            Assert.Equal(SyncLineStatus.Failed, failed.Status);
            Assert.Equal(reason, failed.Reason);
            Assert.Equal(SyncLineStatus.WouldAdjust, Assert.Single(plan.Lines, l => l.SophosCustomerId == Id(2)).Status);
        }

        [Fact]
        public void A_contract_that_ends_on_the_effective_date_is_still_in_force()
        {
            var plan = SyncPlanner.Plan(Facts(new[] { Map(1, ContractA) }, new[] { Use(1, "CIXA", 2) },
                new[] { Line(5001, ContractA, EndpointService, (Effective, 0)) }, new[] { Contract(ContractA, end: Effective) }));
            Assert.Equal(SyncLineStatus.WouldAdjust, Only(plan, EndpointService).Status);
        }

        [Fact]
        public void Sync_off_and_unmapped_customers_are_skipped_silently_unless_named()
        {
            var facts = Facts(new[] { Map(1, ContractA, sync: false) }, new[] { Use(1, "CIXA", 1) }, Array.Empty<ContractLine>());
            Assert.Empty(SyncPlanner.Plan(facts).Lines);

            facts.Subjects = new[]
            {
                new SyncSubject(Id(1), "Customer 1", Map(1, ContractA, sync: false), Named: true),
                new SyncSubject(Id(3), "Customer 3", null, Named: true),
            };
            var lines = SyncPlanner.Plan(facts).Lines;
            Assert.Equal(new[] { ErrorIds.SyncDisabled, ErrorIds.SyncCustomerNotMapped }, lines.Select(l => l.Reason));
            Assert.All(lines, l => Assert.Equal(SyncLineStatus.Skipped, l.Status));
        }

        [Fact]
        public void Customers_mapped_to_one_contract_are_billed_together()
        {
            var plan = SyncPlanner.Plan(Facts(new[] { Map(1, ContractA), Map(2, ContractA) }, new[] { Use(1, "CIXA", 3), Use(2, "CIXA", 4) },
                new[] { Line(5001, ContractA, EndpointService, (Effective, 3)) }));

            SyncLine line = Only(plan, EndpointService);
            Assert.Equal(7, line.TargetUnits);
            Assert.Equal(4, line.UnitChange);
        }

        [Fact]
        public void Product_codes_match_ignoring_case()
        {
            var plan = SyncPlanner.Plan(Facts(new[] { Map(1, ContractA) }, new[] { Use(1, "cixa", 3) },
                new[] { Line(5001, ContractA, EndpointService, (Effective, 0)) }));
            Assert.Equal(3, Only(plan, EndpointService).TargetUnits);
            Assert.Empty(plan.UnmappedProducts);
        }

        [Fact]
        public void Planning_the_units_a_run_would_post_then_planning_again_posts_nothing()
        {
            var usage = new[] { Use(1, "CIXA", 3), Use(1, "SVRA", 9) };
            var first = SyncPlanner.Plan(Facts(new[] { Map(1, ContractA) }, usage,
                new[] { Line(5001, ContractA, EndpointService, (Effective, 1)), Line(5002, ContractA, ServerService, (Effective, 1)) }));
            // Autotask after posting: each line's new period from the effective date holds current + change.
            var after = first.Lines.Select(l => Line(l.ContractServiceId!.Value, ContractA, l.AutotaskServiceId!.Value, (Effective, l.TargetUnits!.Value))).ToArray();

            var second = SyncPlanner.Plan(Facts(new[] { Map(1, ContractA) }, usage, after));

            Assert.All(second.Lines, l => Assert.Equal(SyncLineStatus.Unchanged, l.Status));
        }

        [Fact]
        public void A_change_to_an_approved_and_posted_period_is_refused_here_without_a_request_and_an_equal_one_is_unchanged()
        {
            var plan = SyncPlanner.Plan(Facts(new[] { Map(1, ContractA) }, new[] { Use(1, "CIXA", 5), Use(1, "SVRA", 2) },
                new[] { PostedLine(5001, ContractA, EndpointService, Effective.AddDays(-2), (Effective, 3)), PostedLine(5002, ContractA, ServerService, Effective.AddDays(-2), (Effective, 2)) }));

            SyncLine refused = Only(plan, EndpointService);
            Assert.Equal(SyncLineStatus.Failed, refused.Status);
            Assert.Equal(ErrorIds.SyncPeriodPosted, refused.Reason);
            Assert.Contains("-EffectiveDate", refused.Message);
            Assert.Equal(SyncLineStatus.Unchanged, Only(plan, ServerService).Status);
        }
    }
}
