using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace PsaMapping.Engine.Tests
{
    /// <summary>
    /// The error-id catalogue (<see cref="ErrorIds"/>) is the one list of the ids the module raises: each is
    /// documented for users in the README's Errors table and in the cmdlets' help, and no raise site spells one
    /// as a literal (which would let an id exist that neither the catalogue nor the documentation knows).
    /// </summary>
    public sealed class ErrorIdsTests
    {
        private static readonly string RepoRoot = FindRepoRoot();

        private static readonly List<string> Catalogue = typeof(ErrorIds)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        [Fact]
        public void Every_catalogue_id_is_spelled_as_its_constant_and_appears_once()
        {
            var misspelled = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && (string)f.GetRawConstantValue()! != f.Name).Select(f => f.Name).ToList();
            Assert.Empty(misspelled);
            Assert.Equal(Catalogue.Count, Catalogue.Distinct(StringComparer.Ordinal).Count());
            Assert.True(Catalogue.Count > 50, $"only {Catalogue.Count} ids found: is the reflection still reading ErrorIds?");
        }

        [Fact]
        public void Every_catalogue_id_is_in_the_README_Errors_table()
        {
            string readme = File.ReadAllText(Path.Combine(RepoRoot, "README.md"));
            Match section = Regex.Match(readme, @"^### Errors\s*$(.*?)(?=^##? )", RegexOptions.Multiline | RegexOptions.Singleline);
            Assert.True(section.Success, "README.md has no '### Errors' section");
            var rows = section.Groups[1].Value.Split('\n').Where(line => line.StartsWith('|')).ToList();

            var missing = Catalogue.Where(id => !rows.Any(row => row.Contains('`' + id + '`', StringComparison.Ordinal))).ToList();

            Assert.True(missing.Count == 0, "Not in the README's Errors table: " + string.Join(", ", missing));
        }

        [Fact]
        public void Every_catalogue_id_is_in_the_cmdlets_help()
        {
            XDocument help = XDocument.Load(Path.Combine(RepoRoot, "src", "PsaMapping", "en-US", "PsaMapping.dll-Help.xml"));
            XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
            XNamespace maml = "http://schemas.microsoft.com/maml/2004/10";
            // What a user reads about errors: each cmdlet's description and notes (alertSet).
            string text = string.Join("\n", help.Root!.Elements(command + "command")
                .SelectMany(c => c.Elements(maml + "description").Concat(c.Elements(maml + "alertSet")))
                .Select(e => e.Value));

            var missing = Catalogue.Where(id => !Regex.IsMatch(text, @"\b" + id + @"\b")).ToList();

            Assert.True(missing.Count == 0, "Not in any cmdlet's help (description or notes): " + string.Join(", ", missing));
        }

        [Fact]
        public void No_raise_site_spells_an_error_id_as_a_literal()
        {
            // The id argument of a raise (or a test of an error's id) must be a catalogue constant, not "Text".
            var literalId = new Regex(
                @"new\s+PsaMappingException\s*\(\s*[$@]*""" +
                @"|\bFail\s*\(\s*[$@]*""" +
                @"|new\s+ErrorRecord\s*\([^,;]+,\s*[$@]*""" +
                @"|ErrorId\s*[!=]=\s*""|""\s*[!=]=\s*[\w.]*ErrorId\b" +
                @"|ErrorIdPrefix");
            var found = new List<string>();
            foreach (string project in new[] { "PsaMapping.Engine", "PsaMapping" })
            {
                foreach (string file in Directory.EnumerateFiles(Path.Combine(RepoRoot, "src", project), "*.cs", SearchOption.AllDirectories))
                {
                    if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
                    string source = File.ReadAllText(file);
                    foreach (Match m in literalId.Matches(source))
                    {
                        int line = source.Take(m.Index).Count(c => c == '\n') + 1;
                        found.Add($"{Path.GetRelativePath(RepoRoot, file)}:{line}: {m.Value}");
                    }
                }
            }

            Assert.True(found.Count == 0, "Error ids spelled as literals (use ErrorIds):\n" + string.Join("\n", found));
        }

        private static string FindRepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "PsaMapping.sln"))) return dir.FullName;
            throw new InvalidOperationException("PsaMapping.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
