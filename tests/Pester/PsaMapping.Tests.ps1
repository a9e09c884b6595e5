<#
    The users' scenarios of tests/PsaMapping.PowerShell.Tests, for machines with pwsh (or Windows
    PowerShell 5.1) and Pester 5: the built module from out/PsaMapping against the sandbox, which runs as
    a separate process on a free loopback port.

    Nothing is built here: run `./build.ps1 Test` (it builds first), or `./build.ps1 Build` and then
    `Invoke-Pester tests/Pester`. The sandbox is taken from src/PsaMapping.Sandbox/bin/<configuration>/net10.0;
    set PSAMAPPING_CONFIGURATION to choose the configuration (build.ps1 does), otherwise the most
    recently built one is used.

    Written for Windows PowerShell 5.1 as well as PowerShell 7: no ternaries, no ?? or &&, no ::new().
#>

BeforeDiscovery {
    $manifest = Join-Path $PSScriptRoot '../../out/PsaMapping/PsaMapping.psd1'
    $exportedCommands = @()
    if (Test-Path -LiteralPath $manifest) {
        Import-Module -Name $manifest -Force -ErrorAction Stop
        $exportedCommands = @(Get-Command -Module PsaMapping -CommandType Cmdlet, Function | ForEach-Object { @{ Name = $_.Name } })
    }
}

BeforeAll {
    $RepoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).Path
    $Manifest = Join-Path $RepoRoot 'out/PsaMapping/PsaMapping.psd1'
    if (-not (Test-Path -LiteralPath $Manifest)) {
        throw "The module is not built: $Manifest is missing. Run ./build.ps1 Build (or ./build.ps1 Test) first."
    }

    # The sandbox of the configuration build.ps1 asked for, else the most recently built one.
    $sandboxDlls = @('Debug', 'Release') |
        Where-Object { (-not $env:PSAMAPPING_CONFIGURATION) -or ($_ -eq $env:PSAMAPPING_CONFIGURATION) } |
        ForEach-Object { Join-Path $RepoRoot "src/PsaMapping.Sandbox/bin/$_/net10.0/PsaMapping.Sandbox.dll" } |
        Where-Object { Test-Path -LiteralPath $_ } |
        ForEach-Object { Get-Item -LiteralPath $_ } |
        Sort-Object -Property LastWriteTimeUtc -Descending
    if (-not $sandboxDlls) {
        throw "The sandbox is not built (src/PsaMapping.Sandbox/bin/<configuration>/net10.0/PsaMapping.Sandbox.dll). Run ./build.ps1 Build first."
    }
    $SandboxDll = @($sandboxDlls)[0].FullName

    # Saved credentials live in $env:PSAMAPPING_HOME: use an empty folder of our own, never the user's.
    $PreviousPsaMappingHome = $env:PSAMAPPING_HOME
    $PsaMappingHome = Join-Path ([System.IO.Path]::GetTempPath()) ('psamapping-pester-' + [guid]::NewGuid().ToString('N'))
    $env:PSAMAPPING_HOME = $PsaMappingHome

    # Start the sandbox on any free port and read what it prints on startup:
    #   Sophos auth URI : http://127.0.0.1:<port>/
    #   Sophos API URI  : http://127.0.0.1:<port>/
    #   Partner client  : <client id>
    #   Partner secret  : <secret>   (fake sandbox values)
    #   Tenants         : <n> (seed <seed>)
    #
    #   Autotask zone URI        : http://127.0.0.1:<port>/
    #   Autotask REST base       : http://127.0.0.1:<port>/ATServicesRest/V1.0/
    #   Autotask user            : <API user name>
    #   Autotask secret          : <secret>   (fake sandbox values)
    #   Autotask integration code: <code>
    #   ...
    #   Press Ctrl+C to stop.
    $startInfo = New-Object System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = 'dotnet'
    $startInfo.Arguments = '"{0}" --port 0 --tenants 250 --seed 42' -f $SandboxDll
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.CreateNoWindow = $true
    $SandboxProcess = [System.Diagnostics.Process]::Start($startInfo)

    $banner = @{}
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not $banner.ContainsKey('Ready')) {
        $read = $SandboxProcess.StandardOutput.ReadLineAsync()
        $left = [int][Math]::Max(0, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)
        if (-not $read.Wait($left)) { break }
        $line = $read.Result
        if ($null -eq $line) { break } # the sandbox exited
        if ($line -match '^\s*Sophos auth URI\s*:\s*(\S+)') { $banner.AuthUri = $Matches[1] }
        elseif ($line -match '^\s*Sophos API URI\s*:\s*(\S+)') { $banner.ApiUri = $Matches[1] }
        elseif ($line -match '^\s*Partner client\s*:\s*(\S+)') { $banner.ClientId = $Matches[1] }
        elseif ($line -match '^\s*Partner secret\s*:\s*(\S+)') { $banner.Secret = $Matches[1] }
        elseif ($line -match '^\s*Tenant client\s*:\s*(\S+)') { $banner.TenantClientId = $Matches[1] }
        elseif ($line -match '^\s*Tenant secret\s*:\s*(\S+)') { $banner.TenantSecret = $Matches[1] }
        elseif ($line -match '^\s*Tenants\s*:\s*(\d+)') { $banner.TenantCount = [int]$Matches[1] }
        elseif ($line -match '^\s*Autotask zone URI\s*:\s*(\S+)') { $banner.AutotaskZoneUri = $Matches[1] }
        elseif ($line -match '^\s*Autotask REST base\s*:\s*(\S+)') { $banner.AutotaskRestBase = $Matches[1] }
        elseif ($line -match '^\s*Autotask user\s*:\s*(\S+)') { $banner.AutotaskUser = $Matches[1] }
        elseif ($line -match '^\s*Autotask secret\s*:\s*(\S+)') { $banner.AutotaskSecret = $Matches[1] }
        elseif ($line -match '^\s*Autotask integration code\s*:\s*(\S+)') { $banner.AutotaskIntegrationCode = $Matches[1] }
        elseif ($line -match 'Press Ctrl\+C') { $banner.Ready = $true }
    }
    foreach ($key in 'AuthUri', 'ApiUri', 'ClientId', 'Secret', 'TenantCount',
        'AutotaskZoneUri', 'AutotaskRestBase', 'AutotaskUser', 'AutotaskSecret', 'AutotaskIntegrationCode', 'Ready') {
        if (-not $banner.ContainsKey($key)) {
            if (-not $SandboxProcess.HasExited) { $SandboxProcess.Kill() }
            throw "The sandbox ($SandboxDll) did not print its '$key' within 60 seconds of starting."
        }
    }
    # Keep reading its output (warnings it logs) so the pipe never fills up and blocks it.
    $SandboxOutput = $SandboxProcess.StandardOutput.ReadToEndAsync()

    # The tenant-level credential is not printed by the sandbox: its fixed fake values (SandboxOptions).
    if (-not $banner.ContainsKey('TenantClientId')) { $banner.TenantClientId = 'sandbox-tenant-client' }
    if (-not $banner.ContainsKey('TenantSecret')) { $banner.TenantSecret = 'sandbox-tenant-secret' }
    # What Connect-Autotask -ApiUri takes: the zone's REST address, without the version (.../ATServicesRest/).
    $banner.AutotaskApiUri = $banner.AutotaskRestBase -replace 'V1\.0/?$', ''
    $Sandbox = [pscustomobject]$banner

    function New-TestCredential([string]$UserName, [string]$Secret) {
        $secure = ConvertTo-SecureString -String $Secret -AsPlainText -Force
        New-Object System.Management.Automation.PSCredential -ArgumentList $UserName, $secure
    }

    function Connect-Sandbox {
        [CmdletBinding()]
        param([string]$ClientId = $Sandbox.ClientId, [string]$Secret = $Sandbox.Secret)
        Connect-SophosCentral -Credential (New-TestCredential $ClientId $Secret) -AuthUri $Sandbox.AuthUri -ApiUri $Sandbox.ApiUri -ErrorAction Stop
    }

    # Connect-Autotask's parameters for the sandbox's API user; any part can be swapped for a wrong one.
    function Get-AutotaskParameters {
        param(
            [string]$UserName = $Sandbox.AutotaskUser,
            [string]$Secret = $Sandbox.AutotaskSecret,
            [string]$IntegrationCode = $Sandbox.AutotaskIntegrationCode
        )
        @{
            Credential      = (New-TestCredential $UserName $Secret)
            IntegrationCode = $IntegrationCode
            ZoneUri         = $Sandbox.AutotaskZoneUri
        }
    }

    function Connect-AutotaskSandbox {
        [CmdletBinding()]
        param(
            [string]$UserName = $Sandbox.AutotaskUser,
            [string]$Secret = $Sandbox.AutotaskSecret,
            [string]$IntegrationCode = $Sandbox.AutotaskIntegrationCode,
            [switch]$Save
        )
        $parameters = Get-AutotaskParameters -UserName $UserName -Secret $Secret -IntegrationCode $IntegrationCode
        Connect-Autotask @parameters -Save:$Save -ErrorAction Stop
    }

    # The number in the verbose line 'Autotask requests made by this command: <n>.' ($null without one).
    function Get-AutotaskRequestCount([object[]]$Records) {
        foreach ($record in @($Records)) {
            if ($record -is [System.Management.Automation.VerboseRecord] -and $record.Message -match '^Autotask requests made by this command: (\d+)') {
                return [int]$Matches[1]
            }
        }
        $null
    }

    # All the requests a command made, to every service: the sum of its verbose lines
    # '<service> requests made by this command: <n>.' (0 without any).
    function Get-RequestCount([object[]]$Records) {
        $total = 0
        foreach ($record in @($Records)) {
            if ($record -is [System.Management.Automation.VerboseRecord] -and $record.Message -match ' requests made by this command: (\d+)') {
                $total += [int]$Matches[1]
            }
        }
        $total
    }

    # Points $env:PSAMAPPING_HOME at a new, empty (not yet created) store folder under $Folder (the
    # Describe's TestDrive), so each test starts with no mappings and no saved credential; returns it.
    function Use-EmptyStore([string]$Folder) {
        $store = Join-Path $Folder ('store-' + [guid]::NewGuid().ToString('N'))
        $env:PSAMAPPING_HOME = $store
        $store
    }

    # The seven mapping properties of each row, one line of text per row, to compare two lists of mappings.
    function ConvertTo-MappingText([object[]]$Rows) {
        foreach ($row in @($Rows)) {
            '{0}|{1}|{2}|{3}|{4}|{5}|{6}' -f $row.SophosCustomerId, $row.SophosCustomerName, $row.AutotaskCompanyId,
                $row.AutotaskCompanyName, $row.ContractId, $row.ContractName, $row.SyncEnabled
        }
    }

    # The text of information records (such as 'Saved 1 mapping (1 new, 0 changed; 0 already as given).').
    function Get-InformationText([object[]]$Records) {
        @($Records | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_.MessageData })
    }

    # Runs $Script in a new session (its own runspace, so its own connection state) with the module
    # imported; returns its output, errors, progress and the terminating error that stopped it.
    function Invoke-InNewSession {
        param([string]$Script, [hashtable]$Parameters = @{})
        $shell = [powershell]::Create([System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2())
        try {
            $null = $shell.AddCommand('Import-Module').AddParameter('Name', $Manifest).AddParameter('ErrorAction', 'Stop').Invoke()
            if ($shell.HadErrors) { throw ('Import-Module failed in the new session: {0}' -f ($shell.Streams.Error -join '; ')) }
            $shell.Commands.Clear()

            # try/catch inside the session, so a terminating error comes back as it was thrown.
            $wrapper = {
                param([string]$Script, [hashtable]$Parameters)
                try { & ([scriptblock]::Create($Script)) @Parameters }
                catch { [pscustomobject]@{ PSTypeName = 'PsaMappingTests.TerminatingError'; ErrorRecord = $_ } }
            }
            $null = $shell.AddScript($wrapper.ToString()).AddParameter('Script', $Script).AddParameter('Parameters', $Parameters)
            $all = @($shell.Invoke())
            $terminating = @($all | Where-Object { $_.PSObject.TypeNames -contains 'PsaMappingTests.TerminatingError' } | ForEach-Object { $_.ErrorRecord })
            [pscustomobject]@{
                Output      = @($all | Where-Object { $_.PSObject.TypeNames -notcontains 'PsaMappingTests.TerminatingError' })
                Errors      = @($shell.Streams.Error)
                Progress    = @($shell.Streams.Progress)
                Terminating = $(if ($terminating.Count -gt 0) { $terminating[0] } else { $null })
            }
        }
        finally {
            $shell.Dispose()
        }
    }

    Import-Module -Name $Manifest -Force -ErrorAction Stop
}

