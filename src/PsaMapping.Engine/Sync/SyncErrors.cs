using System;

namespace PsaMapping.Engine.Sync
{
    /// <summary>
    /// The wording of the sync's refusals that more than one place raises. Their ids are in <see cref="ErrorIds"/>
    /// (the Sync* ids and AutotaskAdjustmentRefused), with every other id of the module.
    /// </summary>
    internal static class SyncErrors
    {
        internal static string NotMappedMessage(string name, Guid id) =>
            $"The Sophos Central customer '{name}' has no mapping, so its usage was not synchronized. " +
            $"Map it first: Set-PsaMapping -SophosCustomerId {id} -AutotaskCompanyId <id> -ContractId <id> -SyncEnabled $true.";

        internal static string SyncOffMessage(string name, Guid id) =>
            $"Sync is off for '{name}', so its usage was not synchronized. Turn it on with Set-PsaMapping -SophosCustomerId {id} -SyncEnabled $true (and the same company and contract).";
    }
}
