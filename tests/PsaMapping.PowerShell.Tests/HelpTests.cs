using System.Management.Automation;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests;

/// <summary>
/// Get-Help, as a user runs it, for every cmdlet the module exports (found with Get-Command, so a new
/// cmdlet is checked without touching this file), compared with the cmdlet's real parameter metadata.
/// A cmdlet or parameter added without help in en-US/PsaMapping.dll-Help.xml fails here.
/// </summary>
public sealed class HelpTests : IClassFixture<HelpTests.ModuleHelp>
{
    private readonly IReadOnlyList<CmdletHelp> _cmdlets;

    public HelpTests(ModuleHelp help) => _cmdlets = help.Cmdlets;

    [Fact]
    public void Get_Help_finds_the_written_help_of_every_exported_cmdlet()
    {
        Assert.NotEmpty(_cmdlets);
        Assert.Contains(_cmdlets, c => c.Name == "Get-SophosCustomer");
        AssertNone(_cmdlets.Where(c => !c.FromHelpFile).Select(c =>
            $"{c.Name}: Get-Help shows generated help; add a command:command for it to src/PsaMapping/en-US/PsaMapping.dll-Help.xml"));
    }

    [Fact]
    public void Every_cmdlet_has_a_synopsis_that_is_not_the_generated_syntax()
    {
        AssertNone(_cmdlets.Where(c =>
                string.IsNullOrWhiteSpace(c.Synopsis)
                || Squash(c.Synopsis) == Squash(c.Syntax)
                || c.Synopsis.Contains("<CommonParameters>", StringComparison.Ordinal)
                || c.Synopsis.TrimStart().StartsWith(c.Name + " [", StringComparison.OrdinalIgnoreCase)
                || c.Synopsis.Trim().Equals(c.Name, StringComparison.OrdinalIgnoreCase))
            .Select(c => $"{c.Name}: synopsis is missing or generated: '{c.Synopsis.Trim()}'"));
    }

    [Fact]
    public void Every_cmdlet_has_a_description()
    {
        AssertNone(_cmdlets.Where(c => string.IsNullOrWhiteSpace(c.Description)).Select(c => $"{c.Name}: no description"));
    }

    [Fact]
    public void Every_cmdlet_has_at_least_one_example_with_code()
    {
        AssertNone(_cmdlets.Where(c => !c.ExampleCode.Any(code => code.Contains(c.Name, StringComparison.OrdinalIgnoreCase)))
            .Select(c => $"{c.Name}: no example whose code runs {c.Name}"));
        AssertNone(_cmdlets.SelectMany(c => c.ExampleCode.Where(string.IsNullOrWhiteSpace).Select(_ => $"{c.Name}: an example without code")));
    }

    [Fact]
    public void Every_parameter_of_every_cmdlet_is_documented_with_a_description()
    {
        AssertNone(_cmdlets.SelectMany(c => c.RealParameters
            .Where(real => !c.HelpParameters.Any(h => Same(h.Name, real.Name) && !string.IsNullOrWhiteSpace(h.Description)))
            .Select(real => $"{c.Name} -{real.Name}: not documented, or documented without a description")));
    }

    [Fact]
    public void Help_documents_no_parameter_the_cmdlet_does_not_have()
    {
        AssertNone(_cmdlets.SelectMany(c => c.HelpParameters
            .Where(h => !c.RealParameters.Any(real => Same(real.Name, h.Name)) && !c.ShouldProcessParameters.Any(name => Same(name, h.Name)))
            .Select(h => $"{c.Name} -{h.Name}: documented, but the cmdlet has no such parameter (common parameters are not documented; -WhatIf and -Confirm only where the cmdlet supports them)")));
        AssertNone(_cmdlets.SelectMany(c => c.HelpParameters.GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .Select(g => $"{c.Name} -{g.Key}: documented {g.Count()} times")));
    }

