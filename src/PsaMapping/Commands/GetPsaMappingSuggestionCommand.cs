using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Suggestions;

namespace PsaMapping.Commands
{
    /// <summary>
    /// Get-PsaMappingSuggestion: for every unmapped Sophos customer (or those given), the best Autotask
    /// company and, where one stands out, its contract, with a score, a confidence and the runner-up.
    /// Costs reading the three lists once, whatever the number of customers; pipes into Set-PsaMapping.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "PsaMappingSuggestion")]
    [OutputType(typeof(MappingSuggestion))]
    public sealed class GetPsaMappingSuggestionCommand : PsaMappingCmdlet
    {
        private readonly List<Guid> _customerIds = new List<Guid>();

        /// <summary>Only these customers (binds from piped Sophos customers).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public Guid[]? SophosCustomerId { get; set; }

        /// <summary>Also suggest for customers that already have a mapping.</summary>
        [Parameter]
        public SwitchParameter IncludeMapped { get; set; }

        /// <summary>Leave out suggestions that score below this (0..1).</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double MinimumScore { get; set; }

        protected override void ProcessRecord()
        {
            if (SophosCustomerId != null) _customerIds.AddRange(SophosCustomerId);
        }

        protected override void EndProcessing()
        {
            MappingSnapshot saved = UseStore((store, token) => store.LoadAsync(token));
            SophosCentralClient sophos = RequireSophos();
            AutotaskDirectory autotask = RequireAutotask();
            var options = new SuggestionOptions
            {
                CustomerIds = _customerIds.Count > 0 ? _customerIds : null,
                IncludeMapped = IncludeMapped || _customerIds.Count > 0,
                MinimumScore = MinimumScore,
            };

            SuggestionRun run = Run((observer, token) => MappingSuggester.SuggestAsync(sophos, autotask, saved, options, observer, token));
            var byConfidence = run.Suggestions.GroupBy(s => s.Confidence).ToDictionary(g => g.Key, g => g.Count());
            WriteVerbose($"{run.Suggestions.Count} suggestions in {run.MatchTime.TotalMilliseconds:0} ms of matching: " +
                         string.Join(", ", new[] { SuggestionConfidence.High, SuggestionConfidence.Medium, SuggestionConfidence.Low, SuggestionConfidence.None }
                             .Select(c => $"{(byConfidence.TryGetValue(c, out int n) ? n : 0)} {c}")) + ".");
            WriteRequestSummary();
            WriteObject(run.Suggestions, enumerateCollection: true);
        }
    }
}
