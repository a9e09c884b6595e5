<#
    The shared setup of every Pester file in this folder. Each file dot-sources it in its top-level BeforeAll
    and calls Stop-TestEnvironment in its AfterAll:

        BeforeAll { . (Join-Path $PSScriptRoot 'TestSetup.ps1') }
        AfterAll { Stop-TestEnvironment }

    What it does, in the caller's scope (the file's BeforeAll, so every Describe of the file sees it):
    - imports the built module from out/PsaMapping (nothing is built here: `dotnet test`, `./build.ps1 Test`
      or `./build.ps1 Build` build it first);
    - points $env:PSAMAPPING_HOME at a new temporary folder ($PsaMappingHome), never the user's store;
    - starts the sandbox (src/PsaMapping.Sandbox/bin/<configuration>/net10.0) on a free loopback port and
      describes it in $Sandbox (URIs, fake credentials, TenantCount); -SandboxArguments replaces its seed
      options ('--tenants 250 --seed 42'); with -Azurite the sandbox also starts Azurite (--azurite: the one
      installer and starter, AzuriteServer) and $Sandbox.AzuriteConnectionString says where, so that
      `Use-EmptyStore $TestDrive Table` can put a test on a table of its own;
    - defines the helpers below (Start-Sandbox and Stop-Sandbox for a Describe that needs a sandbox of its own,
      New-TestCredential, Connect-Sandbox, Connect-AutotaskSandbox, Get-AutotaskParameters, Get-AutotaskRequestCount,
      Get-RequestCount, Get-CustomerId, Use-EmptyStore, Get-AzuriteConnectionString, ConvertTo-MappingText,
      Get-InformationText, Invoke-InNewSession).

    A file whose scenarios hold on either store runs each Describe on both:
        Describe 'Set-PsaMapping on the <Store> store' -ForEach @(@{ Store = 'Folder' }, @{ Store = 'Table' }) {
            BeforeEach { $StoreFolder = Use-EmptyStore $TestDrive $Store }

    The sandbox of the configuration in $env:PSAMAPPING_CONFIGURATION is used (the runner sets it), otherwise
    the most recently built one. Written for Windows PowerShell 5.1 as well as PowerShell 7: no ternaries,
    no ?? or &&, no ::new().
#>
param(
    [string] $SandboxArguments = '--tenants 250 --seed 42',
    [switch] $Azurite
)
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

# Starts a sandbox on any free port (with --azurite, Azurite too) and describes it from what it prints on startup:
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
#   Azurite connection string: <connection string>   (with --azurite)
#   ...
#   Press Ctrl+C to stop.
# The file's own sandbox is $Sandbox; a Describe that changes the sandbox's data (a sync posts adjustments) starts
# one of its own, assigns it to $Sandbox in its BeforeAll (the helpers below use the nearest $Sandbox) and stops it
# with Stop-Sandbox in its AfterAll.
function Start-Sandbox([string]$Arguments = $SandboxArguments, [switch]$Azurite) {
    $startInfo = New-Object System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = 'dotnet'
    $startInfo.Arguments = '"{0}" --port 0 {1}' -f $SandboxDll, $Arguments
    if ($Azurite) { $startInfo.Arguments += ' --azurite' }
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.CreateNoWindow = $true
    $process = [System.Diagnostics.Process]::Start($startInfo)

    $banner = @{ Process = $process }
    # Azurite is installed with npm the first time (a fresh clone): give that its time.
    $startSeconds = 60
    if ($Azurite) { $startSeconds = 300 }
    $deadline = [DateTime]::UtcNow.AddSeconds($startSeconds)
    while (-not $banner.ContainsKey('Ready')) {
        $read = $process.StandardOutput.ReadLineAsync()
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
        elseif ($line -match '^\s*Azurite connection string\s*:\s*(\S+)') { $banner.AzuriteConnectionString = $Matches[1] }
        elseif ($line -match 'Press Ctrl\+C') { $banner.Ready = $true }
    }
    $expected = @('AuthUri', 'ApiUri', 'ClientId', 'Secret', 'TenantCount',
        'AutotaskZoneUri', 'AutotaskRestBase', 'AutotaskUser', 'AutotaskSecret', 'AutotaskIntegrationCode', 'Ready')
    if ($Azurite) { $expected += 'AzuriteConnectionString' }
    foreach ($key in $expected) {
        if (-not $banner.ContainsKey($key)) {
            Stop-Sandbox ([pscustomobject]$banner)
            throw "The sandbox ($($startInfo.Arguments)) did not print its '$key' within $startSeconds seconds of starting (its errors are above)."
        }
    }
    # Keep reading its output (warnings it logs) so the pipe never fills up and blocks it.
    $banner.Output = $process.StandardOutput.ReadToEndAsync()

    # The tenant-level credential is not printed by the sandbox: its fixed fake values (SandboxOptions).
    if (-not $banner.ContainsKey('TenantClientId')) { $banner.TenantClientId = 'sandbox-tenant-client' }
    if (-not $banner.ContainsKey('TenantSecret')) { $banner.TenantSecret = 'sandbox-tenant-secret' }
    # What Connect-Autotask -ApiUri takes: the zone's REST address, without the version (.../ATServicesRest/).
    $banner.AutotaskApiUri = $banner.AutotaskRestBase -replace 'V1\.0/?$', ''
    [pscustomobject]$banner
}

# Stops a sandbox with what it started (Azurite runs as its child process): the whole process tree.
function Stop-Sandbox($Instance) {
    $process = $Instance.Process
    if (-not $process) { return }
    if (-not $process.HasExited) {
        if ($PSVersionTable.PSEdition -eq 'Core') {
            $process.Kill($true)
        }
        else {
            # Windows PowerShell 5.1: .NET Framework's Process.Kill() stops the one process only.
            $null = & taskkill.exe /PID $process.Id /T /F 2>&1
        }
        $null = $process.WaitForExit(10000)
    }
    $process.Dispose()
}

$Sandbox = Start-Sandbox -Arguments $SandboxArguments -Azurite:$Azurite
# The file's Azurite, for every table store of the file, also when a Describe starts a sandbox of its own.
$AzuriteConnectionString = $Sandbox.AzuriteConnectionString

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

# All the requests a command made to Sophos Central and Autotask: the sum of its verbose lines
# '<service> requests made by this command: <n>.' (0 without any), but the table store's.
function Get-RequestCount([object[]]$Records) {
    $total = 0
    foreach ($record in @($Records)) {
        if ($record -is [System.Management.Automation.VerboseRecord] -and $record.Message -notmatch '^Table store' -and
            $record.Message -match ' requests made by this command: (\d+)') {
            $total += [int]$Matches[1]
        }
    }
    $total
}

# The id of the Sophos customer of this name, from $From (by default the $Customers the Describe read once with
# Get-SophosCustomer), else from Get-SophosCustomer.
function Get-CustomerId([string]$Name, [object[]]$From = $Customers) {
    if (-not $From) { $From = @(Get-SophosCustomer -ErrorAction Stop) }
    @($From | Where-Object { $_.SophosCustomerName -eq $Name })[0].SophosCustomerId
}

# The connection string of the Azurite the file's sandbox started (TestSetup.ps1 -Azurite), as Connect-PsaMappingStore takes it.
function Get-AzuriteConnectionString {
    if (-not $AzuriteConnectionString) {
        throw 'No Azurite: dot-source TestSetup.ps1 -Azurite in the file that uses a table store.'
    }
    ConvertTo-SecureString -String $AzuriteConnectionString -AsPlainText -Force
}

# Points $env:PSAMAPPING_HOME at a new, empty (not yet created) store folder under $Folder (the Describe's
# TestDrive), so each test starts with no mappings and no saved credential, and returns it. -Store Table then puts
# the mappings, history, sync log and lock in a new table of the sandbox's Azurite instead, connected with -Save as
# a team does, so that every later session (Invoke-InNewSession) uses it too; the folder holds its saved choice only.
function Use-EmptyStore([string]$Folder, [ValidateSet('Folder', 'Table')][string]$Store = 'Folder') {
    $path = Join-Path $Folder ('store-' + [guid]::NewGuid().ToString('N'))
    $env:PSAMAPPING_HOME = $path
    if ($Store -eq 'Table') {
        $null = Connect-PsaMappingStore -ConnectionString (Get-AzuriteConnectionString) -TableName ('t' + [guid]::NewGuid().ToString('N')) -Save -ErrorAction Stop
    }
    elseif ((Get-PsaMappingStore).Location -ne $path) {
        # This session used a table (or another folder) until now: back to the folder, the new one.
        $null = Connect-PsaMappingStore -Local -ErrorAction Stop
    }
    $path
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

# Stops the sandbox (and its Azurite) and puts $env:PSAMAPPING_HOME back; the file's AfterAll calls it.
function Stop-TestEnvironment {
    Stop-Sandbox $Sandbox
    $env:PSAMAPPING_HOME = $PreviousPsaMappingHome
    if ($PsaMappingHome -and (Test-Path -LiteralPath $PsaMappingHome)) {
        Remove-Item -LiteralPath $PsaMappingHome -Recurse -Force
    }
}

Import-Module -Name $Manifest -Force -ErrorAction Stop
# The module keeps a session's store choice across test files (one session runs them all): start on this file's folder.
if ((Get-PsaMappingStore).Location -ne $PsaMappingHome) {
    $null = Connect-PsaMappingStore -Local -ErrorAction Stop
}