AfterAll {
    if ($SandboxProcess) {
        if (-not $SandboxProcess.HasExited) {
            $SandboxProcess.Kill()
            $null = $SandboxProcess.WaitForExit(10000)
        }
        $SandboxProcess.Dispose()
    }
    $env:PSAMAPPING_HOME = $PreviousPsaMappingHome
    if ($PsaMappingHome -and (Test-Path -LiteralPath $PsaMappingHome)) {
        Remove-Item -LiteralPath $PsaMappingHome -Recurse -Force
    }
}

Describe 'Connect-SophosCentral' {
    It 'connects with the partner API client ID and secret and returns the connection without any secret' {
        $connection = Connect-Sandbox

        $connection.PartnerId | Should -BeOfType [guid]
        $connection.ClientId | Should -Be $Sandbox.ClientId
        $connection.TokenExpiresAt | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(30))
        $everything = ($connection.PSObject.Properties | ForEach-Object { '{0}={1}' -f $_.Name, $_.Value }) -join '|'
        $everything | Should -Not -Match ([regex]::Escape($Sandbox.Secret))
    }

    It 'refuses a wrong secret with an authentication error that never shows the secret' {
        $wrongSecret = 'canary-wrong-secret-5f2c'
        $verbose = @()
        $errorRecord = $null
        try {
            Connect-Sandbox -Secret $wrongSecret -Verbose 4>&1 | ForEach-Object { $verbose += $_ }
        }
        catch {
            $errorRecord = $_
        }

        $errorRecord | Should -Not -BeNullOrEmpty
        $errorRecord.FullyQualifiedErrorId | Should -Be 'SophosAuthenticationFailed,PsaMapping.Commands.ConnectSophosCentralCommand'
        $errorRecord.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $errorRecord.Exception.Message | Should -Match 'secret was rejected'
        ($errorRecord.ToString() + $errorRecord.Exception + $errorRecord.TargetObject + ($verbose -join '')) |
            Should -Not -Match ([regex]::Escape($wrongSecret))
    }

    It 'refuses tenant credentials and says to create a partner credential' {
        $errorRecord = { Connect-Sandbox -ClientId $Sandbox.TenantClientId -Secret $Sandbox.TenantSecret } |
            Should -Throw -ErrorId 'SophosNotPartnerCredential,PsaMapping.Commands.ConnectSophosCentralCommand' -PassThru

        $errorRecord.Exception.Message | Should -Match 'tenant credentials'
        $errorRecord.Exception.Message | Should -Match 'Sophos Central Partner'
    }

    It 'refuses plain http to another machine (<Parameter>)' -TestCases @(
        @{ Parameter = 'AuthUri'; Uri = 'http://id.sophos.example/' }
        @{ Parameter = 'ApiUri'; Uri = 'http://api.central.sophos.example/' }
    ) {
        $arguments = @{ Credential = (New-TestCredential 'id' 'secret'); $Parameter = $Uri }
        $errorRecord = { Connect-SophosCentral @arguments } |
            Should -Throw -ErrorId 'InsecureUri,PsaMapping.Commands.ConnectSophosCentralCommand' -PassThru

        $errorRecord.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'keeps the earlier connection when a new attempt fails' {
        $null = Connect-Sandbox
        { Connect-Sandbox -Secret 'wrong' } | Should -Throw

        @(Get-SophosCustomer -Name 'Contoso Ltd').Count | Should -Be 1
    }
}

