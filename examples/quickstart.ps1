<#
.SYNOPSIS
    PsaMapping quick start: connect to Sophos Central and Autotask, list the customers, find each one's
    Autotask company and contracts, map one by hand and the rest through suggestions, check the mappings, map
    the Sophos products to Autotask services, preview a usage sync with -WhatIf, run it, and read the sync log.
.DESCRIPTION
    `dotnet run --project src/PsaMapping.Sandbox -- demo` runs this script against the local sandbox.
    Run it yourself with your own credentials to do the same against Sophos Central and Autotask:
    the Sophos partner API credential (client ID as user name, secret as password) and the Autotask
    API user (user name and secret) with its integration code. The names below are the sandbox's
    (Contoso, Fabrikam): with your own services, use your customers' names. Mappings are saved in
    $env:PSAMAPPING_HOME (the demo points it at a temporary folder).
#>
param(
    [pscredential] $SophosCredential,
    [uri] $SophosAuthUri = 'https://id.sophos.com',
    [uri] $SophosApiUri = 'https://api.central.sophos.com',
    [pscredential] $AutotaskCredential,
    [string] $AutotaskIntegrationCode,
    [uri] $AutotaskZoneUri = 'https://webservices.autotask.net'
)

if (-not $SophosCredential) {
    $SophosCredential = Get-Credential -Message 'Sophos Central Partner API: client ID and client secret'
}
if (-not $AutotaskCredential) {
    $AutotaskCredential = Get-Credential -Message 'Autotask API user: user name and secret'
}
if (-not $AutotaskIntegrationCode) {
    $AutotaskIntegrationCode = Read-Host -Prompt 'Autotask integration code'
}

$null = Connect-SophosCentral -Credential $SophosCredential -AuthUri $SophosAuthUri -ApiUri $SophosApiUri
$null = Connect-Autotask -Credential $AutotaskCredential -IntegrationCode $AutotaskIntegrationCode -ZoneUri $AutotaskZoneUri

'Sophos Central customers (the first column of the PSA Integration page):'
Get-SophosCustomer

"Autotask companies as you type 'conto':"
Find-AutotaskCompany 'conto' -First 5

"Contoso's contracts (cancelled ones left out, expired ones marked):"
Find-AutotaskContract -Company 'Contoso'

'The best Autotask company for each Fabrikam customer, and its contracts:'
Get-SophosCustomer -Name 'Fabrikam*' | Find-AutotaskCompany -First 1 | Find-AutotaskContract

'Map one customer, as on the Sophos page:'
Set-PsaMapping -SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso' -Contract 'Sophos MSP - Contoso' -SyncEnabled $true -PassThru

'Suggestions for every other customer; the High-confidence ones are saved, each with the sync switch the suggestion'
'sets (on for an active Recurring Service contract). The warnings name what needs attention (Test-PsaMapping has the detail):'
Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High' | Set-PsaMapping -PassThru

'Left to decide by hand:'
Get-PsaMappingSuggestion

'The mapping page (Get-PsaMapping -IncludeUnmapped):'
Get-PsaMapping -IncludeUnmapped

'What Test-PsaMapping finds besides unmapped customers:'
Test-PsaMapping | Where-Object Problem -ne 'Unmapped'

'Sophos products billed last month, each with the Autotask service whose name matches best:'
Get-PsaProductMapping -IncludeUnmapped

'Bill each product as its suggested service (check them first with your own catalogue):'
Get-PsaProductMapping -IncludeUnmapped | Where-Object SuggestedServiceId |
    ForEach-Object { Set-PsaProductMapping -ProductCode $_.ProductCode -AutotaskServiceId $_.SuggestedServiceId -Confirm:$false }

'What syncing last month would post, without posting anything (-WhatIf):'
Sync-PsaUsage -WhatIf -WarningAction SilentlyContinue -ErrorAction SilentlyContinue

'The sync itself (problems are on their lines; -ErrorAction shows them as errors too):'
Sync-PsaUsage -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue

'The sync log: each adjustment written before it was posted, and what became of it:'
Get-PsaSyncHistory -Last 10
