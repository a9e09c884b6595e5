using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using PsaMapping.Engine;
using PsaMapping.Engine.Autotask;

namespace PsaMapping
{
    /// <summary>Tab completion of Autotask company names: one search request per Tab, best matches first.</summary>
    public sealed class AutotaskCompanyNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            AutotaskDirectory? directory = ModuleState.Current.Autotask;
            if (directory == null) return Enumerable.Empty<CompletionResult>();
            try
            {
                string typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
                var ranked = directory.SearchCompaniesAsync(typed, false, 50, CancellationToken.None).GetAwaiter().GetResult();
                return ranked.Select(r => Completion.Quote(r.Item.AutotaskCompanyName)).ToList();
            }
            catch (PsaMappingException)
            {
                return Enumerable.Empty<CompletionResult>(); // completion must never throw at the prompt
            }
        }
    }
}