Describe 'Get-SophosCustomer' {
    BeforeAll {
        $null = Connect-Sandbox
        $AllCustomers = @(Get-SophosCustomer -Refresh)
    }

    It 'says to run Connect-SophosCentral when the session is not connected' {
        $result = Invoke-InNewSession -Script 'Get-SophosCustomer'

        $result.Terminating | Should -Not -BeNullOrEmpty
        $result.Terminating.FullyQualifiedErrorId | Should -Be 'SophosNotConnected,PsaMapping.Commands.GetSophosCustomerCommand'
        $result.Terminating.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $result.Terminating.Exception.Message | Should -Match 'Connect-SophosCentral'
    }

    It 'lists every customer of the partner once' {
        $AllCustomers.Count | Should -Be $Sandbox.TenantCount
        @($AllCustomers | ForEach-Object { $_.SophosCustomerId } | Sort-Object -Unique).Count | Should -Be $Sandbox.TenantCount
        $AllCustomers[0].PSObject.TypeNames | Should -Contain 'PsaMapping.Engine.Sophos.SophosCustomer'
        $AllCustomers[0].SophosCustomerName | Should -Not -BeNullOrEmpty
    }

    It 'takes wildcards in -Name and ignores case' {
        $found = @(Get-SophosCustomer -Name 'fabrikam*')

        $found.SophosCustomerName | Should -Contain 'Fabrikam, Inc.'
        $expected = @($AllCustomers | Where-Object { $_.SophosCustomerName -like 'fabrikam*' })
        $found.Count | Should -Be $expected.Count
    }

    It 'returns a customer that matches several names once' {
        $found = @(Get-SophosCustomer 'Contoso Ltd', 'contoso*')

        @($found | Where-Object { $_.SophosCustomerName -eq 'Contoso Ltd' }).Count | Should -Be 1
    }

    It 'reports an exact name that matches nothing as not found and still returns the others' {
        $missing = $null
        $found = @(Get-SophosCustomer 'No Such Customer', 'Contoso Ltd', 'Nothing*' -ErrorAction SilentlyContinue -ErrorVariable missing)

        $found.Count | Should -Be 1
        @($missing).Count | Should -Be 1
        $missing[0].FullyQualifiedErrorId | Should -Be 'SophosCustomerNotFound,PsaMapping.Commands.GetSophosCustomerCommand'
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $missing[0].TargetObject | Should -Be 'No Such Customer'
    }

    It 'finds customers by -Id and reports an unknown id as not found' {
        $unknown = [guid]::NewGuid()
        $missing = $null
        $found = @(Get-SophosCustomer -Id $AllCustomers[3].SophosCustomerId, $unknown, $AllCustomers[7].SophosCustomerId -ErrorAction SilentlyContinue -ErrorVariable missing)

        $found.SophosCustomerId | Should -Be @($AllCustomers[3].SophosCustomerId, $AllCustomers[7].SophosCustomerId)
        @($missing).Count | Should -Be 1
        $missing[0].FullyQualifiedErrorId | Should -Be 'SophosCustomerNotFound,PsaMapping.Commands.GetSophosCustomerCommand'
        $missing[0].TargetObject | Should -Be $unknown
    }

    It 'binds SophosCustomerId from the pipeline by property name' {
        $found = @($AllCustomers[1], $AllCustomers[2] |
            ForEach-Object { [pscustomobject]@{ SophosCustomerId = $_.SophosCustomerId.ToString() } } |
            Get-SophosCustomer)

        $found.SophosCustomerName | Should -Be @($AllCustomers[1].SophosCustomerName, $AllCustomers[2].SophosCustomerName)
    }

    It 'round-trips through Export-Csv and Import-Csv' {
        $path = Join-Path $TestDrive 'customers.csv'
        $original = @(Get-SophosCustomer -Name 'Contoso*', 'Fabrikam*')
        $original | Export-Csv -LiteralPath $path -NoTypeInformation

        $rows = @(Import-Csv -LiteralPath $path)
        $rows[0].PSObject.Properties.Name | Should -Contain 'SophosCustomerId'
        $rows[0].PSObject.Properties.Name | Should -Contain 'SophosCustomerName'
        $again = @($rows | Get-SophosCustomer)
        $again.SophosCustomerId | Should -Be $original.SophosCustomerId
        $again.SophosCustomerName | Should -Be $original.SophosCustomerName
    }

    It 'answers from the list cached in the session, and -Refresh fetches it again' {
        $cached = @(Get-SophosCustomer -Name 'Contoso*' -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        ($cached.Message -join "`n") | Should -Match 'already fetched in this session'

        $refreshed = @(Get-SophosCustomer -Refresh -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        ($refreshed.Message -join "`n") | Should -Match ('Fetched {0} Sophos Central customers' -f $Sandbox.TenantCount)
    }

    It 'reports progress while fetching several pages and completes it' {
        $parameters = @{
            Credential = (New-TestCredential $Sandbox.ClientId $Sandbox.Secret)
            AuthUri    = $Sandbox.AuthUri
            ApiUri     = $Sandbox.ApiUri
        }
        $result = Invoke-InNewSession -Parameters $parameters -Script @'
param($Credential, $AuthUri, $ApiUri)
$null = Connect-SophosCentral -Credential $Credential -AuthUri $AuthUri -ApiUri $ApiUri -ErrorAction Stop
Get-SophosCustomer -Refresh
'@

        $result.Terminating | Should -BeNullOrEmpty
        $result.Output.Count | Should -Be $Sandbox.TenantCount
        @($result.Progress | Where-Object { $_.RecordType -eq 'Processing' -and $_.StatusDescription -match 'of 3' }).Count | Should -BeGreaterThan 0
        $result.Progress[-1].RecordType | Should -Be 'Completed'
    }
}

Describe 'Connect-Autotask' {
    It 'finds the API user''s zone and returns the connection without the secret or the integration code' {
        $all = @(Connect-AutotaskSandbox -Verbose 4>&1)
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $connection = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })

        $connection.Count | Should -Be 1
        $connection[0].UserName | Should -Be $Sandbox.AutotaskUser
        [string]$connection[0].ApiUri | Should -Be $Sandbox.AutotaskApiUri
        [string]$connection[0].ZoneUri | Should -Be $Sandbox.AutotaskZoneUri
        ($verbose.Message -join "`n") | Should -Match 'Looking up the zone'
        $everything = (($connection[0].PSObject.Properties | ForEach-Object { '{0}={1}' -f $_.Name, $_.Value }) -join '|') + ($verbose.Message -join '|')
        $everything | Should -Not -Match ([regex]::Escape($Sandbox.AutotaskSecret))
        $everything | Should -Not -Match ([regex]::Escape($Sandbox.AutotaskIntegrationCode))
    }

    It 'skips the zone lookup with -ApiUri, one request fewer' {
        $zone = Get-AutotaskRequestCount @(Connect-AutotaskSandbox -Verbose 4>&1)
        $parameters = Get-AutotaskParameters
        $parameters.Remove('ZoneUri')
        $all = @(Connect-Autotask @parameters -ApiUri $Sandbox.AutotaskApiUri -Verbose -ErrorAction Stop 4>&1)
        $connection = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })

        [string]$connection[0].ApiUri | Should -Be $Sandbox.AutotaskApiUri
        $connection[0].ZoneUri | Should -BeNullOrEmpty
        Get-AutotaskRequestCount $all | Should -Be ($zone - 1)
        @(Find-AutotaskCompany 'Contoso' -First 1 -ErrorAction Stop).Count | Should -Be 1
    }

    It 'says which part of a rejected credential is wrong (<Wrong>) and never shows a secret' -TestCases @(
        @{ Wrong = 'secret'; ErrorId = 'AutotaskSecretRejected'; Message = 'secret' }
        @{ Wrong = 'user'; ErrorId = 'AutotaskUnknownUser'; Message = 'does not know the API user' }
        @{ Wrong = 'code'; ErrorId = 'AutotaskIntegrationCodeRejected'; Message = 'integration code' }
    ) {
        $canarySecret = 'canary-at-secret-3b9d'
        $canaryCode = 'CANARYCODE77'
        $arguments = @{}
        if ($Wrong -eq 'secret') { $arguments.Secret = $canarySecret }
        if ($Wrong -eq 'user') { $arguments.UserName = 'nobody@example.test' }
        if ($Wrong -eq 'code') { $arguments.IntegrationCode = $canaryCode }

        $errorRecord = { Connect-AutotaskSandbox @arguments } |
            Should -Throw -ErrorId "$ErrorId,PsaMapping.Commands.ConnectAutotaskCommand" -PassThru

        $errorRecord.FullyQualifiedErrorId | Should -Be "$ErrorId,PsaMapping.Commands.ConnectAutotaskCommand"
        $errorRecord.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $errorRecord.Exception.Message | Should -Match ([regex]::Escape($Message))
        $text = $errorRecord.ToString() + '|' + $errorRecord.Exception + '|' + $errorRecord.TargetObject
        foreach ($secret in $canarySecret, $canaryCode, $Sandbox.AutotaskSecret, $Sandbox.AutotaskIntegrationCode) {
            $text | Should -Not -Match ([regex]::Escape($secret))
        }
    }
}

Describe 'Find-AutotaskCompany' {
    BeforeAll {
        $null = Connect-AutotaskSandbox
    }

    It 'says to run Connect-Autotask when the session is not connected' {
        $result = Invoke-InNewSession -Script "Find-AutotaskCompany 'x'"

        $result.Terminating | Should -Not -BeNullOrEmpty
        $result.Terminating.FullyQualifiedErrorId | Should -Be 'AutotaskNotConnected,PsaMapping.Commands.FindAutotaskCompanyCommand'
        $result.Terminating.Exception.Message | Should -Match 'Connect-Autotask'
    }

    It 'ranks companies as an autocomplete would, with one request' {
        $all = @(Find-AutotaskCompany 'conto' -Verbose 4>&1)
        $found = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })

        $found[0].AutotaskCompanyName | Should -Be 'Contoso'
        $found[1].AutotaskCompanyName | Should -Be 'Contoso Ltd'
        $found[0].MatchKind | Should -Be 'StartsWith'
        $found[0].CompanyType | Should -Be 'Customer'
        $scores = @($found | ForEach-Object { $_.MatchScore })
        $scores | Should -Be @($scores | Sort-Object -Descending)
        Get-AutotaskRequestCount $all | Should -Be 1
    }

    It 'ignores accents and transliterations' {
        $name = 'M' + [char]0x00FC + 'ller Maschinenbau' # 'Mueller' with an umlaut, kept out of the file for Windows PowerShell 5.1
        $found = @(Find-AutotaskCompany $name -First 1)

        $found.Count | Should -Be 1
        $found[0].AutotaskCompanyName | Should -Be 'Mueller Maschinenbau GmbH'
    }

    It 'leaves inactive companies out unless -IncludeInactive' {
        @(Find-AutotaskCompany 'Old Customer' | ForEach-Object { $_.AutotaskCompanyName }) | Should -Not -Contain 'Old Customer Ltd'

        $old = @(Find-AutotaskCompany 'Old Customer' -IncludeInactive | Where-Object { $_.AutotaskCompanyName -eq 'Old Customer Ltd' })
        $old.Count | Should -Be 1
        $old[0].IsActive | Should -Be $false
    }

    It 'completes company names on Tab' {
        $line = 'Find-AutotaskContract -Company conto'
        $completions = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object { $_.CompletionText })

        $completions[0] | Should -Be "'Contoso'"
        $completions | Should -Contain "'Contoso Ltd'"
    }
}