    [Fact]
    public void Help_syntax_shows_each_parameter_set_with_its_parameters_required_and_positions()
    {
        var problems = new List<string>();
        foreach (CmdletHelp c in _cmdlets)
        {
            // -WhatIf and -Confirm may be shown or not (platyPS shows them); the rest must match exactly.
            var unmatched = c.HelpSyntax.Select(s => new HelpSyntaxItem(s.Parameters.Where(p => !c.ShouldProcessParameters.Any(n => Same(n, p.Name))).ToList())).ToList();
            foreach (ParameterSet set in c.RealSets)
            {
                HelpSyntaxItem? item = unmatched.FirstOrDefault(s => Key(s.Parameters.Select(p => p.Name)) == Key(set.Parameters.Select(p => p.Name)));
                if (item == null)
                {
                    problems.Add($"{c.Name}: no syntax item for parameter set '{set.Name}' ({Key(set.Parameters.Select(p => p.Name))})");
                    continue;
                }

                unmatched.Remove(item);
                foreach (SetParameter real in set.Parameters)
                {
                    HelpSyntaxParameter documented = item.Parameters.First(p => Same(p.Name, real.Name));
                    if (!Same(documented.Required, real.Mandatory ? "true" : "false"))
                        problems.Add($"{c.Name} ({set.Name}) -{real.Name}: syntax says required={documented.Required}, the cmdlet says mandatory={real.Mandatory}");
                    if (!Same(documented.Position, PositionText(real.Position)))
                        problems.Add($"{c.Name} ({set.Name}) -{real.Name}: syntax says position {documented.Position}, the cmdlet says {PositionText(real.Position)}");
                }
            }

            problems.AddRange(unmatched.Select(s => $"{c.Name}: syntax item ({Key(s.Parameters.Select(p => p.Name))}) matches no parameter set"));
        }

        AssertNone(problems);
    }

    [Fact]
    public void Documented_type_required_position_pipeline_aliases_and_wildcards_match_each_parameter()
    {
        var problems = new List<string>();
        foreach (CmdletHelp c in _cmdlets)
        foreach (HelpParameter documented in c.HelpParameters)
        {
            RealParameter? real = c.RealParameters.FirstOrDefault(r => Same(r.Name, documented.Name));
            if (real == null) continue; // reported by Help_documents_no_parameter_the_cmdlet_does_not_have
            string where = $"{c.Name} -{real.Name}";
            var inSets = c.RealSets.SelectMany(s => s.Parameters.Where(p => Same(p.Name, real.Name))).ToList();

            if (!Same(documented.Type, real.Type) && !Same(documented.Type, real.UnderlyingType))
                problems.Add($"{where}: type {documented.Type} documented, the parameter is {real.Type}");

            bool mandatoryEverywhere = inSets.All(p => p.Mandatory), mandatoryNowhere = inSets.All(p => !p.Mandatory);
            if ((mandatoryEverywhere && !Same(documented.Required, "true")) || (mandatoryNowhere && !Same(documented.Required, "false")))
                problems.Add($"{where}: required={documented.Required} documented, but it is {(mandatoryEverywhere ? "mandatory" : "optional")}");

            var positions = inSets.Where(p => p.Position >= 0).Select(p => PositionText(p.Position)).ToList();
            if (positions.Count == 0 ? !Same(documented.Position, "named") : !positions.Contains(documented.Position))
                problems.Add($"{where}: position {documented.Position} documented, the cmdlet has {(positions.Count == 0 ? "named" : string.Join(" or ", positions))}");

            bool byValue = inSets.Any(p => p.ByValue), byPropertyName = inSets.Any(p => p.ByPropertyName);
            string pipeline = documented.PipelineInput;
            if (pipeline.StartsWith("True", StringComparison.OrdinalIgnoreCase) != (byValue || byPropertyName)
                || pipeline.Contains("ByValue", StringComparison.OrdinalIgnoreCase) != byValue
                || pipeline.Contains("ByPropertyName", StringComparison.OrdinalIgnoreCase) != byPropertyName)
                problems.Add($"{where}: pipeline input '{pipeline}' documented, the cmdlet binds ByValue={byValue} ByPropertyName={byPropertyName}");

            var documentedAliases = documented.Aliases.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(a => !Same(a, "none")).ToList();
            if (Key(documentedAliases) != Key(real.Aliases))
                problems.Add($"{where}: aliases '{documented.Aliases}' documented, the parameter has '{string.Join(", ", real.Aliases)}'");

            if (Same(documented.Globbing, "true") != real.SupportsWildcards)
                problems.Add($"{where}: globbing={documented.Globbing} documented, [SupportsWildcards] is {(real.SupportsWildcards ? "" : "not ")}set");
        }

        AssertNone(problems);
    }

    [Fact]
    public void Help_names_every_output_type_the_cmdlet_declares()
    {
        AssertNone(_cmdlets.SelectMany(c => c.OutputTypes
            .Where(type => !c.HelpOutputs.Any(h => Same(h, type) || (type == "System.Void" && Same(h, "None"))))
            .Select(type => $"{c.Name}: [OutputType] {type} is not among the documented outputs ({string.Join(", ", c.HelpOutputs)})")));
    }

