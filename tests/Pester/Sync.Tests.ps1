<#
    The usage sync as a user runs it: map the products, preview with -WhatIf, sync, sync again, read the log and
    the sync status. Ground truth is what Autotask answers (Get-AutotaskContractService); the scenarios that need
    the sandbox's internals (faults, every adjustment received) are in tests/PsaMapping.PowerShell.Tests/SyncTests.cs.
    Shared setup (sandbox, module, temporary store, helpers): TestSetup.ps1 beside this file.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}

AfterAll {
    Stop-TestEnvironment
}

Describe 'Sync-PsaUsage' {
    BeforeAll {
        $null = Use-EmptyStore $TestDrive
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox

        # Once: the confident suggestions with sync on, and each product of the usage as its suggested service.
        $null = Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High' | Set-PsaMapping -SyncEnabled $true -WarningAction SilentlyContinue
        $null = Get-PsaProductMapping -IncludeUnmapped | Where-Object SuggestedServiceId |
            ForEach-Object { Set-PsaProductMapping -ProductCode $_.ProductCode -AutotaskServiceId $_.SuggestedServiceId -Confirm:$false }

        function Get-LineKey($Line) { '{0}/{1}:{2}' -f $Line.ContractId, $Line.AutotaskServiceId, $Line.UnitChange }

        # The units Autotask holds on the effective date, by contract and service, read through the module.
        function Get-UnitsInForce([object[]]$Lines) {
            $effective = @($Lines)[0].EffectiveDate
            $units = @{}
            $ids = @($Lines | ForEach-Object { $_.ContractId } | Where-Object { $_ } | Sort-Object -Unique)
            foreach ($row in @(Get-AutotaskContractService -ContractId $ids -AsOf $effective)) {
                $units['{0}/{1}' -f $row.ContractId, $row.AutotaskServiceId] = $row.Units
            }
            $units
        }

        $Preview = @(Sync-PsaUsage -WhatIf -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -InformationVariable previewInfo)
        $PreviewInfo = $previewInfo
        $UnitsBefore = Get-UnitsInForce $Preview
        $First = @(Sync-PsaUsage -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable firstErrors -InformationVariable firstInfo)
        $FirstErrors = $firstErrors
        $FirstInfo = $firstInfo
    }

    It 'previews with -WhatIf what would change, and posts nothing' {
        @($Preview | Where-Object Status -eq 'WouldAdjust').Count | Should -BeGreaterThan 0
        foreach ($line in @($Preview | Where-Object Status -eq 'WouldAdjust')) {
            $UnitsBefore['{0}/{1}' -f $line.ContractId, $line.AutotaskServiceId] | Should -Be $line.CurrentUnits
        }
        (Get-InformationText $PreviewInfo) -join "`n" | Should -BeLike 'What if: sync of *'
    }

    It 'posts exactly the adjustments the preview showed, and each line then holds its target' {
        $would = @($Preview | Where-Object Status -eq 'WouldAdjust' | ForEach-Object { Get-LineKey $_ } | Sort-Object)
        $done = @($First | Where-Object { $_.Status -eq 'Adjusted' -or $_.Reason -eq 'AutotaskAdjustmentRefused' } | ForEach-Object { Get-LineKey $_ } | Sort-Object)
        $done | Should -Be $would

        $after = Get-UnitsInForce $First
        foreach ($line in @($First | Where-Object { $_.Status -in 'Adjusted', 'Unchanged' -and $_.ContractServiceId })) {
            $after['{0}/{1}' -f $line.ContractId, $line.AutotaskServiceId] | Should -Be $line.TargetUnits
        }
        (Get-InformationText $FirstInfo) -join "`n" | Should -Match '^Synced \d+ customers?: \d+ lines? adjusted'
    }

    It 'reports each refused line as an error with its own id, and goes on with the others' {
        foreach ($err in @($FirstErrors)) {
            $err.FullyQualifiedErrorId | Should -BeLike ('{0},*' -f $err.TargetObject.Reason)
        }
        @($First | Where-Object Status -eq 'Adjusted').Count | Should -BeGreaterThan 0
    }

    It 'posts nothing when run again for the same month' {
        $second = @(Sync-PsaUsage -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue)
        @($second | Where-Object Status -eq 'Adjusted').Count | Should -Be 0
        @($second | Where-Object Status -eq 'WouldAdjust').Count | Should -Be 0
    }

    It 'keeps an intent and an outcome for every adjustment in the sync log' {
        $log = @(Get-PsaSyncHistory)
        $intents = @($log | Where-Object { $_.Event.ToString() -eq 'Intent' })
        $intents.Count | Should -Be @($First | Where-Object { $_.Status -eq 'Adjusted' -or $_.Reason -eq 'AutotaskAdjustmentRefused' }).Count
        @($log | Where-Object { $_.Event.ToString() -eq 'Posted' }).Count | Should -Be @($First | Where-Object Status -eq 'Adjusted').Count
        @(Get-PsaSyncHistory -Last 3).Count | Should -Be ([Math]::Min(3, $log.Count))
    }

    It 'shows each customer''s sync status in the mapping table' {
        $rows = @(Get-PsaMapping -SyncEnabled $true)
        @($rows | Where-Object { $null -eq $_.LastSyncStatus }).Count | Should -Be 0
        (Get-PsaMapping | Format-Table | Out-String -Width 250) | Should -Match 'Sync Status'
        (Sync-PsaUsage -WhatIf -WarningAction SilentlyContinue -ErrorAction SilentlyContinue | Format-Table | Out-String -Width 250) | Should -Match 'Target'
    }

    It 'round-trips its lines through Export-Csv' {
        $csv = Join-Path $TestDrive 'sync.csv'
        $First | Export-Csv -LiteralPath $csv -NoTypeInformation
        @(Import-Csv -LiteralPath $csv).Count | Should -Be $First.Count
    }
}