Describe 'Find-AutotaskContract' {
    BeforeAll {
        $null = Connect-AutotaskSandbox
    }

    It 'lists a company''s contracts without the cancelled ones, marks expired ones and labels types and statuses' {
        $contracts = @(Find-AutotaskContract -Company 'Contoso')
        $names = @($contracts | ForEach-Object { $_.ContractName })

        $names | Should -Contain 'Sophos MSP - Contoso'
        $names | Should -Contain 'Contoso Backup'
        $names | Should -Not -Contain 'Contoso Firewall 2023'
        $recurring = @($contracts | Where-Object { $_.ContractName -eq 'Sophos MSP - Contoso' })[0]
        $recurring.ContractType | Should -Be 'Recurring Service'
        $recurring.Status | Should -Be 'Active'
        $recurring.SupportsUsageSync | Should -Be $true
        $recurring.IsExpired | Should -Be $false
        $recurring.AutotaskCompanyName | Should -Be 'Contoso'
        @($contracts | Where-Object { $_.ContractName -eq 'Contoso Backup' })[0].IsExpired | Should -Be $true
        @($contracts | Where-Object { $_.ContractName -eq 'Contoso Managed Services' })[0].SupportsUsageSync | Should -Be $false
    }

    It 'lists the cancelled (inactive) contracts too with -IncludeCancelled' {
        $cancelled = @(Find-AutotaskContract -Company 'contoso' -IncludeCancelled | Where-Object { $_.ContractName -eq 'Contoso Firewall 2023' })

        $cancelled.Count | Should -Be 1
        $cancelled[0].Status | Should -Be 'Inactive'
        $cancelled[0].IsActive | Should -Be $false
    }

    It 'stops on a company name that no company has and suggests similar names' {
        $errorRecord = { Find-AutotaskContract -Company 'Contosso' } |
            Should -Throw -ErrorId 'AutotaskCompanyNotFound,PsaMapping.Commands.FindAutotaskContractCommand' -PassThru

        $errorRecord.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errorRecord.Exception.Message | Should -Match "Similar names: 'Contoso' \(id \d+\)"
    }

    It 'filters contract names by part (<Filter>)' -TestCases @(
        @{ Filter = 'msp'; Expected = 'Sophos MSP - Contoso' }
        @{ Filter = 'contoso b*'; Expected = 'Contoso Backup' }
    ) {
        @(Find-AutotaskContract $Filter -Company 'Contoso' | ForEach-Object { $_.ContractName }) | Should -Be @($Expected)
    }

    It 'queries the contracts of many piped companies in a few requests, not one each' {
        $ids = @(Find-AutotaskCompany | Select-Object -First 120 | ForEach-Object { $_.AutotaskCompanyId })
        $expected = @(Find-AutotaskContract | Where-Object { $ids -contains $_.AutotaskCompanyId } | ForEach-Object { $_.ContractId } | Sort-Object)

        $all = @($ids | ForEach-Object { [pscustomobject]@{ AutotaskCompanyId = $_ } } | Find-AutotaskContract -Verbose 4>&1)
        $contracts = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })

        $ids.Count | Should -Be 120
        @($contracts | ForEach-Object { $_.ContractId } | Sort-Object) | Should -Be $expected
        Get-AutotaskRequestCount $all | Should -BeLessOrEqual 3 -Because 'the 120 companies go in one `in` filter, and their names in one more request'
    }
}

Describe 'From Sophos Central customers to Autotask contracts' {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
    }

    It 'passes SophosCustomerId and SophosCustomerName through companies onto the contracts' {
        $customer = @(Get-SophosCustomer -Name 'Contoso Ltd')[0]
        $contracts = @(Get-SophosCustomer -Name 'Contoso Ltd' | Find-AutotaskCompany -First 1 | Find-AutotaskContract)

        $contracts.Count | Should -BeGreaterThan 0
        foreach ($contract in $contracts) {
            $contract.SophosCustomerId | Should -Be $customer.SophosCustomerId
            $contract.SophosCustomerName | Should -Be 'Contoso Ltd'
            $contract.AutotaskCompanyName | Should -Not -BeNullOrEmpty
        }
    }
}

Describe 'Saved credentials' {
    BeforeAll {
        $SessionParameters = @{
            Credential = (New-TestCredential $Sandbox.ClientId $Sandbox.Secret)
            AuthUri    = $Sandbox.AuthUri
            ApiUri     = $Sandbox.ApiUri
        }
    }

    AfterAll {
        Remove-PsaMappingCredential
    }

    It 'lets a later session connect by itself after Connect-SophosCentral -Save' {
        $saved = Invoke-InNewSession -Parameters $SessionParameters -Script @'
param($Credential, $AuthUri, $ApiUri)
$null = Connect-SophosCentral -Credential $Credential -AuthUri $AuthUri -ApiUri $ApiUri -Save -ErrorAction Stop
'@
        $saved.Terminating | Should -BeNullOrEmpty

        $later = Invoke-InNewSession -Script "Get-SophosCustomer -Name 'Contoso Ltd'"
        $later.Terminating | Should -BeNullOrEmpty
        @($later.Output).Count | Should -Be 1
    }

    It 'is not connected again once Remove-PsaMappingCredential forgot the credential' {
        Remove-PsaMappingCredential -Service SophosCentral

        $later = Invoke-InNewSession -Script 'Get-SophosCustomer'
        $later.Terminating.FullyQualifiedErrorId | Should -Be 'SophosNotConnected,PsaMapping.Commands.GetSophosCustomerCommand'
    }
}

