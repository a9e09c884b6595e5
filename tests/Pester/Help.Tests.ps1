<#
    Get-Help, as a user runs it, for every exported command (found with Get-Command, so a new cmdlet is checked
    without touching this file), against the command's real metadata: help from the help file, a written
    synopsis, a description, an example, every parameter documented once and no other, each parameter set's
    syntax, each parameter's type, required, position, pipeline input, aliases and wildcards, and the outputs.
    A cmdlet or parameter added without help in src/PsaMapping/en-US/PsaMapping.dll-Help.xml fails here.
    Needs no sandbox, only the built module.
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
        $command = Get-Command -Name $Name
        $common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
        $realParameters = @($command.Parameters.Keys | Where-Object { $common -notcontains $_ })
        # -WhatIf and -Confirm may be documented (platyPS does) where the cmdlet supports them.
        $shouldProcessParameters = @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters |
            Where-Object { $command.Parameters.ContainsKey($_) })
        $documentedParameters = @($help.parameters.parameter | Where-Object { $null -ne $_ })

        function Join-HelpText($Items) { ((@($Items) | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_.Text }) -join "`n").Trim() }
        function Get-PositionText([int]$Position) { if ($Position -ge 0) { [string]$Position } else { 'named' } }
        # Parameter names as one comparable text: lower case, sorted.
        function Get-NameKey([object[]]$Names) { (@($Names | ForEach-Object { ([string]$_).Trim().ToLowerInvariant() } | Sort-Object) -join ',') }
        # The real parameters of one parameter set, common parameters left out.
        function Get-SetParameters($Set) { @($Set.Parameters | Where-Object { $common -notcontains $_.Name }) }
    }

    It 'comes from the help file, not generated' {
        $help.PSObject.TypeNames | Should -Contain 'MamlCommandHelpInfo' -Because 'src/PsaMapping/en-US/PsaMapping.dll-Help.xml needs a command:command for it'
    }

    It 'has a written synopsis, not the generated syntax' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$Name *"
        $help.Synopsis.Trim() | Should -Not -Be $Name
        $help.Synopsis | Should -Not -Match '<CommonParameters>'
    }

    It 'has a description' {
        Join-HelpText $help.description | Should -Not -BeNullOrEmpty
    }

    It 'has examples, each with code, one of them running the command' {
        $examples = @($help.examples.example | Where-Object { $null -ne $_ })
        @($examples | Where-Object { $_.code -match [regex]::Escape($Name) }).Count | Should -BeGreaterThan 0
        foreach ($example in $examples) {
            [string]$example.code | Should -Not -BeNullOrEmpty
        }
    }

    It 'documents every parameter once, with a description' {
        foreach ($parameter in $realParameters) {
            $documented = @($documentedParameters | Where-Object { $_.name -eq $parameter })
            $documented.Count | Should -Be 1 -Because "-$parameter must be documented once"
            Join-HelpText $documented[0].description | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It 'documents no parameter the command does not have' {
        foreach ($documented in $documentedParameters) {
            if ($shouldProcessParameters -contains $documented.name) { continue }
            $realParameters | Should -Contain $documented.name
        }
        @($documentedParameters | Group-Object -Property name | Where-Object { $_.Count -gt 1 } | ForEach-Object { $_.Name }) | Should -BeNullOrEmpty
    }

    It 'shows each parameter set in its syntax, with each parameter required and placed as the command has it' {
        # -WhatIf and -Confirm may be shown or not; the rest must match exactly.
        $unmatched = New-Object System.Collections.ArrayList
        foreach ($item in @($help.syntax.syntaxItem | Where-Object { $null -ne $_ })) {
            $null = $unmatched.Add(@($item.parameter | Where-Object { $null -ne $_ -and $shouldProcessParameters -notcontains $_.name }))
        }
        foreach ($set in $command.ParameterSets) {
            $parameters = Get-SetParameters $set
            $key = Get-NameKey @($parameters | ForEach-Object { $_.Name })
            $item = $null
            $found = $false
            foreach ($candidate in $unmatched) {
                if ((Get-NameKey @($candidate | ForEach-Object { $_.name })) -eq $key) { $item = $candidate; $found = $true; break }
            }
            # A command without parameters (Get-PsaMappingStore) has one syntax item with none.
            $found | Should -BeTrue -Because "parameter set '$($set.Name)' ($key) needs a syntax item"
            $unmatched.Remove($item)
            foreach ($real in $parameters) {
                $shown = @($item | Where-Object { $_.name -eq $real.Name })[0]
                ([string]$shown.required).Trim() | Should -Be ([string]$real.IsMandatory).ToLowerInvariant() -Because "-$($real.Name) in set '$($set.Name)'"
                ([string]$shown.position).Trim() | Should -Be (Get-PositionText $real.Position) -Because "-$($real.Name) in set '$($set.Name)'"
            }
        }
        $unmatched.Count | Should -Be 0 -Because 'every syntax item matches a parameter set'
    }

    It 'documents each parameter''s type, whether it is required, its position, pipeline input, aliases and wildcards' {
        foreach ($documented in $documentedParameters) {
            if ($realParameters -notcontains $documented.name) { continue } # the test above reports it
            $metadata = $command.Parameters[[string]$documented.name]
            $where = "-$($metadata.Name)"
            $inSets = @($command.ParameterSets | ForEach-Object { Get-SetParameters $_ } | Where-Object { $_.Name -eq $metadata.Name })

            $type = $metadata.ParameterType.ToString()
            $underlying = [Nullable]::GetUnderlyingType($metadata.ParameterType)
            $types = @($type)
            if ($underlying) { $types += $underlying.ToString() }
            $types | Should -Contain ([string]$documented.type.name).Trim() -Because "$where is a $type"

            $mandatory = @($inSets | Where-Object { $_.IsMandatory }).Count
            if ($mandatory -eq $inSets.Count) { ([string]$documented.required).Trim() | Should -Be 'true' -Because "$where is mandatory" }
            if ($mandatory -eq 0) { ([string]$documented.required).Trim() | Should -Be 'false' -Because "$where is optional" }

            $positions = @($inSets | Where-Object { $_.Position -ge 0 } | ForEach-Object { Get-PositionText $_.Position })
            if ($positions.Count -eq 0) { $positions = @('named') }
            $positions | Should -Contain ([string]$documented.position).Trim() -Because "$where takes position $($positions -join ' or ')"

            $byValue = @($inSets | Where-Object { $_.ValueFromPipeline }).Count -gt 0
            $byPropertyName = @($inSets | Where-Object { $_.ValueFromPipelineByPropertyName }).Count -gt 0
            $pipeline = [string]$documented.pipelineInput
            $pipeline.StartsWith('True', [System.StringComparison]::OrdinalIgnoreCase) | Should -Be ($byValue -or $byPropertyName) -Because "$where pipeline input '$pipeline'"
            ($pipeline -match 'ByValue') | Should -Be $byValue -Because "$where pipeline input '$pipeline'"
            ($pipeline -match 'ByPropertyName') | Should -Be $byPropertyName -Because "$where pipeline input '$pipeline'"

            $aliases = @(([string]$documented.aliases).Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ -and $_ -ne 'none' })
            Get-NameKey $aliases | Should -Be (Get-NameKey @($metadata.Aliases)) -Because "$where aliases"

            $wildcards = @($metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count -gt 0
            (([string]$documented.globbing).Trim() -eq 'true') | Should -Be $wildcards -Because "$where [SupportsWildcards]"
        }
    }

    It 'names every output type the command declares' {
        $outputs = @($help.returnValues.returnValue | Where-Object { $null -ne $_ } | ForEach-Object { ([string]$_.type.name).Trim() })
        foreach ($type in @($command.OutputType | ForEach-Object { $_.Name })) {
            if ($type -eq 'System.Void') { $outputs | Should -Contain 'None'; continue }
            $outputs | Should -Contain $type
        }
    }
}
