<#
    Mapping a whole partner in one line: the High suggestions of 400 customers piped into Set-PsaMapping say each
    problem once, about what changes only, and end with one line that counts what was saved; on both stores (the folder
    and an Azurite table, where 400 rows are saved in entity-group batches).
    Shared setup (sandbox, module, temporary store, helpers): TestSetup.ps1 beside this file.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1') -SandboxArguments '--tenants 400 --seed 42' -Azurite
}

AfterAll {
    Stop-TestEnvironment
}

Describe 'Get-PsaMappingSuggestion | Set-PsaMapping for 400 customers on the <Store> store' -ForEach @(@{ Store = 'Folder' }, @{ Store = 'Table' }) {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox

        # The text of all warning records, one string.
        function Get-WarningText([object[]]$Records) { (@($Records | ForEach-Object { $_.Message }) -join "`n") }
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive $Store
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'warns in at most 10,000 characters, and not at all when the same rows come again unchanged' {
        $first = $null
        $again = $null
        Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High' |
            Set-PsaMapping -WarningAction SilentlyContinue -WarningVariable first -InformationAction SilentlyContinue -ErrorAction Stop
        $saved = @(Get-PsaMapping).Count
        # The same rows again: -IncludeMapped suggests for the customers just mapped, and nothing changes.
        Get-PsaMappingSuggestion -IncludeMapped | Where-Object Confidence -eq 'High' |
            Set-PsaMapping -WarningAction SilentlyContinue -WarningVariable again -InformationAction SilentlyContinue -ErrorAction Stop

        $saved | Should -BeGreaterThan 200
        (Get-WarningText $first).Length | Should -BeLessOrEqual 10000
        (Get-WarningText $again).Length | Should -Be 0
    }

    It 'ends with one line, shown by default as Write-Host is, counting what was saved and what needs attention' {
        $info = $null
        Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High' |
            Set-PsaMapping -WarningAction SilentlyContinue -InformationVariable info -InformationAction SilentlyContinue -ErrorAction Stop

        @($info).Count | Should -Be 1
        @($info)[0].Tags | Should -Contain 'PSHOST'
        [string]@($info)[0].MessageData |
            Should -Match '^Saved \d+ mappings \(\d+ new, 0 changed; 0 already as given\)\. \d+ of them needs? attention \(warnings above\): Test-PsaMapping lists every problem'
    }

    It 'is silenced as Write-Host is' {
        $all = @(Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High' |
                Set-PsaMapping -InformationAction Ignore -WarningAction SilentlyContinue -ErrorAction Stop 6>&1 3>&1)

        $all.Count | Should -Be 0 -Because 'no information or warning record comes out, even redirected'
        @(Get-PsaMapping).Count | Should -BeGreaterThan 200
    }
}