Describe 'Saved Autotask credentials' {
    BeforeAll {
        $CredentialsFile = Join-Path $PsaMappingHome 'credentials.json'
        $AutotaskParameters = Get-AutotaskParameters
        $SophosParameters = @{
            Credential = (New-TestCredential $Sandbox.ClientId $Sandbox.Secret)
            AuthUri    = $Sandbox.AuthUri
            ApiUri     = $Sandbox.ApiUri
        }

        # The saved Autotask section of the credentials file, $null when there is none.
        function Get-SavedAutotaskCredential {
            if (-not (Test-Path -LiteralPath $CredentialsFile)) { return $null }
            (Get-Content -LiteralPath $CredentialsFile -Raw | ConvertFrom-Json).autotask
        }

        Remove-PsaMappingCredential -Confirm:$false
    }

    AfterAll {
        Remove-PsaMappingCredential -Confirm:$false
    }

    It 'connects with Connect-Autotask -Save -WhatIf but saves nothing' {
        $result = Invoke-InNewSession -Parameters $AutotaskParameters -Script @'
param($Credential, $IntegrationCode, $ZoneUri)
$null = Connect-Autotask -Credential $Credential -IntegrationCode $IntegrationCode -ZoneUri $ZoneUri -Save -WhatIf -ErrorAction Stop
Find-AutotaskCompany 'Contoso' -First 1
'@

        $result.Terminating | Should -BeNullOrEmpty
        @($result.Output).Count | Should -Be 1
        Get-SavedAutotaskCredential | Should -BeNullOrEmpty
    }

    It 'lets a later session connect by itself after Connect-Autotask -Save' {
        $saved = Invoke-InNewSession -Parameters $AutotaskParameters -Script @'
param($Credential, $IntegrationCode, $ZoneUri)
$null = Connect-Autotask -Credential $Credential -IntegrationCode $IntegrationCode -ZoneUri $ZoneUri -Save -ErrorAction Stop
'@
        $saved.Terminating | Should -BeNullOrEmpty
        Get-SavedAutotaskCredential | Should -Not -BeNullOrEmpty
        if ($PSVersionTable.PSEdition -eq 'Core' -and -not $IsWindows -and [System.IO.File].GetMethod('GetUnixFileMode', [type[]]@([string]))) {
            # Elsewhere than Windows the secret is protected by the file's mode: its owner's only (0600 in a 0700 folder).
            [Convert]::ToString([int][System.IO.File]::GetUnixFileMode($CredentialsFile), 8) | Should -Be '600'
            [Convert]::ToString([int][System.IO.File]::GetUnixFileMode($PsaMappingHome), 8) | Should -Be '700'
        }

        $later = Invoke-InNewSession -Script "Find-AutotaskCompany 'Contoso' -First 1 -Verbose 4>&1"
        $later.Terminating | Should -BeNullOrEmpty
        $companies = @($later.Output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $verbose = @($later.Output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $companies.Count | Should -Be 1
        $companies[0].AutotaskCompanyName | Should -Be 'Contoso'
        ($verbose.Message -join "`n") | Should -Match 'saved credential'
    }

    It 'forgets only the Autotask credential with Remove-PsaMappingCredential -Service Autotask' {
        $saved = Invoke-InNewSession -Parameters $SophosParameters -Script @'
param($Credential, $AuthUri, $ApiUri)
$null = Connect-SophosCentral -Credential $Credential -AuthUri $AuthUri -ApiUri $ApiUri -Save -ErrorAction Stop
'@
        $saved.Terminating | Should -BeNullOrEmpty
        $null = Connect-AutotaskSandbox -Save

        Remove-PsaMappingCredential -Service Autotask -Confirm:$false

        $autotask = Invoke-InNewSession -Script "Find-AutotaskCompany 'x'"
        $autotask.Terminating.FullyQualifiedErrorId | Should -Be 'AutotaskNotConnected,PsaMapping.Commands.FindAutotaskCompanyCommand'
        $sophos = Invoke-InNewSession -Script "Get-SophosCustomer -Name 'Contoso Ltd'"
        $sophos.Terminating | Should -BeNullOrEmpty
        @($sophos.Output).Count | Should -Be 1
    }

    It 'keeps the old credential working when Update-AutotaskCredential is given a wrong secret' {
        $null = Connect-AutotaskSandbox -Save
        $savedBefore = Get-Content -LiteralPath $CredentialsFile -Raw
        $wrongSecret = 'canary-not-the-secret'

        $errorRecord = { Update-AutotaskCredential -Credential (New-TestCredential $Sandbox.AutotaskUser $wrongSecret) -Confirm:$false } |
            Should -Throw -ErrorId 'AutotaskSecretRejected,PsaMapping.Commands.UpdateAutotaskCredentialCommand' -PassThru

        ($errorRecord.ToString() + $errorRecord.Exception) | Should -Not -Match ([regex]::Escape($wrongSecret))
        Get-Content -LiteralPath $CredentialsFile -Raw | Should -Be $savedBefore
        @(Find-AutotaskCompany 'Contoso' -First 1 -ErrorAction Stop).Count | Should -Be 1
        $fresh = Invoke-InNewSession -Script "Find-AutotaskCompany 'Contoso' -First 1"
        $fresh.Terminating | Should -BeNullOrEmpty
        @($fresh.Output).Count | Should -Be 1
    }
}

Describe 'Set-PsaMapping' {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
        $Customers = @(Get-SophosCustomer)

        function Get-CustomerId([string]$Name) {
            @($Customers | Where-Object { $_.SophosCustomerName -eq $Name })[0].SophosCustomerId
        }
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'saves one mapping given by names and says so as the Sophos page does' {
        $info = $null
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso' -Contract 'Sophos MSP - Contoso' -SyncEnabled $true -InformationVariable info -ErrorAction Stop

        Get-InformationText $info | Should -Contain 'Saved 1 mapping (1 new, 0 changed; 0 already as given).'
        $rows = @(Get-PsaMapping)
        $rows.Count | Should -Be 1
        $rows[0].SophosCustomerId | Should -Be (Get-CustomerId 'Contoso Ltd')
        $rows[0].AutotaskCompanyId | Should -Be 1001
        $rows[0].ContractId | Should -Be 100001
        $rows[0].ContractName | Should -Be 'Sophos MSP - Contoso'
        $rows[0].SyncEnabled | Should -Be $true
        Join-Path $StoreFolder 'mappings.json' | Should -Exist
    }

    It 'maps each customer to a contract of its best company through the composed pipeline' {
        Get-SophosCustomer -Name 'Fabrikam*' | Find-AutotaskCompany -First 1 | Find-AutotaskContract | Where-Object SupportsUsageSync |
            Set-PsaMapping -SyncEnabled $true -WarningAction SilentlyContinue -ErrorAction Stop

        $rows = @(Get-PsaMapping)
        $rows.Count | Should -Be @(Get-SophosCustomer -Name 'Fabrikam*').Count
        @($rows | Where-Object { $_.SophosCustomerName -eq 'Fabrikam, Inc.' })[0].ContractId | Should -Be 100006
        @($rows | Where-Object { -not $_.SyncEnabled }).Count | Should -Be 0
    }

    It 'refuses a customer Sophos Central does not have, naming the row, and still saves the other rows' {
        $unknown = [guid]::NewGuid().ToString()
        $refused = $null
        @(
            [pscustomobject]@{ SophosCustomerId = $unknown; ContractId = 100001 }
            [pscustomobject]@{ SophosCustomerId = (Get-CustomerId 'Contoso Ltd').ToString(); ContractId = 100001 }
        ) | Set-PsaMapping -ErrorAction SilentlyContinue -ErrorVariable refused -WarningAction SilentlyContinue

        @($refused).Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -Be 'SophosCustomerNotFound,PsaMapping.Commands.SetPsaMappingCommand'
        [string]$refused[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $refused[0].TargetObject.SophosCustomerId | Should -Be $unknown
        @(Get-PsaMapping).Count | Should -Be 1
    }

    It 'refuses <Case> with <ErrorId> (<Category>) and saves nothing' -TestCases @(
        @{ Case = 'a customer name Sophos Central does not have'; ErrorId = 'SophosCustomerNotFound'; Category = 'ObjectNotFound'; Message = 'Get-SophosCustomer'
           Arguments = @{ SophosCustomer = 'No Such Customer Ltd'; ContractId = 100001 } }
        @{ Case = 'an inactive company'; ErrorId = 'AutotaskCompanyInactive'; Category = 'InvalidArgument'; Message = 'is inactive'
           Arguments = @{ SophosCustomer = 'Old Customer Ltd'; AutotaskCompanyId = 1011; ContractId = 100016 } }
        @{ Case = 'a company that does not exist'; ErrorId = 'AutotaskCompanyNotFound'; Category = 'ObjectNotFound'; Message = 'no company with id 999999'
           Arguments = @{ SophosCustomer = 'Contoso Ltd'; AutotaskCompanyId = 999999; ContractId = 100001 } }
        @{ Case = 'a contract of another company'; ErrorId = 'ContractNotOfCompany'; Category = 'InvalidArgument'; Message = "'Contoso' (id 1001)"
           Arguments = @{ SophosCustomer = 'Contoso Ltd'; AutotaskCompany = 'Contoso Ltd'; ContractId = 100001 } }
        @{ Case = 'a cancelled contract'; ErrorId = 'ContractCancelled'; Category = 'InvalidArgument'; Message = 'cancelled'
           Arguments = @{ SophosCustomer = 'Contoso Ltd'; AutotaskCompany = 'Contoso'; Contract = 'Contoso Firewall 2023' } }
        @{ Case = 'a contract name several contracts have'; ErrorId = 'ContractAmbiguous'; Category = 'InvalidArgument'; Message = 'id 100005'
           Arguments = @{ SophosCustomer = 'Contoso Ltd'; Contract = 'Sophos MSP' } }
        @{ Case = 'a row without a contract'; ErrorId = 'MappingContractMissing'; Category = 'InvalidArgument'; Message = 'names no Autotask contract'
           Arguments = @{ SophosCustomer = 'Contoso Ltd'; AutotaskCompany = 'Contoso' } }
    ) {
        $refused = $null
        Set-PsaMapping @Arguments -ErrorAction SilentlyContinue -ErrorVariable refused

        @($refused).Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -Be "$ErrorId,PsaMapping.Commands.SetPsaMappingCommand"
        [string]$refused[0].CategoryInfo.Category | Should -Be $Category
        $refused[0].Exception.Message | Should -Match ([regex]::Escape($Message))
        @(Get-PsaMapping).Count | Should -Be 0
        Join-Path $StoreFolder 'mappings.json' | Should -Not -Exist
    }

    It 'lists every candidate with its id when a contract name is ambiguous' {
        $refused = $null
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -Contract 'Sophos MSP' -ErrorAction SilentlyContinue -ErrorVariable refused

        $refused[0].Exception.Message | Should -Match 'id 100005'
        $refused[0].Exception.Message | Should -Match 'id 100006'
        $refused[0].Exception.Message | Should -Match 'ContractId'
    }

    It 'accepts <Case> with a warning' -TestCases @(
        @{ Case = 'an expired contract'; Warning = 'ended on'
           Arguments = @{ SophosCustomer = 'Contoso Ltd'; AutotaskCompany = 'Contoso'; Contract = 'Contoso Backup' } }
        @{ Case = 'a contract name another contract has'; Warning = "The contract name 'Sophos MSP' is used by"
           Arguments = @{ SophosCustomer = 'Fabrikam, Inc.'; AutotaskCompanyId = 1003; Contract = 'Sophos MSP' } }
        @{ Case = 'sync on a contract that is not Recurring Service'; Warning = 'Recurring Service'
           Arguments = @{ SophosCustomer = 'Contoso Ltd'; AutotaskCompany = 'Contoso'; Contract = 'Contoso Managed Services'; SyncEnabled = $true } }
    ) {
        $warnings = $null
        Set-PsaMapping @Arguments -WarningAction SilentlyContinue -WarningVariable warnings -ErrorAction Stop

        (@($warnings) -join "`n") | Should -Match ([regex]::Escape($Warning))
        @(Get-PsaMapping).Count | Should -Be 1
    }

    It 'does not warn about the contract type when sync is off' {
        $warnings = $null
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso' -Contract 'Contoso Managed Services' -SyncEnabled $false -WarningAction SilentlyContinue -WarningVariable warnings -ErrorAction Stop

        (@($warnings) -join "`n") | Should -Not -Match 'Recurring Service'
    }

    It 'allows two customers on one contract, with a warning that their usage is billed together' {
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -WarningAction SilentlyContinue -ErrorAction Stop
        $warnings = $null
        Set-PsaMapping -SophosCustomer 'Contoso Ltd.' -ContractId 100001 -WarningAction SilentlyContinue -WarningVariable warnings -ErrorAction Stop

        (@($warnings) -join "`n") | Should -Match ([regex]::Escape("(id 100001) is mapped to 2 customers, including 'Contoso Ltd.'"))
        @(Get-PsaMapping).Count | Should -Be 2
    }

    It 'keeps one mapping per customer and says whether it changed' {
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -WarningAction SilentlyContinue -ErrorAction Stop
        $changed = $null
        $unchanged = $null
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100004 -InformationVariable changed -WarningAction SilentlyContinue -ErrorAction Stop
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100004 -InformationVariable unchanged -WarningAction SilentlyContinue -ErrorAction Stop

        (@(Get-InformationText $changed) -join "`n") | Should -Match ([regex]::Escape('Saved 1 mapping (0 new, 1 changed; 0 already as given).'))
        Get-InformationText $unchanged | Should -Contain 'Nothing to save: the mapping is saved as given.'
        $rows = @(Get-PsaMapping)
        $rows.Count | Should -Be 1
        $rows[0].ContractId | Should -Be 100004
    }

    It 'reads SyncEnabled as a spreadsheet writes it, and refuses only the row whose value is not a yes or no' {
        $path = Join-Path $TestDrive 'sync-values.csv'
        [System.IO.File]::WriteAllLines($path, [string[]]@(
                '"SophosCustomerName","ContractId","SyncEnabled"'
                '"Contoso Ltd","100001","True"'
                '"Fabrikam, Inc.","100006","no"'
                '"Fabrikam Residences","100008","1"'
                '"Adventure Works LLC","100014","maybe"'
            ))
        $refused = $null
        Import-Csv -LiteralPath $path | Set-PsaMapping -ErrorAction SilentlyContinue -ErrorVariable refused -WarningAction SilentlyContinue

        @($refused).Count | Should -Be 1
        $refused[0].Exception.Message | Should -Match 'is not a yes or no'
        $sync = @{}
        Get-PsaMapping | ForEach-Object { $sync[$_.SophosCustomerName] = $_.SyncEnabled }
        $sync.Count | Should -Be 3
        $sync['Contoso Ltd'] | Should -Be $true
        $sync['Fabrikam, Inc.'] | Should -Be $false
        $sync['Fabrikam Residences'] | Should -Be $true
    }

    It 'checks the rows with -WhatIf but writes nothing and claims nothing' {
        $info = $null
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -WhatIf -InformationVariable info -ErrorAction Stop

        @(Get-PsaMapping).Count | Should -Be 0
        Join-Path $StoreFolder 'mappings.json' | Should -Not -Exist
        @(Get-InformationText $info | Where-Object { $_ -like 'Saved*' }).Count | Should -Be 0
    }

    It 'outputs the saved mappings with -PassThru' {
        $saved = @(Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -PassThru -ErrorAction Stop)

        $saved.Count | Should -Be 1
        $saved[0].ContractId | Should -Be 100001
        $saved[0].PSObject.TypeNames | Should -Contain 'PsaMapping.Engine.Mapping.MappingRow'
    }

    It 'checks a pipeline of 1,000 rows with a bounded number of requests' {
        $activeCompanies = @{}
        Find-AutotaskCompany | ForEach-Object { $activeCompanies[$_.AutotaskCompanyId] = $true }
        $contracts = @(Find-AutotaskContract | Where-Object { $activeCompanies.ContainsKey($_.AutotaskCompanyId) })
        # 1,000 rows over the customers, so each customer comes several times (the last row is kept).
        $rows = for ($i = 0; $i -lt 1000; $i++) {
            [pscustomobject]@{
                SophosCustomerId = $Customers[$i % $Customers.Count].SophosCustomerId
                ContractId       = $contracts[$i % $contracts.Count].ContractId
            }
        }
        $refused = $null

        $all = @($rows | Set-PsaMapping -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable refused -Verbose 4>&1)

        Get-RequestCount $all | Should -BeLessOrEqual 25 -Because 'everything is fetched in bulk, never one request per row'
        @($refused).Count | Should -Be 0
        @(Get-PsaMapping).Count | Should -Be $Sandbox.TenantCount
    }
}

Describe 'Get-PsaMapping' {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -SyncEnabled $true -WarningAction SilentlyContinue -ErrorAction Stop
        Set-PsaMapping -SophosCustomer 'Fabrikam, Inc.' -ContractId 100006 -WarningAction SilentlyContinue -ErrorAction Stop
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'reads the saved mappings in a session that is not connected, without a request, and filters them' {
        $result = Invoke-InNewSession -Script @'
[pscustomobject]@{
    All      = @(Get-PsaMapping -Verbose 4>&1)
    Synced   = @(Get-PsaMapping -SyncEnabled $true)
    Fabrikam = @(Get-PsaMapping 'fab*')
}
'@

        $result.Terminating | Should -BeNullOrEmpty
        @($result.Errors).Count | Should -Be 0
        $found = $result.Output[0]
        @($found.All | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -Be 2
        Get-RequestCount $found.All | Should -Be 0
        @($found.Synced | ForEach-Object { $_.SophosCustomerName }) | Should -Be @('Contoso Ltd')
        @($found.Fabrikam | ForEach-Object { $_.SophosCustomerName }) | Should -Be @('Fabrikam, Inc.')
    }

    It 'shows the whole page with -IncludeUnmapped, a blank row for each customer without a mapping' {
        $rows = @(Get-PsaMapping -IncludeUnmapped)

        $rows.Count | Should -Be $Sandbox.TenantCount
        @($rows | Where-Object { $_.IsMapped }).Count | Should -Be 2
        $blank = @($rows | Where-Object { -not $_.IsMapped })[0]
        $blank.SophosCustomerName | Should -Not -BeNullOrEmpty
        $blank.AutotaskCompanyId | Should -BeNullOrEmpty
        $blank.ContractName | Should -BeNullOrEmpty
    }

    It 'reports a mapping file it cannot read (<Case>) and never overwrites it' -TestCases @(
        @{ Case = 'not JSON'; Content = '{ this is not json'; ErrorId = 'MappingFileUnreadable' }
        @{ Case = 'written by a newer version'; Content = '{ "schemaVersion": 99, "revision": 1, "mappings": [] }'; ErrorId = 'MappingFileNewer' }
    ) {
        $file = Join-Path $StoreFolder 'mappings.json'
        [System.IO.File]::WriteAllText($file, $Content)

        { Get-PsaMapping } | Should -Throw -ErrorId "$ErrorId,PsaMapping.Commands.GetPsaMappingCommand"
        { Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 } | Should -Throw -ErrorId "$ErrorId,PsaMapping.Commands.SetPsaMappingCommand"
        { Remove-PsaMapping 'Contoso Ltd' -Confirm:$false } | Should -Throw -ErrorId "$ErrorId,PsaMapping.Commands.RemovePsaMappingCommand"
        [System.IO.File]::ReadAllText($file) | Should -Be $Content
    }
}

Describe 'Remove-PsaMapping and Get-PsaMappingHistory' {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -WarningAction SilentlyContinue -ErrorAction Stop
        Set-PsaMapping -SophosCustomer 'Fabrikam, Inc.' -ContractId 100006 -WarningAction SilentlyContinue -ErrorAction Stop
        Set-PsaMapping -SophosCustomer 'Fabrikam Residences' -ContractId 100008 -WarningAction SilentlyContinue -ErrorAction Stop
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'removes nothing with -WhatIf, then removes by name and from the pipeline' {
        Remove-PsaMapping 'Contoso Ltd' -WhatIf
        @(Get-PsaMapping).Count | Should -Be 3

        $info = $null
        Remove-PsaMapping 'Contoso Ltd' -Confirm:$false -InformationVariable info -ErrorAction Stop
        Get-InformationText $info | Should -Contain 'Removed 1 mappings.'
        Get-PsaMapping 'Fabrikam R*' | Remove-PsaMapping -Confirm:$false -ErrorAction Stop

        @(Get-PsaMapping | ForEach-Object { $_.SophosCustomerName }) | Should -Be @('Fabrikam, Inc.')
    }

    It 'reports a name that has no mapping as not found and removes the others' {
        $missing = $null
        Remove-PsaMapping 'Old Customer', 'Contoso Ltd' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable missing

        @($missing).Count | Should -Be 1
        $missing[0].FullyQualifiedErrorId | Should -Be 'MappingNotFound,PsaMapping.Commands.RemovePsaMappingCommand'
        [string]$missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $missing[0].TargetObject | Should -Be 'Old Customer'
        @(Get-PsaMapping).Count | Should -Be 2
    }

    It 'records every saved change with who made it, before and after' {
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100004 -WarningAction SilentlyContinue -ErrorAction Stop
        Remove-PsaMapping 'Contoso Ltd' -Confirm:$false -ErrorAction Stop

        $history = @(Get-PsaMappingHistory 'Contoso Ltd')

        @($history | ForEach-Object { [string]$_.Kind }) | Should -Be @('Added', 'Changed', 'Removed')
        $history[1].Before.ContractId | Should -Be 100001
        $history[1].After.ContractId | Should -Be 100004
        $history[1].Who | Should -Not -BeNullOrEmpty
        $history[2].After | Should -BeNullOrEmpty
        @(Get-PsaMappingHistory -Last 1).Count | Should -Be 1
        @(Get-PsaMapping 'Fabrikam, Inc.' | Get-PsaMappingHistory | ForEach-Object { [string]$_.Kind }) | Should -Be @('Added')
    }
}

Describe 'Get-PsaMapping | Export-Csv, then Import-Csv | Set-PsaMapping' {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
        $Mueller = 'M' + [char]0x00FC + 'ller Maschinenbau GmbH' # kept out of the file for Windows PowerShell 5.1
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -SyncEnabled $true -WarningAction SilentlyContinue -ErrorAction Stop
        Set-PsaMapping -SophosCustomer 'Fabrikam, Inc.' -ContractId 100006 -WarningAction SilentlyContinue -ErrorAction Stop
        Set-PsaMapping -SophosCustomer $Mueller -AutotaskCompanyId 1005 -Contract 'Sophos MSP - Mueller Maschinenbau' -WarningAction SilentlyContinue -ErrorAction Stop
        $Original = @(Get-PsaMapping)
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'reproduces the seven mapping properties exactly in an empty store' {
        $Original.Count | Should -Be 3
        $path = Join-Path $TestDrive ('mappings-' + [guid]::NewGuid().ToString('N') + '.csv')
        Get-PsaMapping | Export-Csv $path -NoTypeInformation

        $null = Use-EmptyStore $TestDrive
        @(Get-PsaMapping).Count | Should -Be 0
        # Ids win over names, so even Windows PowerShell 5.1's ASCII Export-Csv (which loses the umlaut) round-trips.
        Import-Csv $path | Set-PsaMapping -WarningAction SilentlyContinue -ErrorAction Stop

        @(ConvertTo-MappingText @(Get-PsaMapping)) | Should -Be @(ConvertTo-MappingText $Original)
    }

    It 'imports an exported page with its blank rows (-IncludeUnmapped) as the same mappings' {
        $path = Join-Path $TestDrive ('page-' + [guid]::NewGuid().ToString('N') + '.csv')
        Get-PsaMapping -IncludeUnmapped | Export-Csv $path -NoTypeInformation
        @(Import-Csv $path).Count | Should -Be $Sandbox.TenantCount

        $null = Use-EmptyStore $TestDrive
        $refused = $null
        Import-Csv $path | Set-PsaMapping -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable refused

        @($refused).Count | Should -Be 0
        @(ConvertTo-MappingText @(Get-PsaMapping)) | Should -Be @(ConvertTo-MappingText $Original)
    }

    It 'changes nothing when the export is imported back into the same store' {
        $path = Join-Path $TestDrive ('same-' + [guid]::NewGuid().ToString('N') + '.csv')
        Get-PsaMapping | Export-Csv $path -NoTypeInformation
        $info = $null

        Import-Csv $path | Set-PsaMapping -InformationVariable info -WarningAction SilentlyContinue -ErrorAction Stop

        Get-InformationText $info | Should -Contain 'Nothing to save: all 3 mappings are saved as given.'
        @(Get-PsaMappingHistory).Count | Should -Be 3
    }
}

Describe 'Test-PsaMapping and Update-PsaMapping' {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
        $Customers = @(Get-SophosCustomer)

        function Get-CustomerId([string]$Name) {
            @($Customers | Where-Object { $_.SophosCustomerName -eq $Name })[0].SophosCustomerId
        }

        # One mapping as mappings.json holds it.
        function New-MappingRow($CustomerId, [string]$CustomerName, [long]$CompanyId, [string]$CompanyName, [long]$ContractId, [string]$ContractName, [bool]$Sync = $false) {
            @{
                sophosCustomerId    = [string]$CustomerId
                sophosCustomerName  = $CustomerName
                autotaskCompanyId   = $CompanyId
                autotaskCompanyName = $CompanyName
                contractId          = $ContractId
                contractName        = $ContractName
                syncEnabled         = $Sync
            }
        }

        # A mapping file written by hand, to hold mappings that Set-PsaMapping would refuse.
        function Write-MappingFile([object[]]$Rows) {
            $null = New-Item -ItemType Directory -Path $env:PSAMAPPING_HOME -Force
            $json = @{ schemaVersion = 1; revision = 1; mappings = @($Rows) } | ConvertTo-Json -Depth 5
            [System.IO.File]::WriteAllText((Join-Path $env:PSAMAPPING_HOME 'mappings.json'), $json)
        }

        function Get-ProblemKind([object[]]$Problems, [string]$Customer) {
            @($Problems | Where-Object { $_.SophosCustomerName -eq $Customer } | ForEach-Object { $_.Problem })
        }
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'reports each kind of problem with its severity and how to fix it' {
        Write-MappingFile @(
            (New-MappingRow ([guid]::NewGuid()) 'Vanished GmbH' 1001 'Contoso' 100001 'Sophos MSP - Contoso')
            (New-MappingRow (Get-CustomerId 'Contoso Ltd') 'Contoso Ltd' 1001 'Contoso (old name)' 100003 'Contoso Firewall 2023')
            (New-MappingRow (Get-CustomerId 'Contoso Ltd.') 'Contoso Ltd.' 1001 'Contoso' 100004 'Contoso Backup')
            (New-MappingRow (Get-CustomerId 'Contoso Group Ltd') 'Contoso Group Ltd' 1002 'Contoso Ltd' 100001 'Sophos MSP - Contoso')
            (New-MappingRow (Get-CustomerId 'Fabrikam, Inc.') 'Fabrikam, Inc.' 1003 'Fabrikam, Inc.' 100007 'Fabrikam Block Hours' $true)
            (New-MappingRow (Get-CustomerId 'Fabrikam Inc') 'Fabrikam Inc' 1003 'Fabrikam, Inc.' 100006 'Sophos MSP')
            (New-MappingRow (Get-CustomerId 'Old Customer Ltd') 'Old Customer Ltd' 1011 'Old Customer Ltd' 100016 'Sophos MSP - Old Customer')
            (New-MappingRow (Get-CustomerId 'Tailspin Toys Pty Ltd') 'Tailspin Toys Pty Ltd' 987654 'Deleted Company' 987654 'Deleted Contract')
        )

        $problems = @(Test-PsaMapping -ErrorAction Stop)

        Get-ProblemKind $problems 'Vanished GmbH' | Should -Contain 'CustomerGone'
        Get-ProblemKind $problems 'Vanished GmbH' | Should -Contain 'SharedContract'
        Get-ProblemKind $problems 'Contoso Ltd' | Should -Contain 'CompanyRenamed'
        Get-ProblemKind $problems 'Contoso Ltd' | Should -Contain 'ContractCancelled'
        Get-ProblemKind $problems 'Contoso Ltd.' | Should -Contain 'ContractExpired'
        Get-ProblemKind $problems 'Contoso Group Ltd' | Should -Contain 'ContractMoved'
        Get-ProblemKind $problems 'Fabrikam, Inc.' | Should -Contain 'SyncOnNonRecurring'
        Get-ProblemKind $problems 'Fabrikam Inc' | Should -Contain 'DuplicateContractName'
        Get-ProblemKind $problems 'Old Customer Ltd' | Should -Contain 'CompanyInactive'
        Get-ProblemKind $problems 'Tailspin Toys Pty Ltd' | Should -Contain 'CompanyGone'
        Get-ProblemKind $problems 'Tailspin Toys Pty Ltd' | Should -Contain 'ContractGone'
        Get-ProblemKind $problems 'Northwind Traders S.A.' | Should -Contain 'Unmapped'

        $cancelled = @($problems | Where-Object { $_.Problem -eq 'ContractCancelled' -and $_.SophosCustomerName -eq 'Contoso Ltd' })[0]
        [string]$cancelled.Severity | Should -Be 'Error'
        $cancelled.HowToFix | Should -Match 'Find-AutotaskContract'
        [string]@($problems | Where-Object { $_.Problem -eq 'ContractExpired' })[0].Severity | Should -Be 'Warning'
        [string]@($problems | Where-Object { $_.Problem -eq 'Unmapped' })[0].Severity | Should -Be 'Information'
        [string]@($problems | Where-Object { $_.Problem -eq 'CustomerGone' })[0].HowToFix | Should -Match 'Remove-PsaMapping'
    }

    It 'answers -Quiet with $false when a mapping has an error and $true when none has' {
        Write-MappingFile @((New-MappingRow (Get-CustomerId 'Contoso Ltd') 'Contoso Ltd' 1001 'Contoso' 100003 'Contoso Firewall 2023'))
        $answer = @(Test-PsaMapping -Quiet -ErrorAction Stop)
        $answer.Count | Should -Be 1
        $answer[0] | Should -BeOfType [bool]
        $answer[0] | Should -Be $false

        Write-MappingFile @((New-MappingRow (Get-CustomerId 'Contoso Ltd') 'Contoso Ltd' 1001 'Contoso' 100001 'Sophos MSP - Contoso' $true))
        @(Test-PsaMapping -Quiet -ErrorAction Stop) | Should -Be @($true)
    }

    It 'refreshes renamed names with Update-PsaMapping and changes nothing else' {
        Write-MappingFile @(
            (New-MappingRow (Get-CustomerId 'Contoso Ltd') 'Contoso Limited (old)' 1001 'Contoso (old name)' 100001 'Sophos MSP (old)' $true)
            (New-MappingRow (Get-CustomerId 'Fabrikam, Inc.') 'Fabrikam, Inc.' 1003 'Fabrikam, Inc.' 100006 'Sophos MSP')
        )

        Update-PsaMapping -WhatIf
        @(Test-PsaMapping | ForEach-Object { $_.Problem }) | Should -Contain 'CompanyRenamed'

        $info = $null
        $refreshed = @(Update-PsaMapping -Confirm:$false -PassThru -InformationVariable info -ErrorAction Stop)

        Get-InformationText $info | Should -Contain 'Refreshed the names in 1 mappings.'
        $refreshed.Count | Should -Be 1
        $row = @(Get-PsaMapping 'Contoso Ltd')
        $row.Count | Should -Be 1
        $row[0].AutotaskCompanyName | Should -Be 'Contoso'
        $row[0].ContractName | Should -Be 'Sophos MSP - Contoso'
        $row[0].ContractId | Should -Be 100001
        $row[0].SyncEnabled | Should -Be $true
        @(Test-PsaMapping | Where-Object { $_.Problem -like '*Renamed' }).Count | Should -Be 0
    }

    It 'checks 200 mappings with a handful of requests' {
        $contracts = @(Find-AutotaskContract)
        $rows = for ($i = 0; $i -lt 200; $i++) {
            $contract = $contracts[$i % $contracts.Count]
            New-MappingRow $Customers[$i].SophosCustomerId $Customers[$i].SophosCustomerName $contract.AutotaskCompanyId 'x' $contract.ContractId $contract.ContractName
        }
        Write-MappingFile $rows

        $all = @(Test-PsaMapping -Verbose 4>&1)

        @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 0
        Get-RequestCount $all | Should -BeLessOrEqual 6 -Because 'the customer list is cached in the session and the rest is fetched in bulk'
    }
}

Describe 'Get-PsaMappingSuggestion' {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
        $Customers = @(Get-SophosCustomer)

        # The suggestions for one customer name (none, or one).
        function Get-SuggestionFor([object[]]$Suggestions, [string]$Customer) {
            @($Suggestions | Where-Object { $_.SophosCustomerName -eq $Customer })
        }
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'suggests a company for every unmapped customer, with a score, a confidence, a runner-up and a reason' {
        $suggestions = @(Get-PsaMappingSuggestion -ErrorAction Stop)

        $suggestions.Count | Should -Be $Sandbox.TenantCount
        $suggested = @{}
        foreach ($suggestion in $suggestions) { $suggested[[string]$suggestion.SophosCustomerId] = $true }
        foreach ($customer in $Customers) {
            $suggested.ContainsKey([string]$customer.SophosCustomerId) | Should -BeTrue -Because "$($customer.SophosCustomerName) has no mapping"
        }
        foreach ($suggestion in $suggestions) {
            $suggestion.Score | Should -BeGreaterOrEqual 0
            $suggestion.Score | Should -BeLessOrEqual 1
            [string]$suggestion.Confidence | Should -BeIn @('High', 'Medium', 'Low', 'None')
            $suggestion.Reason | Should -Not -BeNullOrEmpty
        }
        @($suggestions | Where-Object { $null -ne $_.RunnerUpCompanyName }).Count | Should -BeGreaterThan 0

        $northwind = @(Get-SuggestionFor $suggestions 'Northwind Traders S.A.')
        $northwind.Count | Should -Be 1
        $northwind[0].AutotaskCompanyId | Should -Be 1006
        [string]$northwind[0].Confidence | Should -Be 'High'
        $northwind[0].ContractName | Should -Be 'Managed Security - Northwind'

        # Written with [char] so that Windows PowerShell 5.1 reads this file the same without a BOM.
        $mueller = @(Get-SuggestionFor $suggestions ('M{0}ller Maschinenbau GmbH' -f [char]0x00FC))
        $mueller.Count | Should -Be 1
        $mueller[0].AutotaskCompanyName | Should -Be 'Mueller Maschinenbau GmbH'
        $mueller[0].Reason | Should -Match 'transliteration'
    }

    It 'saves the High suggestions piped into Set-PsaMapping, each with its suggested company and contract' {
        $high = @(Get-PsaMappingSuggestion -ErrorAction Stop | Where-Object Confidence -eq 'High')
        $high.Count | Should -BeGreaterThan ($Sandbox.TenantCount / 2)

        Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High' | Set-PsaMapping -SyncEnabled $true -WarningAction SilentlyContinue -ErrorAction Stop

        $rows = @(Get-PsaMapping)
        $rows.Count | Should -Be $high.Count
        $suggested = @{}
        foreach ($suggestion in $high) { $suggested[[string]$suggestion.SophosCustomerId] = $suggestion }
        foreach ($row in $rows) {
            $suggestion = $suggested[[string]$row.SophosCustomerId]
            $suggestion | Should -Not -BeNullOrEmpty
            $row.AutotaskCompanyId | Should -Be $suggestion.AutotaskCompanyId
            $row.ContractId | Should -Be $suggestion.ContractId
            $row.SyncEnabled | Should -Be $true
        }
        @($rows | Where-Object { $_.SophosCustomerName -eq 'Northwind Traders S.A.' })[0].AutotaskCompanyId | Should -Be 1006
        @($rows | Where-Object { $_.SophosCustomerName -eq 'Fabrikam Residences' })[0].ContractId | Should -Be 100008
        @($rows | Where-Object { $_.SophosCustomerName -eq 'Contoso Ltd' }).Count | Should -Be 0
        @(Get-PsaMappingSuggestion -ErrorAction Stop | Where-Object Confidence -eq 'High').Count | Should -Be 0 -Because 'the High ones are mapped now'
    }

    It 'does not pick either of two companies within the margin with High confidence (Contoso Ltd)' {
        # The customer 'Contoso Ltd' is the company 'Contoso'; the company 'Contoso Ltd' is another business.
        $contoso = @(Get-SuggestionFor @(Get-PsaMappingSuggestion -ErrorAction Stop) 'Contoso Ltd')

        $contoso.Count | Should -Be 1
        [string]$contoso[0].Confidence | Should -Not -Be 'High'
        @($contoso[0].AutotaskCompanyName, $contoso[0].RunnerUpCompanyName) | Should -Contain 'Contoso'
        $contoso[0].RunnerUpScore | Should -Not -BeNullOrEmpty
    }

    It 'leaves mapped customers out unless -IncludeMapped is given' {
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -WarningAction SilentlyContinue -ErrorAction Stop

        $unmapped = @(Get-PsaMappingSuggestion -ErrorAction Stop)
        $unmapped.Count | Should -Be ($Sandbox.TenantCount - 1)
        @(Get-SuggestionFor $unmapped 'Contoso Ltd').Count | Should -Be 0

        $all = @(Get-PsaMappingSuggestion -IncludeMapped -ErrorAction Stop)
        $all.Count | Should -Be $Sandbox.TenantCount
        $included = @(Get-SuggestionFor $all 'Contoso Ltd')
        $included.Count | Should -Be 1
        $included[0].IsMapped | Should -BeTrue
        @($all | Where-Object { $_.IsMapped }).Count | Should -Be 1
    }

    It 'suggests for the customers piped from Get-SophosCustomer or given by id' {
        $fabrikam = @(Get-SophosCustomer -Name 'Fabrikam*')
        $fabrikam.Count | Should -BeGreaterThan 1

        $piped = @(Get-SophosCustomer -Name 'Fabrikam*' | Get-PsaMappingSuggestion -ErrorAction Stop)
        $piped.Count | Should -Be $fabrikam.Count
        foreach ($suggestion in $piped) { $suggestion.SophosCustomerName | Should -BeLike 'Fabrikam*' }

        $byId = @(Get-PsaMappingSuggestion -SophosCustomerId $fabrikam[0].SophosCustomerId, $fabrikam[1].SophosCustomerId -ErrorAction Stop)
        $byId.Count | Should -Be 2

        Set-PsaMapping -SophosCustomer 'Fabrikam, Inc.' -ContractId 100006 -WarningAction SilentlyContinue -ErrorAction Stop
        $withMapped = @(Get-SophosCustomer -Name 'Fabrikam*' | Get-PsaMappingSuggestion -IncludeMapped -ErrorAction Stop)
        $withMapped.Count | Should -Be $fabrikam.Count
        @($withMapped | Where-Object { $_.IsMapped } | ForEach-Object { $_.SophosCustomerName }) | Should -Be @('Fabrikam, Inc.')
    }

    It 'leaves out the suggestions that score below -MinimumScore and refuses a score outside 0 to 1' {
        $all = @(Get-PsaMappingSuggestion -ErrorAction Stop)
        $strong = @(Get-PsaMappingSuggestion -MinimumScore 0.9 -ErrorAction Stop)

        $strong.Count | Should -BeGreaterThan 0
        $strong.Count | Should -BeLessThan $all.Count
        $strong.Count | Should -Be @($all | Where-Object { $_.Score -ge 0.9 }).Count
        foreach ($suggestion in $strong) {
            $suggestion.Score | Should -BeGreaterOrEqual 0.9
            [string]$suggestion.Confidence | Should -BeIn @('High', 'Medium')
        }
        { Get-PsaMappingSuggestion -MinimumScore 1.5 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PsaMapping.Commands.GetPsaMappingSuggestionCommand'
    }

    It 'costs the same few requests for a few customers as for all of them, never one per customer' {
        $null = Get-PsaMappingSuggestion -ErrorAction Stop # the customer list and the companies are now cached in the session

        $all = @(Get-PsaMappingSuggestion -Verbose 4>&1)
        $few = @(Get-SophosCustomer -Name 'Fabrikam*' | Get-PsaMappingSuggestion -Verbose 4>&1)

        Get-RequestCount $all | Should -BeGreaterThan 0 -Because 'the active contracts are read on every run'
        Get-RequestCount $all | Should -BeLessThan 10 -Because "$($Sandbox.TenantCount) customers are matched locally, not one request each"
        Get-RequestCount $few | Should -Be (Get-RequestCount $all)
        (@($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message }) -join "`n") |
            Should -Match '\d+ High, \d+ Medium, \d+ Low, \d+ None'
    }
}

Describe 'Help for <Name>' -ForEach $exportedCommands {
    BeforeAll {
        $help = Get-Help -Name $Name -Full
        $common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
        $realParameters = @((Get-Command -Name $Name).Parameters.Keys | Where-Object { $common -notcontains $_ })
        # -WhatIf and -Confirm may be documented (platyPS does) where the cmdlet supports them.
        $shouldProcessParameters = @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters |
            Where-Object { (Get-Command -Name $Name).Parameters.ContainsKey($_) })
        $documentedParameters = @($help.parameters.parameter | Where-Object { $null -ne $_ })
    }

    It 'has a written synopsis, not the generated syntax' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$Name *"
        $help.Synopsis | Should -Not -Match '<CommonParameters>'
    }

    It 'has a description' {
        (@($help.description) | ForEach-Object { $_.Text }) -join '' | Should -Not -BeNullOrEmpty
    }

    It 'has an example with code' {
        @($help.examples.example | Where-Object { $_.code -match [regex]::Escape($Name) }).Count | Should -BeGreaterThan 0
    }

    It 'documents every parameter with a description' {
        foreach ($parameter in $realParameters) {
            $documented = @($documentedParameters | Where-Object { $_.name -eq $parameter })
            $documented.Count | Should -Be 1 -Because "-$parameter must be documented once"
            (@($documented[0].description) | ForEach-Object { $_.Text }) -join '' | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It 'documents no parameter the command does not have' {
        foreach ($documented in $documentedParameters) {
            if ($shouldProcessParameters -contains $documented.name) { continue }
            $realParameters | Should -Contain $documented.name
        }
    }
}
