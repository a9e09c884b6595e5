using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Engine.Suggestions
{
    /// <summary>
    /// A suggested mapping for one Sophos customer: the best Autotask company, its contract when one stands
    /// out, how sure we are, the runner-up, and why. Its properties bind into Set-PsaMapping.
    /// </summary>
    public sealed class MappingSuggestion
    {
        public Guid SophosCustomerId { get; internal set; }
        public string SophosCustomerName { get; internal set; } = "";
        public long? AutotaskCompanyId { get; internal set; }
        public string? AutotaskCompanyName { get; internal set; }
        public long? ContractId { get; internal set; }
        public string? ContractName { get; internal set; }

        /// <summary>
        /// The "Sync with PSA" switch the suggestion would set: on when the suggested contract can take usage (an
        /// active Recurring Service contract), off otherwise, so piping suggestions into Set-PsaMapping sets it right.
        /// </summary>
        public bool SyncEnabled { get; internal set; }

        /// <summary>How alike the names are, 0..1.</summary>
        public double Score { get; internal set; }

        /// <summary>High, Medium, Low or None. High is only given with a clear lead over the runner-up and a contract.</summary>
        public SuggestionConfidence Confidence { get; internal set; }

        public long? RunnerUpCompanyId { get; internal set; }
        public string? RunnerUpCompanyName { get; internal set; }
        public double? RunnerUpScore { get; internal set; }
        public string Reason { get; internal set; } = "";

        /// <summary>True when the customer already has a saved mapping (listed with -IncludeMapped).</summary>
        public bool IsMapped { get; internal set; }

        public override string ToString() => $"{SophosCustomerName} -> {AutotaskCompanyName ?? "(none)"} ({Confidence})";
    }

    public sealed class SuggestionOptions
    {
        /// <summary>Only these customers; null for all.</summary>
        public IReadOnlyCollection<Guid>? CustomerIds { get; set; }

        /// <summary>Also suggest for customers that already have a mapping.</summary>
        public bool IncludeMapped { get; set; }

        /// <summary>Leave out suggestions scoring below this.</summary>
        public double MinimumScore { get; set; }
    }

    /// <summary>What one run did, for -Verbose and the benchmark.</summary>
    public sealed record SuggestionRun
    {
        public SuggestionRun(IReadOnlyList<MappingSuggestion> suggestions, TimeSpan fetchTime, TimeSpan matchTime, int companies, int contracts)
        {
            Suggestions = suggestions;
            FetchTime = fetchTime;
            MatchTime = matchTime;
            Companies = companies;
            Contracts = contracts;
        }

        public IReadOnlyList<MappingSuggestion> Suggestions { get; }
        public TimeSpan FetchTime { get; }
        public TimeSpan MatchTime { get; }
        public int Companies { get; }
        public int Contracts { get; }
    }

    /// <summary>
    /// Suggests mappings for many customers at once, at the request cost of reading the three lists once:
    /// the tenant pages, the company pages and the pages of active contracts, all fetched concurrently (each
    /// endpoint within its own limit). Names are then matched locally on an index.
    /// </summary>
    public static class MappingSuggester
    {
        public static async Task<SuggestionRun> SuggestAsync(SophosCentralClient sophos, AutotaskDirectory autotask, MappingSnapshot saved,
            SuggestionOptions options, IOperationObserver observer, CancellationToken cancellationToken)
        {
            const string activity = "Suggesting mappings";
            observer.Progress(new OperationProgress(activity, "Reading customers, companies and contracts", 0, 3));
            var clock = Stopwatch.StartNew();
            Task<IReadOnlyList<SophosCustomer>> customersTask = sophos.GetCustomersAsync(false, observer, cancellationToken);
            Task<IReadOnlyList<AutotaskCompany>> companiesTask = autotask.GetAllCompaniesAsync(cancellationToken);
            Task<IReadOnlyList<AutotaskContract>> contractsTask = autotask.GetAllActiveContractsAsync(cancellationToken);

            // Names are matched as soon as customers and companies are in, while the contracts (the longest
            // list) are still arriving; contracts are only needed afterwards, to pick each company's contract.
            try
            {
                await Task.WhenAll(customersTask, companiesTask).ConfigureAwait(false);
            }
            catch
            {
                // The contracts may still be on their way: their outcome no longer matters, but must be observed.
                _ = contractsTask.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                throw;
            }

            observer.Progress(new OperationProgress(activity, "Matching names", 1, 3));
            var matchClock = Stopwatch.StartNew();
            // Inactive companies are indexed too: never suggested with High confidence themselves, they keep a
            // look-alike of a deactivated customer from being picked as if it had no rival.
            int companies = companiesTask.Result.Count;
            CompanyNameIndex index = await autotask.GetCompanyIndexAsync(cancellationToken).ConfigureAwait(false);

            // Every customer is matched, even when only some are asked for: a company two customers claim
            // equally is never High for either, and that needs all of them.
            IReadOnlyList<SophosCustomer> all = customersTask.Result;
            IReadOnlyList<CompanySuggestion> matched = BatchConfidence.SuggestAll(index, all.Select(c => c.SophosCustomerName).ToList());
            TimeSpan matchTime = matchClock.Elapsed;

            observer.Progress(new OperationProgress(activity, "Picking contracts", 2, 3));
            IReadOnlyList<AutotaskContract> contracts = await contractsTask.ConfigureAwait(false);
            TimeSpan fetchTime = clock.Elapsed - matchTime;
            observer.Verbose($"Read {all.Count} customers, {companies} companies and {contracts.Count} active contracts; matched names in {matchTime.TotalMilliseconds:0} ms.");
            var contractsByCompany = contracts.ToLookup(c => c.AutotaskCompanyId);
            var mapped = new HashSet<Guid>(saved.Mappings.Select(m => m.SophosCustomerId));
            var wanted = options.CustomerIds == null ? null : new HashSet<Guid>(options.CustomerIds);

            var suggestions = new List<MappingSuggestion>();
            for (int i = 0; i < all.Count; i++)
            {
                SophosCustomer customer = all[i];
                if (wanted != null && !wanted.Contains(customer.SophosCustomerId)) continue;
                bool isMapped = mapped.Contains(customer.SophosCustomerId);
                if (isMapped && !options.IncludeMapped) continue;
                MappingSuggestion suggestion = Suggest(customer, matched[i], contractsByCompany, isMapped);
                if (suggestion.Score >= options.MinimumScore) suggestions.Add(suggestion);
            }

            return new SuggestionRun(suggestions, fetchTime, matchTime, companies, contracts.Count);
        }

        private static MappingSuggestion Suggest(SophosCustomer customer, CompanySuggestion match, ILookup<long, AutotaskContract> contractsByCompany, bool isMapped)
        {
            CompanyMatch? best = match.Best, runnerUp = match.RunnerUp;
            var suggestion = new MappingSuggestion
            {
                SophosCustomerId = customer.SophosCustomerId,
                SophosCustomerName = customer.SophosCustomerName,
                IsMapped = isMapped,
                Confidence = match.Confidence,
                RunnerUpCompanyId = runnerUp?.CompanyId,
                RunnerUpCompanyName = runnerUp?.CompanyName,
                RunnerUpScore = runnerUp == null ? (double?)null : Math.Round(runnerUp.Score, 4),
            };
            if (best == null)
            {
                suggestion.Confidence = SuggestionConfidence.None;
                suggestion.Reason = "no Autotask company has a similar name";
                return suggestion;
            }

            suggestion.AutotaskCompanyId = best.CompanyId;
            suggestion.AutotaskCompanyName = best.CompanyName;
            suggestion.Score = Math.Round(best.Score, 4);
            var reasons = new List<string> { best.Reason };
            if (match.InactiveTwin != null)
                reasons.Add($"the inactive company '{UserText.Clip(match.InactiveTwin.CompanyName)}' (id {match.InactiveTwin.CompanyId}) is not counted as a rival");

            AutotaskContract? contract = null;
            if (best.IsActive)
            {
                contract = PickContract(contractsByCompany[best.CompanyId].ToList(), out string contractReason);
                reasons.Add(contractReason);
            }

            suggestion.ContractId = contract?.ContractId;
            suggestion.ContractName = contract?.ContractName;
            suggestion.SyncEnabled = contract != null && contract.IsActive && contract.SupportsUsageSync;
            if (contract == null && suggestion.Confidence == SuggestionConfidence.High)
                suggestion.Confidence = SuggestionConfidence.Medium; // without a clear contract a person has to choose
            if (suggestion.Confidence != SuggestionConfidence.High)
                reasons.Add("not High: " + WhyNotHigh(match, best, runnerUp, contract, contractsByCompany));
            suggestion.Reason = string.Join("; ", reasons);
            return suggestion;
        }

        /// <summary>
        /// Why a person has to decide: every reason that holds, named (the runner-up that is too close, the other
        /// customer that claims the company, the contracts left to choose from), so nobody has to work it out.
        /// </summary>
        private static string WhyNotHigh(CompanySuggestion match, CompanyMatch best, CompanyMatch? runnerUp, AutotaskContract? contract,
            ILookup<long, AutotaskContract> contractsByCompany)
        {
            var why = new List<string>();
            if (!best.IsActive) why.Add("the company is inactive, and an inactive company cannot be mapped");
            if (best.Score < ConfidencePolicy.HighScore)
                why.Add($"the names are not close enough (score {best.Score:0.00}, High needs {ConfidencePolicy.HighScore:0.00})");
            else if (runnerUp != null && Math.Round(best.Score - runnerUp.Score, 9) < ConfidencePolicy.HighMargin)
                why.Add($"the runner-up '{UserText.Clip(runnerUp.CompanyName)}' (id {runnerUp.CompanyId}) is too close (score {runnerUp.Score:0.00} against {best.Score:0.00})");
            if (match.CompetingCustomer != null)
                why.Add($"the customer '{UserText.Clip(match.CompetingCustomer)}' matches the same company about as well");
            if (best.IsActive && contract == null)
            {
                var eligible = contractsByCompany[best.CompanyId].OrderByDescending(c => c.SupportsUsageSync).ThenBy(c => c.ContractId).ToList();
                why.Add(eligible.Count == 0
                    ? "the company has no active contract to map to"
                    : "choose among its active contracts: " + string.Join(", ", eligible.Take(3).Select(c =>
                        $"'{UserText.Clip(c.ContractName)}' (id {c.ContractId}, {c.ContractType ?? "unknown type"})")) +
                      (eligible.Count > 3 ? $" and {eligible.Count - 3} more (Find-AutotaskContract -AutotaskCompanyId {best.CompanyId})" : ""));
            }

            return why.Count == 0 ? "a person should look" : string.Join(", and ", why);
        }

        /// <summary>
        /// The contract usage would be billed under: the company's only active contract; else its only Recurring
        /// Service one; else the one Recurring Service contract whose name says it is for Sophos (or, failing
        /// that, for security); else, when no name says so, the one Recurring Service contract still in force.
        /// Anything less clear is left for a person to choose.
        /// </summary>
        /// <remarks>
        /// A contract past its end date yet still active, as Autotask keeps many that nobody deactivated, is no
        /// rival for usage from now on: the sync refuses a contract that ended before the effective date
        /// (SyncContractEnded), as mapping refuses an inactive one. So among Recurring Service contracts none of
        /// whose names decides, the only one in force is picked, just as the only Recurring Service contract is.
        /// An expired contract named for Sophos still wins over an unnamed current one: it is most likely the
        /// Sophos contract awaiting renewal.
        /// </remarks>
        internal static AutotaskContract? PickContract(List<AutotaskContract> eligible, out string reason)
        {
            if (eligible.Count == 0)
            {
                reason = "the company has no active contract";
                return null;
            }

            if (eligible.Count == 1)
            {
                reason = "its only active contract";
                return eligible[0];
            }

            var recurring = eligible.Where(c => c.SupportsUsageSync).ToList();
            if (recurring.Count == 1)
            {
                reason = "its only Recurring Service contract";
                return recurring[0];
            }

            foreach (string[] words in ContractSignals)
            {
                var named = recurring.Where(c => words.Any(w => c.ContractName.IndexOf(w, StringComparison.OrdinalIgnoreCase) >= 0)).ToList();
                if (named.Count == 1)
                {
                    reason = $"its only Recurring Service contract named for {words[0]}";
                    return named[0];
                }

                if (named.Count > 1)
                {
                    reason = $"the company has {eligible.Count} active contracts ({recurring.Count} Recurring Service)";
                    return null; // several equally likely: a person must choose
                }
            }

            var current = recurring.Where(c => !c.IsExpired).ToList();
            if (current.Count == 1)
            {
                reason = "its only Recurring Service contract that has not ended";
                return current[0];
            }

            reason = $"the company has {eligible.Count} active contracts ({recurring.Count} Recurring Service)";
            return null;
        }

        // What names a contract for this usage, strongest first.
        private static readonly string[][] ContractSignals =
        {
            new[] { "Sophos" },
            new[] { "security", "endpoint", "protection" },
        };
    }
}
