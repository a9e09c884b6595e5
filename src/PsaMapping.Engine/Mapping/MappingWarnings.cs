using System;
using System.Collections.Generic;
using System.Linq;
using PsaMapping.Engine.Autotask;

namespace PsaMapping.Engine.Mapping
{
    /// <summary>
    /// What Set-PsaMapping accepts but the user should know. The names match Test-PsaMapping's problems, which
    /// keep the full detail; Set-PsaMapping only sums them up.
    /// </summary>
    public enum MappingWarningKind
    {
        /// <summary>The row's customer name is not the name of the customer its id points to.</summary>
        CustomerNameDiffers,
        ContractExpired,
        DuplicateContractName,
        SyncOnNonRecurring,
        SharedContract,
    }

    /// <summary>
    /// One thing to know about one row. It holds the facts, not a sentence: the sentence is written once per
    /// problem by <see cref="MappingWarnings.Summarize"/>, and only for the rows that change something, so no
    /// message is built that nobody reads and the work stays linear in the rows.
    /// </summary>
    public sealed class MappingWarning
    {
        public MappingWarning(MappingWarningKind kind, CustomerMapping mapping, AutotaskContract contract, string? detail = null)
        {
            Kind = kind;
            Mapping = mapping;
            Contract = contract;
            Detail = detail;
        }

        public MappingWarningKind Kind { get; }
        public CustomerMapping Mapping { get; }
        public AutotaskContract Contract { get; }

        /// <summary>What else the sentence needs (the name the row gave, for <see cref="MappingWarningKind.CustomerNameDiffers"/>).</summary>
        public string? Detail { get; }
    }

    /// <summary>Turns the warnings of many rows into one sentence per problem.</summary>
    public static class MappingWarnings
    {
        /// <summary>How many customer names a summary lists before saying how many more.</summary>
        public const int NamesShown = 3;

        /// <summary>
        /// One message per problem: a contract name several companies use, a contract several customers share,
        /// the expired contracts, the rows whose sync is on for a contract that cannot take usage.
        /// <paramref name="contractUsers"/> counts the customers mapped to each contract after the save.
        /// </summary>
        public static IReadOnlyList<string> Summarize(IReadOnlyCollection<MappingWarning> warnings, LiveData live,
            IReadOnlyDictionary<long, int> contractUsers)
        {
            var messages = new List<string>();
            foreach (var group in warnings.GroupBy(w => w.Kind).OrderBy(g => g.Key))
            {
                switch (group.Key)
                {
                    case MappingWarningKind.CustomerNameDiffers:
                        messages.AddRange(group.Select(w =>
                            $"The row names the customer '{Clip(w.Detail)}', but id {w.Mapping.SophosCustomerId} is '{Clip(w.Mapping.SophosCustomerName)}' in Sophos Central; the id was used."));
                        break;
                    case MappingWarningKind.ContractExpired:
                        messages.Add(Rows(group.ToList()) + (group.Count() == 1 ? " is" : " are") +
                                     $" mapped to an expired contract ({string.Join(", ", group.Select(w => w.Contract).Distinct().Take(NamesShown).Select(c => $"'{Clip(c.ContractName)}' ended on {c.EndDate:yyyy-MM-dd}"))}" +
                                     (group.Select(w => w.Contract.ContractId).Distinct().Count() > NamesShown ? ", ..." : "") +
                                     "). Expired contracts are still synchronized: check they are the ones to bill, or extend them in Autotask.");
                        break;
                    case MappingWarningKind.SyncOnNonRecurring:
                        messages.Add($"Sync is on for {Rows(group.ToList())}, but {(group.Count() == 1 ? "its contract is" : "their contracts are")} not Recurring Service " +
                                     $"({string.Join(", ", group.Select(w => w.Contract.ContractType ?? "unknown type").Distinct())}); usage can only be synchronized into a " +
                                     "Recurring Service contract. Turn sync off for them (-SyncEnabled $false) or map them to a Recurring Service contract.");
                        break;
                    case MappingWarningKind.DuplicateContractName:
                        foreach (var byName in group.GroupBy(w => LiveData.Key(w.Contract.ContractName)))
                        {
                            AutotaskContract contract = byName.First().Contract;
                            int others = live.ActiveContractsByName[byName.Key].Count() - 1;
                            messages.Add($"The contract name '{Clip(contract.ContractName)}' is used by {others + 1} active contracts in Autotask; " +
                                         $"{Rows(byName.ToList())} {(byName.Count() == 1 ? "is" : "are")} mapped to one of them. PsaMapping maps by id, but Sophos's own sync " +
                                         "assumes contract names are unique across customers: rename them in Autotask.");
                        }

                        break;
                    case MappingWarningKind.SharedContract:
                        foreach (var byContract in group.GroupBy(w => w.Contract.ContractId))
                        {
                            AutotaskContract contract = byContract.First().Contract;
                            int users = contractUsers.TryGetValue(contract.ContractId, out int n) ? n : byContract.Count();
                            messages.Add($"The contract '{Clip(contract.ContractName)}' (id {contract.ContractId}) is mapped to {users} customers, including " +
                                         $"{Rows(byContract.ToList())}: their usage will be billed together.");
                        }

                        break;
                }
            }

            return messages;
        }

        /// <summary>"the row of 'A'", or "3 rows ('A', 'B', 'C')", or "40 rows ('A', 'B', 'C' and 37 more)".</summary>
        private static string Rows(IReadOnlyList<MappingWarning> rows)
        {
            var names = rows.Select(w => w.Mapping.SophosCustomerName).Distinct().ToList();
            if (names.Count == 1) return $"'{Clip(names[0])}'";
            string listed = string.Join(", ", names.Take(NamesShown).Select(n => $"'{Clip(n)}'"));
            return names.Count > NamesShown ? $"{names.Count} customers ({listed} and {names.Count - NamesShown} more)" : $"{names.Count} customers ({listed})";
        }

        private static string Clip(string? name) => UserText.Clip(name);
    }
}
