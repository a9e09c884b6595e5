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
            ProjectUri   = 'https://github.com/psamapping/PsaMapping'
            LicenseUri   = 'https://github.com/psamapping/PsaMapping/blob/main/LICENSE'
            ReleaseNotes = '0.1.0: Connect-SophosCentral and Get-SophosCustomer, with retries, backoff and automatic token renewal.'
        }
    }
}
