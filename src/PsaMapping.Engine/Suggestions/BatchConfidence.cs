using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace PsaMapping.Engine.Suggestions
{
    /// <summary>
    /// Suggests a company for every customer of a batch and decides how sure each suggestion is. The
    /// <see cref="CompanyNameIndex"/> answers "which companies are closest to this one name"; this class adds
    /// what only the whole batch shows: a company is billed for one customer, so High also needs a clear
    /// margin over every other customer that has the same company among its two best.
    /// <para>An inactive company is never the runner-up of an active best: Autotask databases keep inactive copies
    /// of merged or re-created companies under the same name, and mapping to an inactive company is refused
    /// anyway, so such a twin must not hold the active company back from High.</para>
    /// </summary>
    public static class BatchConfidence
    {
        /// <summary>
        /// The best companies for every name in <paramref name="customerNames"/> (queried in parallel),
        /// classified by <see cref="ConfidencePolicy.Classify(CompanyMatch, CompanyMatch, double?)"/> against
        /// the runner-up and the closest other customer of the batch. Results are in the order of the names.
        /// </summary>
        /// <param name="maxDegreeOfParallelism">-1 (default) for all processors, 1 to stay on the calling thread.</param>
        public static IReadOnlyList<CompanySuggestion> SuggestAll(CompanyNameIndex index, IReadOnlyList<string> customerNames,
            int maxDegreeOfParallelism = -1)
        {
            if (index == null) throw new ArgumentNullException(nameof(index));
            if (customerNames == null) throw new ArgumentNullException(nameof(customerNames));
            IReadOnlyList<CompanyMatch>[] found = FindBest(index, customerNames, maxDegreeOfParallelism);
            Dictionary<long, Claim> closest = ClosestCustomers(found);

            var result = new CompanySuggestion[found.Length];
            for (int i = 0; i < found.Length; i++)
            {
                IReadOnlyList<CompanyMatch> matches = found[i];
                CompanyMatch? best = matches.Count > 0 ? matches[0] : null;
                CompanyMatch? runnerUp = RunnerUp(matches);
                int otherCustomer = best != null && closest.TryGetValue(best.CompanyId, out Claim claim) ? claim.OtherThan(i) : -1;
                double? otherScore = otherCustomer < 0 ? (double?)null : closest[best!.CompanyId].ScoreOf(otherCustomer);

                SuggestionConfidence alone = ConfidencePolicy.Classify(best, runnerUp);
                SuggestionConfidence confidence = ConfidencePolicy.Classify(best, runnerUp, otherScore);
                string? competing = confidence != alone ? customerNames[otherCustomer] ?? "" : null;
                CompanyMatch? inactiveTwin = best != null && best.IsActive
                    ? matches.Skip(1).FirstOrDefault(m => !m.IsActive && (runnerUp == null || m.Score > runnerUp.Score))
                    : null;
                result[i] = new CompanySuggestion(customerNames[i] ?? "", best, runnerUp, confidence, competing, inactiveTwin);
            }
            return result;
        }

        /// <summary>
        /// How many companies are fetched for a name: the best, its runner-up, and room for inactive companies
        /// ranked between them that are passed over (see <see cref="RunnerUp"/>).
        /// </summary>
        private const int Fetched = 4;

        /// <summary>
        /// The company the best must clearly beat: the next one, or for an active best the next active one.
        /// </summary>
        private static CompanyMatch? RunnerUp(IReadOnlyList<CompanyMatch> matches)
        {
            if (matches.Count < 2) return null;
            if (!matches[0].IsActive) return matches[1];
            for (int k = 1; k < matches.Count; k++)
                if (matches[k].IsActive) return matches[k];
            return null;
        }

        private static IReadOnlyList<CompanyMatch>[] FindBest(CompanyNameIndex index, IReadOnlyList<string> names, int maxDegreeOfParallelism)
        {
            var found = new IReadOnlyList<CompanyMatch>[names.Count];
            if (maxDegreeOfParallelism == 1 || names.Count < 64)
            {
                CompanyNameIndex.Searcher searcher = index.NewSearcher();
                for (int i = 0; i < found.Length; i++) found[i] = searcher.Best(names[i], Fetched);
                return found;
            }

            // One searcher per worker: its working arrays are reused for every name that worker takes.
            Parallel.For(0, found.Length, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
                index.NewSearcher,
                (i, _, searcher) =>
                {
                    found[i] = searcher.Best(names[i], Fetched);
                    return searcher;
                },
                _ => { });
            return found;
        }

        /// <summary>For every company: the two customers closest to it, among those that have it in their two best.</summary>
        private static Dictionary<long, Claim> ClosestCustomers(IReadOnlyList<CompanyMatch>[] found)
        {
            var closest = new Dictionary<long, Claim>();
            for (int i = 0; i < found.Length; i++)
            {
                CompanyMatch? best = found[i].Count > 0 ? found[i][0] : null, runnerUp = RunnerUp(found[i]);
                foreach (CompanyMatch? match in new[] { best, runnerUp })
                {
                    if (match == null) continue;
                    closest[match.CompanyId] = closest.TryGetValue(match.CompanyId, out Claim claim)
                        ? claim.With(i, match.Score)
                        : new Claim(i, match.Score, -1, 0);
                }
            }
            return closest;
        }

        /// <summary>The two customers with the highest scores for one company; Second is -1 until there are two.</summary>
        private readonly struct Claim
        {
            public Claim(int first, double firstScore, int second, double secondScore)
            {
                First = first;
                FirstScore = firstScore;
                Second = second;
                SecondScore = secondScore;
            }

            public int First { get; }
            public double FirstScore { get; }
            public int Second { get; }
            public double SecondScore { get; }

            public Claim With(int customer, double score)
            {
                if (score > FirstScore) return new Claim(customer, score, First, FirstScore);
                if (Second < 0 || score > SecondScore) return new Claim(First, FirstScore, customer, score);
                return this;
            }

            /// <summary>The closest customer other than <paramref name="customer"/>, or -1.</summary>
            public int OtherThan(int customer) => First != customer ? First : Second;

            public double ScoreOf(int customer) => customer == First ? FirstScore : SecondScore;
        }
    }
}
