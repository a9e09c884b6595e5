<#
    The README's examples. The mapping examples run against the sandbox as a user would type them: every fenced
    PowerShell block that follows a line starting with '<!-- example: mapping' in README.md, in the order they appear,
    in one session, on a new store, in an empty working folder (the CSV example writes mappings.csv there). Every
    PsaMapping command in any of the README's PowerShell blocks names only parameters the cmdlet has.
    Shared setup (sandbox, module, temporary store, helpers): TestSetup.ps1 beside this file.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')

    # The marked blocks of README.md: each the text between the ```powershell line after a marker and the closing ```.
    function Get-ReadmeExample([string]$Path, [string]$Marker) {
        $lines = @(Get-Content -LiteralPath $Path -Encoding UTF8)
        $blocks = @()
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if (-not $lines[$i].StartsWith($Marker)) { continue }
            if ($i + 1 -ge $lines.Count -or $lines[$i + 1] -ne '```powershell') {
                throw "README.md line $($i + 1): the marker '$Marker' must be followed at once by a ``````powershell block."
            }
            $body = @()
            $j = $i + 2
            while ($j -lt $lines.Count -and $lines[$j] -ne '```') { $body += $lines[$j]; $j++ }
            $blocks += [pscustomobject]@{ Line = $i + 3; Text = ($body -join [Environment]::NewLine) }
            $i = $j
        }
        $blocks
    }
}

AfterAll {
    Stop-TestEnvironment
}

Describe "The README's PowerShell blocks" {
    It 'give PsaMapping commands only parameters they have' {
        $lines = @(Get-Content -LiteralPath (Join-Path $RepoRoot 'README.md') -Encoding UTF8)
        $blocks = @()
        $current = $null
        foreach ($line in $lines) {
            if ($null -eq $current -and $line -eq '```powershell') { $current = @(); continue }
            if ($null -ne $current -and $line -eq '```') { $blocks += ($current -join [Environment]::NewLine); $current = $null; continue }
            if ($null -ne $current) { $current += $line }
        }
        $cmdlets = @{}
        Get-Command -Module PsaMapping | ForEach-Object { $cmdlets[$_.Name] = $_ }

        $unknown = @()
        foreach ($block in $blocks) {
            $tokens = $null
            $parseErrors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($block, [ref]$tokens, [ref]$parseErrors)
            foreach ($parseError in @($parseErrors)) { if ($parseError) { $unknown += "does not parse: $($parseError.Message)" } }
            $commands = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true)
            foreach ($command in $commands) {
                $name = $command.GetCommandName()
                if (-not $name -or -not $cmdlets.ContainsKey($name)) { continue }
                foreach ($element in $command.CommandElements) {
                    if ($element -is [System.Management.Automation.Language.CommandParameterAst] -and
                        -not $cmdlets[$name].Parameters.ContainsKey($element.ParameterName)) {
                        $unknown += "$name -$($element.ParameterName)"
                    }
                }
            }
        }

        $blocks.Count | Should -BeGreaterThan 10
        $unknown | Should -BeNullOrEmpty
    }
}

Describe "The README's mapping examples" {
    BeforeAll {
        $Examples = @(Get-ReadmeExample -Path (Join-Path $RepoRoot 'README.md') -Marker '<!-- example: mapping')
        $null = Use-EmptyStore $TestDrive
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'are marked in the README: the mapping, listing and history blocks' {
        $Examples.Count | Should -BeGreaterOrEqual 3
        ($Examples | ForEach-Object { $_.Text }) -join "`n" | Should -Match 'Set-PsaMapping'
    }

    It 'run on the sandbox without a warning or an error' {
        $workFolder = Join-Path $TestDrive 'work'
        $null = New-Item -ItemType Directory -Path $workFolder
        $problems = @()
        Push-Location -LiteralPath $workFolder
        try {
            foreach ($example in $Examples) {
                # Warnings and errors come back among the output; a terminating error is caught and reported.
                $records = @(try {
                        & ([scriptblock]::Create($example.Text)) 3>&1 2>&1
                    }
                    catch {
                        $_
                    })
                foreach ($record in $records) {
                    if ($record -is [System.Management.Automation.WarningRecord]) {
                        $problems += "README.md block at line $($example.Line): WARNING: $($record.Message)"
                    }
                    elseif ($record -is [System.Management.Automation.ErrorRecord]) {
                        $problems += "README.md block at line $($example.Line): ERROR $($record.FullyQualifiedErrorId): $record"
                    }
                }
            }
        }
        finally {
            Pop-Location
        }

        $problems | Should -BeNullOrEmpty
        # They did what they say: the composed example mapped customers that the removal example left in place.
        @(Get-PsaMapping).Count | Should -BeGreaterThan 0
    }
}