    private static void AssertNone(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        if (list.Count > 0)
            Assert.Fail("The module's help is incomplete or out of date (src/PsaMapping/en-US/PsaMapping.dll-Help.xml):\n  " + string.Join("\n  ", list));
    }

    private static bool Same(string? a, string? b) => string.Equals(a?.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);

    private static string Key(IEnumerable<string> names) => string.Join(",", names.Select(n => n.Trim().ToLowerInvariant()).OrderBy(n => n, StringComparer.Ordinal));

    private static string Squash(string text) => string.Concat(text.Where(ch => !char.IsWhiteSpace(ch)));

    private static string PositionText(int position) => position >= 0 ? position.ToString(System.Globalization.CultureInfo.InvariantCulture) : "named";

    // ---- What Get-Help and Get-Command say, gathered once per test class in one session. ----

    public sealed record CmdletHelp(
        string Name, bool FromHelpFile, string Synopsis, string Syntax, string Description,
        IReadOnlyList<string> ExampleCode, IReadOnlyList<HelpParameter> HelpParameters, IReadOnlyList<HelpSyntaxItem> HelpSyntax,
        IReadOnlyList<string> HelpOutputs, IReadOnlyList<RealParameter> RealParameters, IReadOnlyList<ParameterSet> RealSets,
        IReadOnlyList<string> OutputTypes, IReadOnlyList<string> ShouldProcessParameters);

    public sealed record HelpParameter(string Name, string Description, string Type, string Required, string Position,
        string PipelineInput, string Globbing, string Aliases);

    public sealed record HelpSyntaxItem(IReadOnlyList<HelpSyntaxParameter> Parameters);

    public sealed record HelpSyntaxParameter(string Name, string Required, string Position);

    /// <param name="Type">As Type.ToString() writes it (System.Guid[], System.Nullable`1[System.Guid]), as platyPS does.</param>
    /// <param name="UnderlyingType">T for a Nullable&lt;T&gt;, which help may name instead.</param>
    public sealed record RealParameter(string Name, string Type, string UnderlyingType, IReadOnlyList<string> Aliases, bool SupportsWildcards);

    public sealed record ParameterSet(string Name, IReadOnlyList<SetParameter> Parameters);

    public sealed record SetParameter(string Name, bool Mandatory, int Position, bool ByValue, bool ByPropertyName);

    /// <summary>Runs Get-Help -Full and Get-Command for each exported cmdlet and keeps plain values.</summary>
    public sealed class ModuleHelp
    {
        private const string Script = """
            $common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
            function Join-Text($items) { ((@($items) | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_.Text }) -join "`n").Trim() }

            foreach ($command in @(Get-Command -Module PsaMapping -CommandType Cmdlet, Function)) {
                $help = Get-Help -Name $command.Name -Full -ErrorAction Stop
                $real = foreach ($name in $command.Parameters.Keys) {
                    if ($common -contains $name) { continue }
                    $metadata = $command.Parameters[$name]
                    [pscustomobject]@{
                        Name = $name
                        Type = $metadata.ParameterType.ToString()
                        UnderlyingType = $(if ([Nullable]::GetUnderlyingType($metadata.ParameterType)) { [Nullable]::GetUnderlyingType($metadata.ParameterType).ToString() } else { $metadata.ParameterType.ToString() })
                        Aliases = @($metadata.Aliases)
                        SupportsWildcards = [bool](@($metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count)
                    }
                }
                $sets = foreach ($set in $command.ParameterSets) {
                    [pscustomobject]@{
                        Name = $set.Name
                        Parameters = @(foreach ($p in $set.Parameters) {
                            if ($common -contains $p.Name) { continue }
                            [pscustomobject]@{ Name = $p.Name; Mandatory = $p.IsMandatory; Position = $p.Position; ByValue = $p.ValueFromPipeline; ByPropertyName = $p.ValueFromPipelineByPropertyName }
                        })
                    }
                }
                $helpParameters = foreach ($p in @($help.parameters.parameter)) {
                    if ($null -eq $p) { continue }
                    [pscustomobject]@{
                        Name = [string]$p.name; Description = Join-Text $p.description; Type = [string]$p.type.name
                        Required = [string]$p.required; Position = [string]$p.position; PipelineInput = [string]$p.pipelineInput
                        Globbing = [string]$p.globbing; Aliases = [string]$p.aliases
                    }
                }
                $syntax = foreach ($item in @($help.syntax.syntaxItem)) {
                    if ($null -eq $item) { continue }
                    [pscustomobject]@{
                        Parameters = @(foreach ($p in @($item.parameter)) {
                            if ($null -eq $p) { continue }
                            [pscustomobject]@{ Name = [string]$p.name; Required = [string]$p.required; Position = [string]$p.position }
                        })
                    }
                }
                [pscustomobject]@{
                    Name = $command.Name
                    FromHelpFile = [bool]($help.PSObject.TypeNames -contains 'MamlCommandHelpInfo')
                    Synopsis = [string]$help.Synopsis
                    Syntax = [string](Get-Command -Name $command.Name -Syntax)
                    Description = Join-Text $help.description
                    ExampleCode = @(foreach ($example in @($help.examples.example)) { if ($null -ne $example) { [string]$example.code } })
                    HelpParameters = @($helpParameters)
                    HelpSyntax = @($syntax)
                    HelpOutputs = @(foreach ($r in @($help.returnValues.returnValue)) { if ($null -ne $r) { [string]$r.type.name } })
                    RealParameters = @($real)
                    RealSets = @($sets)
                    OutputTypes = @(foreach ($t in $command.OutputType) { $t.Name })
                    ShouldProcessParameters = @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters | Where-Object { $command.Parameters.ContainsKey($_) })
                }
            }
            """;

