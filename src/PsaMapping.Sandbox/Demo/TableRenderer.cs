using System.Globalization;
using System.Management.Automation;
using System.Text;
using System.Xml.Linq;

namespace PsaMapping.Sandbox.Demo
{
    /// <summary>The table views of PsaMapping.Format.ps1xml: column labels and the properties they show.</summary>
    public sealed class FormatViews
    {
        internal const string ScriptPrefix = "script:";

        private readonly Dictionary<string, IReadOnlyList<(string Label, string Property)>> _byType = new();

        public static FormatViews Load(string path)
        {
            var views = new FormatViews();
            foreach (XElement view in XDocument.Load(path).Descendants("View"))
            {
                XElement? table = view.Element("TableControl");
                if (table == null) continue;
                var labels = table.Descendants("TableColumnHeader").Select(h => (string?)h.Element("Label")).ToList();
                // A column shows a property, or what a script block computes from the row ($_).
                var properties = table.Descendants("TableColumnItem")
                    .Select(i => (string?)i.Element("PropertyName") ?? ScriptPrefix + ((string?)i.Element("ScriptBlock") ?? "")).ToList();
                var columns = properties.Select((property, i) => (labels.ElementAtOrDefault(i) ?? property, property)).ToList();
                foreach (XElement type in view.Descendants("TypeName"))
                    views._byType[type.Value] = columns;
            }

            return views;
        }

        public IReadOnlyList<(string Label, string Property)>? For(PSObject item) =>
            item.TypeNames.Select(name => _byType.GetValueOrDefault(name)).FirstOrDefault(columns => columns != null);
    }

    /// <summary>
    /// Prints objects the way Format-Table would with the module's views (the hosted engine has no
    /// Format-Table): consecutive objects of one type share a table.
    /// </summary>
    public static class TableRenderer
    {
        /// <param name="runspace">Where the views' script-block columns run.</param>
        public static string Render(IEnumerable<PSObject> items, FormatViews views, System.Management.Automation.Runspaces.Runspace runspace)
        {
            var previous = System.Management.Automation.Runspaces.Runspace.DefaultRunspace;
            System.Management.Automation.Runspaces.Runspace.DefaultRunspace = runspace;
            try
            {
                return RenderTables(items, views);
            }
            finally
            {
                System.Management.Automation.Runspaces.Runspace.DefaultRunspace = previous;
            }
        }

        private static string RenderTables(IEnumerable<PSObject> items, FormatViews views)
        {
            var text = new StringBuilder();
            foreach (var group in Consecutive(items.Where(i => i != null)))
            {
                if (group[0].BaseObject is string)
                {
                    // Plain text a script writes between its results, such as a heading.
                    foreach (PSObject line in group) text.AppendLine(line.BaseObject.ToString());
                    continue;
                }

                var columns = views.For(group[0])
                    ?? group[0].Properties.Select(p => (p.Name, p.Name)).ToList();
                var rows = group.Select(item => columns.Select(c => Cell(item, c.Item2)).ToArray()).ToList();
                var widths = columns.Select((c, i) => Math.Max(c.Item1.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();

                text.AppendLine(Line(columns.Select(c => c.Item1), widths));
                text.AppendLine(Line(widths.Select(w => new string('-', w)), widths));
                foreach (string[] row in rows) text.AppendLine(Line(row, widths));
                text.AppendLine();
            }

            return text.ToString();
        }

        // Format-Table cuts long cells to the console width; this keeps the demo's tables readable the same way.
        private const int WidestCell = 100;

        private static string Cell(PSObject item, string property)
        {
            string text = CellText(item, property);
            return text.Length > WidestCell ? text[..(WidestCell - 3)] + "..." : text;
        }

        private static string CellText(PSObject item, string property)
        {
            object? value = property.StartsWith(FormatViews.ScriptPrefix, StringComparison.Ordinal)
                ? ScriptBlock.Create(property[FormatViews.ScriptPrefix.Length..])
                    .InvokeWithContext(null, new List<PSVariable> { new("_", item) }).FirstOrDefault()?.BaseObject
                : item.Properties[property]?.Value;
            return value switch
            {
                null => "",
                bool b => b ? "On" : "Off",
                DateTime d when d.TimeOfDay == TimeSpan.Zero => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
        }

        private static string Line(IEnumerable<string> cells, int[] widths) =>
            string.Join("  ", cells.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd();

        private static IEnumerable<List<PSObject>> Consecutive(IEnumerable<PSObject> items)
        {
            List<PSObject>? group = null;
            foreach (PSObject item in items)
            {
                if (group != null && group[0].TypeNames.FirstOrDefault() != item.TypeNames.FirstOrDefault())
                {
                    yield return group;
                    group = null;
                }

                (group ??= new List<PSObject>()).Add(item);
            }

            if (group != null) yield return group;
        }
    }
}
