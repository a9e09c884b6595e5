using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace PsaMapping
{
    /// <summary>
    /// The column names a row piped into Set-PsaMapping may carry without being suspicious: its parameters and
    /// their aliases, and every property of an object a PsaMapping command outputs (so exports of
    /// Get-PsaMapping, Get-PsaMappingSuggestion or Find-AutotaskContract pipe back in without a word).
    /// </summary>
    internal static class KnownColumns
    {
        public static HashSet<string> Names { get; } = Collect();

        private static HashSet<string> Collect()
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (Type command in typeof(KnownColumns).Assembly.GetTypes().Where(t => t.GetCustomAttribute<CmdletAttribute>() != null))
            {
                foreach (OutputTypeAttribute output in command.GetCustomAttributes<OutputTypeAttribute>())
                foreach (PSTypeName type in output.Type)
                    if (type.Type != null)
                        names.UnionWith(type.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name));
            }

            foreach (PropertyInfo parameter in typeof(Commands.SetPsaMappingCommand).GetProperties())
            {
                if (parameter.GetCustomAttribute<ParameterAttribute>() == null) continue;
                names.Add(parameter.Name);
                foreach (AliasAttribute alias in parameter.GetCustomAttributes<AliasAttribute>()) names.UnionWith(alias.AliasNames);
            }

            return names;
        }
    }
}
