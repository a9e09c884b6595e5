<#
    Help for every exported command: written synopsis, description, an example, every real parameter
    documented and no parameter the command lacks. Needs no sandbox, only the built module.
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
    $Manifest = Join-Path $PSScriptRoot '../../out/PsaMapping/PsaMapping.psd1'
    if (-not (Test-Path -LiteralPath $Manifest)) {
        throw "The module is not built: $Manifest is missing. Run dotnet build (or ./build.ps1 Build) first."
    }
    Import-Module -Name $Manifest -Force -ErrorAction Stop
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
