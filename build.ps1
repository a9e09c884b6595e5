<#
.SYNOPSIS
    Builds, tests, packages or demonstrates PsaMapping. Each task is a thin call into dotnet.
.DESCRIPTION
    Build    dotnet build PsaMapping.sln; assembles the importable module in out/PsaMapping.
    Test     Build, then dotnet test: every xunit project and the Pester suite under the pinned PowerShell 7
             (which it installs into .tools/). TRX and Pester's NUnit 3 XML results go to out/TestResults.
    Pester   Build, then the Pester suite in this shell (PowerShell 7 or Windows PowerShell 5.1) with the
             pinned Pester; results in out/TestResults/pester-results-<edition>-<version>.xml.
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
    [ValidateSet('Build', 'Test', 'Pester', 'Package', 'Demo')]
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

# The Pester suite in this shell (PowerShell 7 or Windows PowerShell 5.1), with the Pester that
# tests/Pester/PsaMapping.Pester.csproj pins and restores; `dotnet test` runs the same suite under the pinned pwsh.
function Invoke-PesterTask([string] $TestConfiguration) {
    $pesterProject = Join-Path $RepoRoot 'tests/Pester/PsaMapping.Pester.csproj'
    Invoke-DotNet @('restore', $pesterProject)
    $pesterModule = (& dotnet msbuild $pesterProject -getProperty:PesterModule).Trim()
    $results = Join-Path $OutDir ('TestResults/pester-results-{0}-{1}.xml' -f $PSVersionTable.PSEdition, $PSVersionTable.PSVersion)
    Write-Host ('> tests/Pester/Invoke-PesterSuite.ps1 ({0} {1})' -f $PSVersionTable.PSEdition, $PSVersionTable.PSVersion) -ForegroundColor Cyan
    & (Join-Path $RepoRoot 'tests/Pester/Invoke-PesterSuite.ps1') -PesterModule $pesterModule -ResultPath $results -Configuration $TestConfiguration
    if ($LASTEXITCODE -ne 0) {
        throw ('the Pester suite failed; results in {0}' -f $results)
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
            Invoke-DotNet @('test', $Solution, '-c', $Configuration, '--no-build', '--logger', 'trx', '--results-directory', (Join-Path $OutDir 'TestResults'))
        }
        'Pester' {
            Invoke-BuildTask $Configuration
            Invoke-PesterTask $Configuration
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
