<#
    The usage sync as a user runs it, on both stores (the folder, and a table of Azure Table Storage in Azurite): map the
    products, preview with -WhatIf, sync, sync again, read the log and the sync status. Ground truth is what Autotask
    answers (Get-AutotaskContractService). What needs the sandbox's internals (injected faults, every adjustment it
    received) is in tests/PsaMapping.PowerShell.Tests/SyncTests.cs.
    Shared setup (sandbox, Azurite, module, temporary store, helpers): TestSetup.ps1 beside this file.
#>

BeforeAll {
    # A smaller partner than the other files' (the seeded awkward cases come first), as every adjustment is a request.
    . (Join-Path $PSScriptRoot 'TestSetup.ps1') -Azurite -SandboxArguments '--tenants 100 --companies 160 --seed 42'
}

AfterAll {
    Stop-TestEnvironment
}

Describe 'Product mappings on the <Store> store' -ForEach @(@{ Store = 'Folder' }, @{ Store = 'Table' }) {
    BeforeAll {
        $null = Use-EmptyStore $TestDrive $Store
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'maps a product to the service found by name, and suggests that service again once the mapping is removed' {
        $service = @(Find-AutotaskService 'ZTNA' -First 1)[0]
        $service | Set-PsaProductMapping -ProductCode 'CZTNA' -Confirm:$false -ErrorAction Stop

        $mapped = @(Get-PsaProductMapping 'CZTNA')
        $mapped.Count | Should -Be 1
        $mapped[0].AutotaskServiceId | Should -Be $service.AutotaskServiceId

        Remove-PsaProductMapping 'CZTNA' -Confirm:$false -ErrorAction Stop
        $unmapped = @(Get-PsaProductMapping 'CZTNA' -IncludeUnmapped)
        $unmapped.Count | Should -Be 1
        $unmapped[0].IsMapped | Should -Be $false
        $unmapped[0].SuggestedServiceId | Should -Be $service.AutotaskServiceId
        @(Get-PsaProductMapping).Count | Should -Be 0
    }

    It 'gives usage rows and contract lines the customer id, so they pipe into the next command' {
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -SyncEnabled $true -WarningAction SilentlyContinue -ErrorAction Stop
        $usage = @(Get-SophosUsage -ErrorAction Stop)
        $usage.Count | Should -BeGreaterThan 0
        @($usage | Where-Object { -not $_.SophosCustomerId }).Count | Should -Be 0

        $lines = @(Get-PsaMapping | Get-AutotaskContractService -ErrorAction Stop)
        $lines.Count | Should -BeGreaterThan 0
        @($lines | Where-Object { $_.SophosCustomerId -ne (Get-CustomerId 'Contoso Ltd') }).Count | Should -Be 0
    }
}

Describe 'Sync-PsaUsage on the <Store> store' -ForEach @(@{ Store = 'Folder' }, @{ Store = 'Table' }) {
    BeforeAll {
        # A sync changes the sandbox's contracts: each store syncs against a sandbox of its own.
        $Sandbox = Start-Sandbox
        $null = Use-EmptyStore $TestDrive $Store
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox

        # Once: the confident suggestions with sync on, and each product of the usage as its suggested service, but one
        # left unmapped, so that a run has that refusal to report.
        $Unmapped = 'CZTNA'
        $null = Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High' | Set-PsaMapping -SyncEnabled $true -WarningAction SilentlyContinue
        $null = Get-PsaProductMapping -IncludeUnmapped | Where-Object { $_.SuggestedServiceId -and $_.ProductCode -ne $Unmapped } |
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
        $First = @(Sync-PsaUsage -Confirm:$false -WarningAction SilentlyContinue -WarningVariable firstWarnings -ErrorAction SilentlyContinue -ErrorVariable firstErrors -InformationVariable firstInfo)
        $FirstErrors = $firstErrors
        $FirstWarnings = $firstWarnings
        $FirstInfo = $firstInfo
    }

    AfterAll {
        Stop-Sandbox $Sandbox
        $env:PSAMAPPING_HOME = $PsaMappingHome
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
        @($FirstErrors).Count | Should -BeGreaterThan 0
        foreach ($err in @($FirstErrors)) {
            $err.FullyQualifiedErrorId | Should -BeLike ('{0},*' -f $err.TargetObject.Reason)
        }
        @($First | Where-Object Status -eq 'Adjusted').Count | Should -BeGreaterThan 0
    }

    It 'says why a line was not posted: <Reason>' -TestCases @(
        @{ Reason = 'SyncProductUnmapped' }
        @{ Reason = 'SyncServiceNotOnContract' }
        @{ Reason = 'SyncServiceAmbiguous' }
        @{ Reason = 'SyncPeriodPosted' }
    ) {
        @($First | Where-Object Reason -eq $Reason).Count | Should -BeGreaterThan 0
    }

    It 'warns about a product without a product mapping, and says that a posted period was approved and posted' {
        (@($FirstWarnings) -join "`n") | Should -Match ([regex]::Escape("'$Unmapped' has no product mapping"))
        $posted = @($FirstErrors | Where-Object { $_.FullyQualifiedErrorId -like 'SyncPeriodPosted,*' })
        $posted.Count | Should -BeGreaterThan 0
        $posted[0].Exception.Message | Should -Match 'approved and posted'
    }

    It 'posts nothing when run again for the same month' {
        $intents = @(Get-PsaSyncHistory | Where-Object { $_.Event.ToString() -eq 'Intent' }).Count
        $second = @(Sync-PsaUsage -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue)
        @($second | Where-Object Status -eq 'Adjusted').Count | Should -Be 0
        @($second | Where-Object Status -eq 'WouldAdjust').Count | Should -Be 0
        @(Get-PsaSyncHistory | Where-Object { $_.Event.ToString() -eq 'Intent' }).Count | Should -Be $intents
    }

    It 'keeps an intent and an outcome for every adjustment in the sync log' {
        $log = @(Get-PsaSyncHistory)
        $intents = @($log | Where-Object { $_.Event.ToString() -eq 'Intent' })
        $intents.Count | Should -Be @($First | Where-Object { $_.Status -eq 'Adjusted' -or $_.Reason -eq 'AutotaskAdjustmentRefused' }).Count
        @($log | Where-Object { $_.Event.ToString() -eq 'Posted' }).Count | Should -Be @($First | Where-Object Status -eq 'Adjusted').Count
        @(Get-PsaSyncHistory -Last 3).Count | Should -Be ([Math]::Min(3, $log.Count))
    }

    It 'shows each customer''s sync status in the mapping table, and Test-PsaMapping explains the problems' {
        $rows = @(Get-PsaMapping -SyncEnabled $true)
        @($rows | Where-Object { $null -eq $_.LastSyncStatus -or $null -eq $_.LastSyncAt }).Count | Should -Be 0
        $statuses = @($rows | ForEach-Object { [string]$_.LastSyncStatus } | Sort-Object -Unique)
        $statuses | Should -Contain 'Succeeded'
        $statuses | Should -Contain 'Partial'
        (Get-PsaMapping | Format-Table | Out-String -Width 250) | Should -Match 'Sync Status'
        (Sync-PsaUsage -WhatIf -WarningAction SilentlyContinue -ErrorAction SilentlyContinue | Format-Table | Out-String -Width 250) | Should -Match 'Target'

        $problems = @(Test-PsaMapping -WarningAction SilentlyContinue | ForEach-Object { [string]$_.Problem } | Sort-Object -Unique)
        $problems | Should -Contain 'ProductUnmapped'
        $problems | Should -Contain 'ServiceNotOnContract'
    }

    It 'round-trips its lines through Export-Csv' {
        $csv = Join-Path $TestDrive ('sync-' + $Store + '.csv')
        $First | Export-Csv -LiteralPath $csv -NoTypeInformation
        @(Import-Csv -LiteralPath $csv).Count | Should -Be $First.Count
    }

    It 'warns and changes nothing for a month Sophos has not billed yet' {
        $now = [DateTime]::UtcNow
        $intents = @(Get-PsaSyncHistory).Count
        $warnings = $null

        $lines = @(Sync-PsaUsage -Year $now.Year -Month $now.Month -Confirm:$false -WarningAction SilentlyContinue -WarningVariable warnings -ErrorAction Stop)

        $lines.Count | Should -Be 0
        (@($warnings) -join "`n") | Should -Match 'has no usage for'
        @(Get-PsaSyncHistory).Count | Should -Be $intents
    }

    It 'adds a service the contract lacks with -AddMissingService, and the line then holds its target' {
        $result = @(Sync-PsaUsage -AddMissingService -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue)

        @($result | Where-Object Reason -eq 'SyncServiceNotOnContract').Count | Should -Be 0
        $added = @($result | Where-Object { $_.Status -eq 'Adjusted' -and -not $_.ContractServiceId })
        $added.Count | Should -BeGreaterThan 0
        $after = Get-UnitsInForce $added
        foreach ($line in $added) {
            $after['{0}/{1}' -f $line.ContractId, $line.AutotaskServiceId] | Should -Be $line.TargetUnits
        }
    }
}
