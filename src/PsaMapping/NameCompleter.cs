using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using System.Threading.Tasks;
using PsaMapping.Engine;

namespace PsaMapping
{
    /// <summary>
    /// The base of every name completer: what was typed, unquoted; names from the session's connection within
    /// a short time (a Tab must never wait for the retries of a command); quoted completions; and nothing,
    /// never an error, when the session is not connected or the service does not answer in time.
    /// </summary>
    public abstract class NameCompleter : IArgumentCompleter
    {
        /// <summary>How long a Tab may wait for a service before completing nothing.</summary>
        internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            using (var deadline = new CancellationTokenSource(Timeout))
            {
                try
                {
                    Task<IReadOnlyList<string>?> names = NamesAsync(ModuleState.Current, typed, deadline.Token);
                    if (!names.Wait(Timeout)) return Enumerable.Empty<CompletionResult>();
                    return (names.Result ?? Array.Empty<string>()).Take(100).Select(Quote).ToList();
                }
                catch (AggregateException ex) when (ex.InnerException is PsaMappingException || ex.InnerException is OperationCanceledException)
                {
                    return Enumerable.Empty<CompletionResult>(); // completion must never throw at the prompt
                }
            }
        }

        /// <summary>
        /// The names to offer for <paramref name="typed"/>, best first; null when the session is not connected.
        /// Implementations use the session's cached lists where they can, so that a Tab costs no request.
        /// </summary>
        internal abstract Task<IReadOnlyList<string>?> NamesAsync(ModuleState session, string typed, CancellationToken cancellationToken);

        /// <summary>Names that start with (then contain) what was typed, each group in name order.</summary>
        internal static IReadOnlyList<string> StartsWithThenContains(string typed, IEnumerable<string> names)
        {
            var distinct = names.Distinct().ToList();
            IEnumerable<string> starts = distinct.Where(name => name.StartsWith(typed, StringComparison.OrdinalIgnoreCase));
            IEnumerable<string> contains = distinct.Where(name => !name.StartsWith(typed, StringComparison.OrdinalIgnoreCase)
                                                                  && name.IndexOf(typed, StringComparison.OrdinalIgnoreCase) >= 0);
            return starts.OrderBy(name => name, StringComparer.OrdinalIgnoreCase)
                .Concat(contains.OrderBy(name => name, StringComparer.OrdinalIgnoreCase))
                .ToList();
        }

        /// <summary>A name as a completion, single-quoted for the command line.</summary>
        internal static CompletionResult Quote(string name) =>
            new CompletionResult("'" + name.Replace("'", "''") + "'", name, CompletionResultType.ParameterValue, name);
    }

    /// <summary>Tab completion of Sophos Central customer names, from the session's customer list (read once).</summary>
    public sealed class SophosCustomerNameCompleter : NameCompleter
    {
        internal override async Task<IReadOnlyList<string>?> NamesAsync(ModuleState session, string typed, CancellationToken cancellationToken)
        {
            if (session.Sophos == null) return null;
            var customers = await session.Sophos.GetCustomersAsync(false, null, cancellationToken).ConfigureAwait(false);
            return StartsWithThenContains(typed, customers.Select(customer => customer.SophosCustomerName));
        }
    }

    /// <summary>
    /// Tab completion of Autotask company names, ranked as an autocomplete: one search request per Tab until
    /// every company has been read in this session, then none.
    /// </summary>
    public sealed class AutotaskCompanyNameCompleter : NameCompleter
    {
        internal override async Task<IReadOnlyList<string>?> NamesAsync(ModuleState session, string typed, CancellationToken cancellationToken)
        {
            if (session.Autotask == null) return null;
            var ranked = await session.Autotask.SearchCompaniesAsync(typed, false, 50, cancellationToken).ConfigureAwait(false);
            return ranked.Select(r => r.Item.AutotaskCompanyName).ToList();
        }
    }
}
