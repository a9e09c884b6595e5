using System.Management.Automation;

namespace PsaMapping
{
    /// <summary>
    /// The line that confirms a save, as the Sophos page's message does. It is written the way Write-Host
    /// writes (an information record tagged PSHOST), so PowerShell shows it by default, while
    /// <c>-InformationAction Ignore</c> or <c>$InformationPreference = 'Ignore'</c> keep a script quiet and
    /// <c>-InformationVariable</c> still captures it.
    /// </summary>
    internal static class Confirmation
    {
        private static readonly string[] HostTag = { "PSHOST" };

        public static void WriteConfirmation(this Cmdlet cmdlet, string message) =>
            cmdlet.WriteInformation(new HostInformationMessage { Message = message }, HostTag);
    }
}
