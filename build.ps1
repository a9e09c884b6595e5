<#
.SYNOPSIS
    Builds, tests, packages or demonstrates PsaMapping. Each task is a thin call into dotnet.
.DESCRIPTION
    Build    dotnet build PsaMapping.sln; assembles the importable module in out/PsaMapping.
    Test     Build, then dotnet test (engine and hosted-PowerShell tests), then the Pester suite in
             tests/Pester if Pester 5 is installed (a warning otherwise). Pester results go to
             out/pester-results.xml (NUnit XML).
    Package  Build in Release, then zip out/PsaMapping into out/PsaMapping-<ModuleVersion>.zip.
    Demo     dotnet run the sandbox's demo: the quick start against a local Sophos Central stand-in.
    Exits with a non-zero code when a step fails. Runs in PowerShell 7 and Windows PowerShell 5.1.
.EXAMPLE
    ./build.ps1
.EXAMPLE
    ./build.ps1 Test -Configuration Release
.EXAMPLE
    ./build.ps1 Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo')]
    [string] $Task = 'Build',

    [string] $Configuration = 'Debug'
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$RepoRoot = $PSScriptRoot
$Solution = Join-Path $RepoRoot 'PsaMapping.sln'
$OutDir = Join-Path $RepoRoot 'out'

# Arguments as one array, so that dotnet options (-c, --no-build, --) reach dotnet untouched.
function Invoke-DotNet([string[]] $Arguments) {
    Write-Host ('> dotnet ' + ($Arguments -join ' ')) -ForegroundColor Cyan
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw ('dotnet {0} failed with exit code {1}.' -f $Arguments[0], $LASTEXITCODE)
    }
}

function Invoke-BuildTask([string] $BuildConfiguration) {
    Invoke-DotNet @('build', $Solution, '-c', $BuildConfiguration)
}

function Invoke-PesterTests([string] $TestConfiguration) {
    $pester = Get-Module -ListAvailable -Name Pester |
        Where-Object { $_.Version -ge [version]'5.0.0' } |
        Sort-Object -Property Version -Descending |
        Select-Object -First 1
    if (-not $pester) {
        Write-Warning ('Pester 5 is not installed, so tests/Pester did not run. Install it with: ' +
            'Install-Module Pester -MinimumVersion 5.0 -Force -SkipPublisherCheck -Scope CurrentUser')
        return
    }

    # Windows PowerShell ships Pester 3.4, which may already be loaded.
    Get-Module -Name Pester | Where-Object { $_.Version -lt [version]'5.0.0' } | Remove-Module -Force
    Import-Module -Name $pester.Path -Force

    # What -CI does (results file, non-zero on failure), without ending this script's process.
    $pesterConfiguration = New-PesterConfiguration
    $pesterConfiguration.Run.Path = Join-Path $RepoRoot 'tests/Pester'
    $pesterConfiguration.Run.PassThru = $true
    $pesterConfiguration.Output.Verbosity = 'Detailed'
    $pesterConfiguration.TestResult.Enabled = $true
    $pesterConfiguration.TestResult.OutputPath = Join-Path $OutDir 'pester-results.xml'

    Write-Host ('> Invoke-Pester tests/Pester (Pester {0}, {1} {2})' -f $pester.Version, $PSVersionTable.PSEdition, $PSVersionTable.PSVersion) -ForegroundColor Cyan
    $previous = $env:PSAMAPPING_CONFIGURATION
    $env:PSAMAPPING_CONFIGURATION = $TestConfiguration
    try {
        $run = Invoke-Pester -Configuration $pesterConfiguration
    }
    finally {
        $env:PSAMAPPING_CONFIGURATION = $previous
    }
    if ($run.Result -ne 'Passed') {
        throw ('Pester: {0} failed, {1} passed, {2} blocks failed.' -f $run.FailedCount, $run.PassedCount, $run.FailedBlocksCount)
    }
}

function Invoke-PackageTask {
    Invoke-BuildTask 'Release'
    $manifest = Import-PowerShellDataFile -Path (Join-Path $RepoRoot 'PsaMapping.psd1')
    $module = Join-Path $OutDir 'PsaMapping'
    $zip = Join-Path $OutDir ('PsaMapping-{0}.zip' -f $manifest.ModuleVersion)
    if (Test-Path -LiteralPath $zip) { Remove-Item -LiteralPath $zip -Force }

    # ZipFile rather than Compress-Archive: Windows PowerShell 5.1's Compress-Archive writes
    # backslashes into entry names, which other platforms cannot unpack as folders.
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    [System.IO.Compression.ZipFile]::CreateFromDirectory($module, $zip, [System.IO.Compression.CompressionLevel]::Optimal, $true)
    Write-Host ('Packaged {0}' -f $zip) -ForegroundColor Green
}

try {
    if (-not (Get-Command -Name dotnet -CommandType Application -ErrorAction SilentlyContinue)) {
        throw 'dotnet was not found on PATH. Install the .NET 10 SDK: https://dot.net/download'
    }

    switch ($Task) {
        'Build' {
            Invoke-BuildTask $Configuration
        }
        'Test' {
            Invoke-BuildTask $Configuration
            Invoke-DotNet @('test', $Solution, '-c', $Configuration, '--no-build')
            Invoke-PesterTests $Configuration
        }
        'Package' {
            if ($PSBoundParameters.ContainsKey('Configuration') -and $Configuration -ne 'Release') {
                Write-Warning 'Package always builds in Release; -Configuration is ignored.'
            }
            Invoke-PackageTask
        }
        'Demo' {
            Invoke-DotNet @('run', '--project', (Join-Path $RepoRoot 'src/PsaMapping.Sandbox'), '-c', $Configuration, '--', 'demo')
        }
    }
}
catch {
    $host.UI.WriteErrorLine(('build.ps1 {0} failed: {1}' -f $Task, $_.Exception.Message))
    exit 1
}
exit 0
