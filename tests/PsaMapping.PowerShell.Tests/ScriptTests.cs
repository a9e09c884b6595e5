using System.Management.Automation.Language;
using PsaMapping.Sandbox.Demo;

namespace PsaMapping.PowerShell.Tests
{
    /// <summary>
    /// The repository's own PowerShell scripts (build.ps1, the Pester suite, the examples): machines
    /// without pwsh never run them, so at least parse them here, and keep out the syntax that Windows
    /// PowerShell 5.1 lacks, since they must run there too.
    /// </summary>
    public sealed class ScriptTests
    {
        private static readonly string[] SkippedFolders = { ".git", "bin", "obj", "out", "TestResults", ".vs", ".idea", ".tools" };

        public static IEnumerable<object[]> Scripts() =>
            RepositoryScripts().Select(path => new object[] { Path.GetRelativePath(ModuleHost.RepoRoot, path).Replace('\\', '/') });

        [Fact]
        public void The_build_script_and_the_Pester_suite_are_there()
        {
            var scripts = RepositoryScripts().Select(path => Path.GetRelativePath(ModuleHost.RepoRoot, path).Replace('\\', '/')).ToList();
            Assert.Contains("build.ps1", scripts);
            Assert.Contains("tests/Pester/TestSetup.ps1", scripts);
            Assert.Contains("tests/Pester/Invoke-PesterSuite.ps1", scripts);
            Assert.Contains(scripts, script => script.StartsWith("tests/Pester/", StringComparison.Ordinal) && script.EndsWith(".Tests.ps1", StringComparison.Ordinal));
        }

        [Theory]
        [MemberData(nameof(Scripts))]
        public void Pester_and_build_scripts_parse_without_errors(string script)
        {
            Parser.ParseFile(Path.Combine(ModuleHost.RepoRoot, script), out _, out ParseError[] errors);

            Assert.True(errors.Length == 0, script + ":\n" + string.Join("\n", errors.Select(e => $"  line {e.Extent.StartLineNumber}: {e.Message}")));
        }

        [Theory]
        [MemberData(nameof(Scripts))]
        public void Scripts_use_no_syntax_that_Windows_PowerShell_5_1_lacks(string script)
        {
            ScriptBlockAst ast = Parser.ParseFile(Path.Combine(ModuleHost.RepoRoot, script), out _, out _);

            var problems = ast.FindAll(node => Pwsh7Only(node) != null, searchNestedScriptBlocks: true)
                .Select(node => $"  line {node.Extent.StartLineNumber}: {Pwsh7Only(node)} in '{node.Extent.Text.Split('\n')[0].Trim()}'")
                .ToList();
            Assert.True(problems.Count == 0, script + " must also run in Windows PowerShell 5.1:\n" + string.Join("\n", problems));
        }

        private static string? Pwsh7Only(Ast node) => node switch
        {
            TernaryExpressionAst => "the ternary operator ?:",
            PipelineChainAst => "a pipeline chain (&& or ||)",
            BinaryExpressionAst { Operator: TokenKind.QuestionQuestion } => "the ?? operator",
            AssignmentStatementAst { Operator: TokenKind.QuestionQuestionEquals } => "the ??= operator",
            MemberExpressionAst { NullConditional: true } => "null-conditional member access (?. or ?[])",
            IndexExpressionAst { NullConditional: true } => "null-conditional indexing (?[])",
            _ => null,
        };

        private static IEnumerable<string> RepositoryScripts()
        {
            var pending = new Stack<DirectoryInfo>();
            pending.Push(new DirectoryInfo(ModuleHost.RepoRoot));
            while (pending.Count > 0)
            {
                DirectoryInfo folder = pending.Pop();
                foreach (FileInfo file in folder.EnumerateFiles("*.ps1"))
                    yield return file.FullName;
                foreach (DirectoryInfo child in folder.EnumerateDirectories())
                    if (!SkippedFolders.Contains(child.Name, StringComparer.OrdinalIgnoreCase))
                        pending.Push(child);
            }
        }
    }
}
