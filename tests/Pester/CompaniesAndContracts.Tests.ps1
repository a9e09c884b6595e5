<#
    Autotask companies and contracts: Find-AutotaskCompany, Find-AutotaskContract, and the pipeline from customers to contracts.
    Shared setup (sandbox, module, temporary store, helpers): TestSetup.ps1 beside this file.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}

AfterAll {
    Stop-TestEnvironment
}

Describe 'Find-AutotaskCompany' {
    BeforeAll {
        $null = Connect-AutotaskSandbox
    }

    It 'says to run Connect-Autotask when the session is not connected' {
        $result = Invoke-InNewSession -Script "Find-AutotaskCompany 'x'"

        $result.Terminating | Should -Not -BeNullOrEmpty
        $result.Terminating.FullyQualifiedErrorId | Should -Be 'AutotaskNotConnected,PsaMapping.Commands.FindAutotaskCompanyCommand'
        $result.Terminating.Exception.Message | Should -Match 'Connect-Autotask'
    }

    It 'ranks companies as an autocomplete would, with one request' {
        $all = @(Find-AutotaskCompany 'conto' -Verbose 4>&1)
        $found = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })

        $found[0].AutotaskCompanyName | Should -Be 'Contoso'
        $found[1].AutotaskCompanyName | Should -Be 'Contoso Ltd'
        $found[0].MatchKind | Should -Be 'StartsWith'
        $found[0].CompanyType | Should -Be 'Customer'
        $scores = @($found | ForEach-Object { $_.MatchScore })
        $scores | Should -Be @($scores | Sort-Object -Descending)
        Get-AutotaskRequestCount $all | Should -Be 1
    }

    It 'ignores accents and transliterations' {
        $name = 'M' + [char]0x00FC + 'ller Maschinenbau' # 'Mueller' with an umlaut, kept out of the file for Windows PowerShell 5.1
        $found = @(Find-AutotaskCompany $name -First 1)

        $found.Count | Should -Be 1
        $found[0].AutotaskCompanyName | Should -Be 'Mueller Maschinenbau GmbH'
    }

    It 'leaves inactive companies out unless -IncludeInactive' {
        @(Find-AutotaskCompany 'Old Customer' | ForEach-Object { $_.AutotaskCompanyName }) | Should -Not -Contain 'Old Customer Ltd'

        $old = @(Find-AutotaskCompany 'Old Customer' -IncludeInactive | Where-Object { $_.AutotaskCompanyName -eq 'Old Customer Ltd' })
        $old.Count | Should -Be 1
        $old[0].IsActive | Should -Be $false
    }

    It 'completes company names on Tab' {
        $line = 'Find-AutotaskContract -Company conto'
        $completions = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object { $_.CompletionText })

        $completions[0] | Should -Be "'Contoso'"
        $completions | Should -Contain "'Contoso Ltd'"
    }
}

