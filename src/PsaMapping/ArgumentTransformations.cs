using System;
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
