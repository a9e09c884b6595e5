<#
.SYNOPSIS
    PsaMapping quick start: connect to Sophos Central and list the partner's customers.
.DESCRIPTION
    `dotnet run --project src/PsaMapping.Sandbox -- demo` runs this script against the local sandbox.
    Run it yourself with your own partner API credential (client ID as user name, secret as password)
    to do the same against Sophos Central.
#>
param(
    [pscredential] $SophosCredential,
    [uri] $SophosAuthUri = 'https://id.sophos.com',
    [uri] $SophosApiUri = 'https://api.central.sophos.com'
)

if (-not $SophosCredential) {
    $SophosCredential = Get-Credential -Message 'Sophos Central Partner API: client ID and client secret'
}

$null = Connect-SophosCentral -Credential $SophosCredential -AuthUri $SophosAuthUri -ApiUri $SophosApiUri

# Every customer tenant of the partner: the "Sophos Central Customers" column of the PSA Integration page.
Get-SophosCustomer