        public ModuleHelp()
        {
            using var host = new ModuleHost();
            Cmdlets = host.Invoke(Script).ThrowOnFailure().Output.Select(ToCmdletHelp).ToList();
        }

        public IReadOnlyList<CmdletHelp> Cmdlets { get; }

        private static CmdletHelp ToCmdletHelp(PSObject o) => new(
            Text(o, "Name"), (bool)Value(o, "FromHelpFile")!, Text(o, "Synopsis"), Text(o, "Syntax"), Text(o, "Description"),
            Items(o, "ExampleCode").Select(x => x?.ToString() ?? "").ToList(),
            Objects(o, "HelpParameters").Select(p => new HelpParameter(Text(p, "Name"), Text(p, "Description"), Text(p, "Type"),
                Text(p, "Required"), Text(p, "Position"), Text(p, "PipelineInput"), Text(p, "Globbing"), Text(p, "Aliases"))).ToList(),
            Objects(o, "HelpSyntax").Select(s => new HelpSyntaxItem(Objects(s, "Parameters")
                .Select(p => new HelpSyntaxParameter(Text(p, "Name"), Text(p, "Required"), Text(p, "Position"))).ToList())).ToList(),
            Items(o, "HelpOutputs").Select(x => x?.ToString() ?? "").ToList(),
            Objects(o, "RealParameters").Select(p => new RealParameter(Text(p, "Name"), Text(p, "Type"), Text(p, "UnderlyingType"),
                Items(p, "Aliases").Select(a => a?.ToString() ?? "").ToList(), (bool)Value(p, "SupportsWildcards")!)).ToList(),
            Objects(o, "RealSets").Select(s => new ParameterSet(Text(s, "Name"), Objects(s, "Parameters")
                .Select(p => new SetParameter(Text(p, "Name"), (bool)Value(p, "Mandatory")!, (int)Value(p, "Position")!,
                    (bool)Value(p, "ByValue")!, (bool)Value(p, "ByPropertyName")!)).ToList())).ToList(),
            Items(o, "OutputTypes").Select(x => x?.ToString() ?? "").ToList(),
            Items(o, "ShouldProcessParameters").Select(x => x?.ToString() ?? "").ToList());

        private static object? Value(PSObject o, string name) => o.Properties[name]?.Value is PSObject wrapped ? wrapped.BaseObject : o.Properties[name]?.Value;

        private static string Text(PSObject o, string name) => Value(o, name)?.ToString() ?? "";

        private static IEnumerable<object?> Items(PSObject o, string name) => Value(o, name) switch
        {
            null => Enumerable.Empty<object?>(),
            string single => new object?[] { single },
            System.Collections.IEnumerable many => many.Cast<object?>().Select(x => x is PSObject p && p.BaseObject is not PSCustomObject ? p.BaseObject : x),
            var single => new[] { single },
        };

        private static IEnumerable<PSObject> Objects(PSObject o, string name) => Items(o, name).OfType<PSObject>();
    }
}
