<#
.SYNOPSIS
    Runs the Pester suite (every *.Tests.ps1 under tests/Pester) against the built module in out/PsaMapping.
.DESCRIPTION
    The one runner of the Pester suite: `dotnet test` runs it under PowerShell 7 (tests/Pester/PsaMapping.Pester.csproj
    installs pwsh and Pester first), and the GitHub workflow runs it under Windows PowerShell 5.1. Nothing is
    built here. Writes an NUnit 3 XML result file when -ResultPath is given, prints one summary line and exits
    with 0 when every test passed, 1 otherwise (a failed test, a failed setup block, or no test at all).
    Runs in PowerShell 7 and Windows PowerShell 5.1.
.PARAMETER PesterModule
    The Pester.psd1 to import (the NuGet package's tools/Pester.psd1). Without it, the newest installed Pester 5.
.PARAMETER Path
    Test files or folders (several as one comma-separated text too); the whole folder of this script by default.
.PARAMETER ResultPath
    Where to write the NUnit 3 XML results.
.PARAMETER Configuration
    The build configuration whose sandbox the tests start (sets PSAMAPPING_CONFIGURATION).
.EXAMPLE
    pwsh tests/Pester/Invoke-PesterSuite.ps1 -Path tests/Pester/Mapping.Tests.ps1
#>
[CmdletBinding()]
param(
    [string] $PesterModule,
    [string[]] $Path = @($PSScriptRoot),
    [string] $ResultPath,
    [string] $Configuration = 'Debug',
    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string] $Verbosity = 'Normal'
)

$ErrorActionPreference = 'Stop'
# The tests run as users run PowerShell, without strict mode, even when the caller (build.ps1) has it on.
Set-StrictMode -Off

# Windows PowerShell ships Pester 3.4, which may already be loaded.
Get-Module -Name Pester | Remove-Module -Force
if ($PesterModule) {
    Import-Module -Name $PesterModule -Force
}
else {
    $installed = Get-Module -ListAvailable -Name Pester |
        Where-Object { $_.Version -ge [version]'5.0.0' } |
        Sort-Object -Property Version -Descending |
        Select-Object -First 1
    if (-not $installed) {
        $host.UI.WriteErrorLine('Pester 5 is not installed. `dotnet test` installs it by itself; or: Install-Module Pester -MinimumVersion 5.0 -Force -SkipPublisherCheck -Scope CurrentUser')
        exit 1
    }
    Import-Module -Name $installed.Path -Force
}
$pester = Get-Module -Name Pester

$pesterConfiguration = New-PesterConfiguration
# `pwsh -File` passes a list as one text: take 'a.Tests.ps1,b.Tests.ps1' as two paths.
$pesterConfiguration.Run.Path = @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$pesterConfiguration.Run.PassThru = $true
$pesterConfiguration.Output.Verbosity = $Verbosity
# Colours as escape codes only on a terminal, not in dotnet test's or CI's log (Pester 5.5 and later).
if ([Console]::IsOutputRedirected -and $pesterConfiguration.Output.PSObject.Properties['RenderMode']) {
    $pesterConfiguration.Output.RenderMode = 'Plaintext'
}
if ($ResultPath) {
    $pesterConfiguration.TestResult.Enabled = $true
    $pesterConfiguration.TestResult.OutputFormat = 'NUnit3'
    $pesterConfiguration.TestResult.OutputPath = $ResultPath
}

Write-Host ('Pester {0} on {1} {2}, module {3}' -f $pester.Version, $PSVersionTable.PSEdition, $PSVersionTable.PSVersion,
    (Join-Path $PSScriptRoot '../../out/PsaMapping'))
$previous = $env:PSAMAPPING_CONFIGURATION
$env:PSAMAPPING_CONFIGURATION = $Configuration
try {
    $run = Invoke-Pester -Configuration $pesterConfiguration
}
finally {
    $env:PSAMAPPING_CONFIGURATION = $previous
}

if ($null -eq $run) {
    $host.UI.WriteErrorLine('Invoke-Pester returned no result.')
    exit 1
}
Write-Host ('Pester: {0} passed, {1} failed, {2} skipped, {3} not run; {4} failed blocks, {5} failed files.' -f
    $run.PassedCount, $run.FailedCount, $run.SkippedCount, $run.NotRunCount, $run.FailedBlocksCount, $run.FailedContainersCount)
if ($run.Result -ne 'Passed' -or $run.PassedCount -eq 0) {
    exit 1
}
exit 0
