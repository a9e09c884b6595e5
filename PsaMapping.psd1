@{
    # The source of truth for the module's manifest; the build copies it into out/PsaMapping.
    RootModule           = 'PsaMapping.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = 'b2050fb7-667c-4112-9ea5-6a5c32899f74'
    Author               = 'PsaMapping contributors'
    CompanyName          = 'PsaMapping'
    Copyright            = '(c) PsaMapping contributors. MIT License.'
    Description          = 'Map Sophos Central Partner customers to Autotask PSA companies and contracts: look up, suggest, record, check and keep the mappings, from the prompt or unattended RMM scripts.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('PsaMapping.Format.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Connect-SophosCentral'
        'Get-SophosCustomer'
        'Connect-Autotask'
        'Update-AutotaskCredential'
        'Remove-PsaMappingCredential'
        'Find-AutotaskCompany'
        'Find-AutotaskContract'
        'Set-PsaMapping'
        'Get-PsaMapping'
        'Remove-PsaMapping'
        'Test-PsaMapping'
        'Update-PsaMapping'
        'Connect-PsaMappingStore'
        'Get-PsaMappingStore'
        'Import-PsaMappingStore'
        'Get-PsaMappingHistory'
        'Get-PsaMappingSuggestion'
        'Get-SophosUsage'
        'Find-AutotaskService'
        'Get-AutotaskContractService'
        'Set-PsaProductMapping'
        'Get-PsaProductMapping'
        'Remove-PsaProductMapping'
        'Sync-PsaUsage'
        'Get-PsaSyncHistory'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Sophos', 'SophosCentral', 'Autotask', 'PSA', 'MSP', 'RMM', 'Billing', 'Mapping', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            # No ProjectUri: the project has no public repository address yet. The license is the MIT text of the
            # LICENSE file at the root of the source.
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = @'
What this module has: Connect-SophosCentral and Get-SophosCustomer (every customer of a partner account);
Connect-Autotask, Find-AutotaskCompany, Find-AutotaskContract and Find-AutotaskService (companies as you type, a
company's contracts, the service catalogue); Get-PsaMappingSuggestion (the company and contract of every unmapped
customer, with a confidence); Set-PsaMapping, Get-PsaMapping, Remove-PsaMapping, Test-PsaMapping, Update-PsaMapping and
Get-PsaMappingHistory (the mappings, one row or thousands, checked against live data and audited); the usage sync:
Get-SophosUsage, Set-PsaProductMapping, Get-PsaProductMapping, Remove-PsaProductMapping, Get-AutotaskContractService,
Sync-PsaUsage (-WhatIf; every change computed against Autotask's units, safe to run again) and Get-PsaSyncHistory; a
store in a folder of your own or a team's Azure table (Connect-PsaMappingStore, Get-PsaMappingStore,
Import-PsaMappingStore); saved credentials for unattended scripts (-Save, Update-AutotaskCredential,
Remove-PsaMappingCredential). Retries, backoff, token renewal and Autotask's request budget throughout.
Every change, version by version: CHANGELOG.md at the root of the source.
'@
        }
    }
}
