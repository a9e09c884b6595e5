using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using PsaMapping.Engine.Sophos;

namespace PsaMapping
{
    /// <summary>Tab completion of Sophos Central customer names, from the session's customer list.</summary>
    public sealed class SophosCustomerNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            SophosCentralClient? client = ModuleState.Current.Sophos;
            if (client == null) return Enumerable.Empty<CompletionResult>();

            IReadOnlyList<SophosCustomer> customers;
            try
            {
                customers = client.GetCustomersAsync(false, null, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Engine.PsaMappingException)
            {
                return Enumerable.Empty<CompletionResult>(); // completion must never throw at the prompt
            }

            return Completion.Complete(wordToComplete, customers.Select(customer => customer.SophosCustomerName));
        }
    }

    internal static class Completion
    {
        /// <summary>Names that start with (then contain) what was typed, quoted for the command line.</summary>
        public static IEnumerable<CompletionResult> Complete(string wordToComplete, IEnumerable<string> names)
        {
            string typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var distinct = names.Distinct().ToList();
            IEnumerable<string> starts = distinct.Where(name => name.StartsWith(typed, System.StringComparison.OrdinalIgnoreCase));
            IEnumerable<string> contains = distinct.Where(name => !name.StartsWith(typed, System.StringComparison.OrdinalIgnoreCase)
                                                                  && name.IndexOf(typed, System.StringComparison.OrdinalIgnoreCase) >= 0);
            return starts.OrderBy(name => name, System.StringComparer.OrdinalIgnoreCase)
                .Concat(contains.OrderBy(name => name, System.StringComparer.OrdinalIgnoreCase))
                .Take(100)
                .Select(Quote);
        }

        /// <summary>A name as a completion, single-quoted for the command line.</summary>
        public static CompletionResult Quote(string name) =>
            new CompletionResult("'" + name.Replace("'", "''") + "'", name, CompletionResultType.ParameterValue, name);
    }
}