Describe 'Find-AutotaskContract' {
    BeforeAll {
        $null = Connect-AutotaskSandbox
    }

    It 'lists a company''s contracts without the cancelled ones, marks expired ones and labels types and statuses' {
        $contracts = @(Find-AutotaskContract -Company 'Contoso')
        $names = @($contracts | ForEach-Object { $_.ContractName })

        $names | Should -Contain 'Sophos MSP - Contoso'
        $names | Should -Contain 'Contoso Backup'
        $names | Should -Not -Contain 'Contoso Firewall 2023'
        $recurring = @($contracts | Where-Object { $_.ContractName -eq 'Sophos MSP - Contoso' })[0]
        $recurring.ContractType | Should -Be 'Recurring Service'
        $recurring.Status | Should -Be 'Active'
        $recurring.SupportsUsageSync | Should -Be $true
        $recurring.IsExpired | Should -Be $false
        $recurring.AutotaskCompanyName | Should -Be 'Contoso'
        @($contracts | Where-Object { $_.ContractName -eq 'Contoso Backup' })[0].IsExpired | Should -Be $true
        @($contracts | Where-Object { $_.ContractName -eq 'Contoso Managed Services' })[0].SupportsUsageSync | Should -Be $false
    }

    It 'lists the cancelled (inactive) contracts too with -IncludeCancelled' {
        $cancelled = @(Find-AutotaskContract -Company 'contoso' -IncludeCancelled | Where-Object { $_.ContractName -eq 'Contoso Firewall 2023' })

        $cancelled.Count | Should -Be 1
        $cancelled[0].Status | Should -Be 'Inactive'
        $cancelled[0].IsActive | Should -Be $false
    }

    It 'stops on a company name that no company has and suggests similar names' {
        $errorRecord = { Find-AutotaskContract -Company 'Contosso' } |
            Should -Throw -ErrorId 'AutotaskCompanyNotFound,PsaMapping.Commands.FindAutotaskContractCommand' -PassThru

        $errorRecord.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errorRecord.Exception.Message | Should -Match "Similar names: 'Contoso' \(id \d+\)"
    }

    It 'filters contract names by part (<Filter>)' -TestCases @(
        @{ Filter = 'msp'; Expected = 'Sophos MSP - Contoso' }
        @{ Filter = 'contoso b*'; Expected = 'Contoso Backup' }
    ) {
        @(Find-AutotaskContract $Filter -Company 'Contoso' | ForEach-Object { $_.ContractName }) | Should -Be @($Expected)
    }

    It 'queries the contracts of many piped companies in a few requests, not one each' {
        $ids = @(Find-AutotaskCompany | Select-Object -First 120 | ForEach-Object { $_.AutotaskCompanyId })
        $expected = @(Find-AutotaskContract | Where-Object { $ids -contains $_.AutotaskCompanyId } | ForEach-Object { $_.ContractId } | Sort-Object)

        $all = @($ids | ForEach-Object { [pscustomobject]@{ AutotaskCompanyId = $_ } } | Find-AutotaskContract -Verbose 4>&1)
        $contracts = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })

        $ids.Count | Should -Be 120
        @($contracts | ForEach-Object { $_.ContractId } | Sort-Object) | Should -Be $expected
        Get-AutotaskRequestCount $all | Should -BeLessOrEqual 3 -Because 'the 120 companies go in one `in` filter, and their names in one more request'
    }
}

Describe 'From Sophos Central customers to Autotask contracts' {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
    }

    It 'passes SophosCustomerId and SophosCustomerName through companies onto the contracts' {
        $customer = @(Get-SophosCustomer -Name 'Contoso Ltd')[0]
        $contracts = @(Get-SophosCustomer -Name 'Contoso Ltd' | Find-AutotaskCompany -First 1 | Find-AutotaskContract)

        $contracts.Count | Should -BeGreaterThan 0
        foreach ($contract in $contracts) {
            $contract.SophosCustomerId | Should -Be $customer.SophosCustomerId
            $contract.SophosCustomerName | Should -Be 'Contoso Ltd'
            $contract.AutotaskCompanyName | Should -Not -BeNullOrEmpty
        }
    }

    It 'matches piped customers by whole-name similarity, as suggestions do, and typed names as an autocomplete' {
        $name = 'M' + [char]0x00FC + 'ller Maschinenbau GmbH' # kept out of the file for Windows PowerShell 5.1
        $piped = @(Get-SophosCustomer -Name $name | Find-AutotaskCompany -First 1)
        $typed = @(Find-AutotaskCompany $name -First 1)

        $piped.Count | Should -Be 1
        $piped[0].MatchKind | Should -Be 'Similarity'
        $piped[0].AutotaskCompanyId | Should -Be 1005
        $piped[0].MatchScore | Should -BeGreaterOrEqual 0.9
        $piped[0].SophosCustomerName | Should -Be $name
        $typed[0].MatchKind | Should -Not -Be 'Similarity'
        $typed[0].SophosCustomerId | Should -BeNullOrEmpty
    }
}
