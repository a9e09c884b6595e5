using System;
using System.Linq;
using System.Management.Automation;

namespace PsaMapping
{
    /// <summary>
    /// Turns an empty or blank string into "not given", so that an empty CSV cell binds to a nullable
    /// parameter as null rather than failing (or, worse, becoming 0).
    /// </summary>
    public sealed class EmptyAsNullAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            return value is string text && string.IsNullOrWhiteSpace(text) ? null : inputData;
        }
    }

    /// <summary>
    /// Accepts the ways a spreadsheet says yes or no (True/False, 1/0, yes/no, on/off, y/n), besides real
    /// booleans. PowerShell alone would refuse the text, or treat any non-empty text as true.
    /// </summary>
    public sealed class FlexibleBooleanAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case null:
                    return null;
                case bool flag:
                    return flag;
                case SwitchParameter flag:
                    return flag.IsPresent;
                case int number when number == 0 || number == 1:
                    return number == 1;
                case long number when number == 0 || number == 1:
                    return number == 1;
                case string text:
                    switch (text.Trim().ToLowerInvariant())
                    {
                        case "": return null;
                        case "true": case "1": case "yes": case "y": case "on": case "$true": return true;
                        case "false": case "0": case "no": case "n": case "off": case "$false": return false;
                    }

                    break;
            }

            throw new ArgumentTransformationMetadataException(
                $"'{value}' is not a yes or no. Use True or False (or 1/0, yes/no, on/off).");
        }
    }
}

namespace PsaMapping
{
    /// <summary>
    /// An Autotask id: a whole decimal number and nothing else. PowerShell alone would round "100001.6" to
    /// 100002 (another contract), read "0x186A1" as hexadecimal and "1e5" as 100000, each silently naming a
    /// record the user never meant. An empty cell is "not given", as with <see cref="EmptyAsNullAttribute"/>.
    /// </summary>
    /// <remarks>
    /// Anything else becomes a <see cref="NotAnId"/>, which no conversion accepts: typed on the command line
    /// it is a binding error quoting the value; from a piped row it leaves the parameter unbound, which
    /// Set-PsaMapping reports as MappingColumnInvalid on that row (a transformation that threw would end the
    /// row with a generic binding error instead).
    /// </remarks>
    public sealed class WholeNumberAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case null:
                    return null;
                case long _:
                case int _:
                case short _:
                case byte _:
                case uint _:
                case ushort _:
                    return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
                case string text:
                    string trimmed = text.Trim();
                    if (trimmed.Length == 0) return null;
                    if (trimmed.Length <= 18 && trimmed.All(c => c >= '0' && c <= '9'))
                        return long.Parse(trimmed, System.Globalization.CultureInfo.InvariantCulture);
                    break;
            }

            return new NotAnId(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }

        /// <summary>A value given where an id was expected that is not one; shown as the value itself.</summary>
        public sealed class NotAnId
        {
            private readonly string _text;

            public NotAnId(string text) => _text = PsaMapping.Engine.UserText.Clip(text);

            public override string ToString() => _text;
        }
    }
}

namespace PsaMapping
{
    /// <summary>
    /// A secret parameter typed SecureString that still accepts the plain strings scripts written for earlier
    /// versions pass (-IntegrationCode 'ABC...'): they keep working, while new scripts can keep the secret out of
    /// their text and history with Read-Host -AsSecureString or a secret vault. Spaces around a plain string are removed.
    /// </summary>
    public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (value is string text) return PsaMapping.Engine.SecretText.ToSecureString(text.Trim());

            return inputData;
        }
    }
}
