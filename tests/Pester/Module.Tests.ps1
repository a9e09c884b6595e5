<#
    The assembled module as Import-Module sees it: the manifest, what it exports, its version, its folder
    layout and the default views of what it outputs. Needs no sandbox, only the built module in out/PsaMapping.
    (That its libraries load in a context of their own, beside other versions, is for a host to show:
    tests/PsaMapping.PowerShell.Tests/LoadContextTests.cs.)
#>

BeforeAll {
    $ModuleFolder = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../../out/PsaMapping')).Path
    $Manifest = Join-Path $ModuleFolder 'PsaMapping.psd1'
    Import-Module -Name $Manifest -Force -ErrorAction Stop
    $Module = Get-Module -Name PsaMapping
}

Describe 'The PsaMapping module' {
    It 'has a manifest that passes Test-ModuleManifest and declares both editions from 5.1 on' {
        $tested = Test-ModuleManifest -Path $Manifest -ErrorAction Stop

        $tested.PowerShellVersion | Should -Be ([version]'5.1')
        @($tested.CompatiblePSEditions) | Should -Be @('Desktop', 'Core')
        $text = [System.IO.File]::ReadAllText($Manifest)
        foreach ($key in 'Tags', 'LicenseUri', 'ReleaseNotes', 'FormatsToProcess') {
            $text | Should -Match $key
        }
    }

    It 'names in its release notes only cmdlets it exports, every one of them, and points to the changelog' {
        $notes = (Import-PowerShellDataFile -Path $Manifest).PrivateData.PSData.ReleaseNotes
        $named = @([regex]::Matches($notes, '\b[A-Z][a-z]+-[A-Za-z]+\b') | ForEach-Object { $_.Value } | Sort-Object -Unique)
        $exported = @(Get-Command -Module PsaMapping | ForEach-Object { $_.Name } | Sort-Object)

        $named | Should -Be $exported
        $notes | Should -Match 'CHANGELOG\.md'
        Join-Path $PSScriptRoot '../../CHANGELOG.md' | Should -Exist
    }

    It 'ships the LICENSE file it names, and no project address the project does not have' {
        $data = (Import-PowerShellDataFile -Path $Manifest).PrivateData.PSData

        $data.LicenseUri | Should -Be 'https://opensource.org/licenses/MIT'
        (Import-PowerShellDataFile -Path $Manifest).Copyright | Should -Match 'MIT License'
        $license = Join-Path $ModuleFolder 'LICENSE'
        $license | Should -Exist
        @(Get-Content -LiteralPath $license)[0] | Should -Be 'MIT License'
        # There is no public repository yet: a made-up address would send users nowhere.
        $data.ContainsKey('ProjectUri') | Should -BeFalse
    }

    It 'exports exactly the cmdlets the manifest lists, without wildcards, and every cmdlet it implements' {
        $listed = @((Test-ModuleManifest -Path $Manifest -ErrorAction Stop).ExportedCmdlets.Keys | Sort-Object)
        $exported = @(Get-Command -Module PsaMapping | ForEach-Object { $_.Name } | Sort-Object)
        $implemented = @($Module.ImplementingAssembly.GetTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { $_.VerbName + '-' + $_.NounName } | Sort-Object)

        $listed.Count | Should -BeGreaterThan 0
        $exported | Should -Be $listed
        $implemented | Should -Be $listed
        @($listed | Where-Object { $_ -match '\*' }).Count | Should -Be 0
    }

    It 'has the version of its assembly' {
        $Module.Version.ToString() | Should -Be $Module.ImplementingAssembly.GetName().Version.ToString(3)
    }

    It 'keeps the engine and its libraries under dependencies/, and PowerShell itself out of it' {
        Join-Path $ModuleFolder 'PsaMapping.dll' | Should -Exist
        Join-Path $ModuleFolder 'Polly.Core.dll' | Should -Not -Exist
        Join-Path $ModuleFolder 'Azure.Core.dll' | Should -Not -Exist
        foreach ($library in 'PsaMapping.Engine', 'Polly.Core', 'Newtonsoft.Json', 'Azure.Core', 'Azure.Data.Tables') {
            Join-Path $ModuleFolder "dependencies/$library.dll" | Should -Exist
        }
        Join-Path $ModuleFolder 'dependencies/System.Management.Automation.dll' | Should -Not -Exist
    }

    It 'has a default view in its format file for every type it outputs' {
        $format = [xml][System.IO.File]::ReadAllText((Join-Path $ModuleFolder 'PsaMapping.Format.ps1xml'))
        $viewed = @($format.SelectNodes('//TypeName') | ForEach-Object { $_.InnerText })
        $outputs = @(Get-Command -Module PsaMapping | ForEach-Object { $_.OutputType } |
            ForEach-Object { $_.Type.FullName } | Where-Object { $_ -like 'PsaMapping.*' } | Sort-Object -Unique)

        $outputs.Count | Should -BeGreaterThan 0
        foreach ($type in $outputs) {
            $viewed | Should -Contain $type
        }
    }
}
