<#
    Suggested mappings: Get-PsaMappingSuggestion.
    Shared setup (sandbox, module, temporary store, helpers): TestSetup.ps1 beside this file.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}

AfterAll {
    Stop-TestEnvironment
}

Describe 'Get-PsaMappingSuggestion' {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
        $Customers = @(Get-SophosCustomer)

        # The suggestions for one customer name (none, or one).
        function Get-SuggestionFor([object[]]$Suggestions, [string]$Customer) {
            @($Suggestions | Where-Object { $_.SophosCustomerName -eq $Customer })
        }
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'suggests a company for every unmapped customer, with a score, a confidence, a runner-up and a reason' {
        $suggestions = @(Get-PsaMappingSuggestion -ErrorAction Stop)

        $suggestions.Count | Should -Be $Sandbox.TenantCount
        $suggested = @{}
        foreach ($suggestion in $suggestions) { $suggested[[string]$suggestion.SophosCustomerId] = $true }
        foreach ($customer in $Customers) {
            $suggested.ContainsKey([string]$customer.SophosCustomerId) | Should -BeTrue -Because "$($customer.SophosCustomerName) has no mapping"
        }
        foreach ($suggestion in $suggestions) {
            $suggestion.Score | Should -BeGreaterOrEqual 0
            $suggestion.Score | Should -BeLessOrEqual 1
            [string]$suggestion.Confidence | Should -BeIn @('High', 'Medium', 'Low', 'None')
            $suggestion.Reason | Should -Not -BeNullOrEmpty
        }
        @($suggestions | Where-Object { $null -ne $_.RunnerUpCompanyName }).Count | Should -BeGreaterThan 0

        $northwind = @(Get-SuggestionFor $suggestions 'Northwind Traders S.A.')
        $northwind.Count | Should -Be 1
        $northwind[0].AutotaskCompanyId | Should -Be 1006
        [string]$northwind[0].Confidence | Should -Be 'High'
        $northwind[0].ContractName | Should -Be 'Managed Security - Northwind'

        # Written with [char] so that Windows PowerShell 5.1 reads this file the same without a BOM.
        $mueller = @(Get-SuggestionFor $suggestions ('M{0}ller Maschinenbau GmbH' -f [char]0x00FC))
        $mueller.Count | Should -Be 1
        $mueller[0].AutotaskCompanyName | Should -Be 'Mueller Maschinenbau GmbH'
        $mueller[0].Reason | Should -Match 'transliteration'
    }

    It 'reports progress while suggesting and completes it' {
        $parameters = @{
            SophosCredential   = (New-TestCredential $Sandbox.ClientId $Sandbox.Secret)
            AuthUri            = $Sandbox.AuthUri
            ApiUri             = $Sandbox.ApiUri
            AutotaskParameters = (Get-AutotaskParameters)
        }
        $result = Invoke-InNewSession -Parameters $parameters -Script @'
param($SophosCredential, $AuthUri, $ApiUri, $AutotaskParameters)
$null = Connect-SophosCentral -Credential $SophosCredential -AuthUri $AuthUri -ApiUri $ApiUri -ErrorAction Stop
$null = Connect-Autotask @AutotaskParameters -ErrorAction Stop
Get-PsaMappingSuggestion
'@

        $result.Terminating | Should -BeNullOrEmpty
        $result.Output.Count | Should -Be $Sandbox.TenantCount
        @($result.Progress | Where-Object { $_.Activity -eq 'Suggesting mappings' -and $_.StatusDescription -eq 'Matching names' }).Count | Should -BeGreaterThan 0
        [string]$result.Progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'saves the High suggestions piped into Set-PsaMapping, each with its suggested company and contract' {
        $high = @(Get-PsaMappingSuggestion -ErrorAction Stop | Where-Object Confidence -eq 'High')
        $high.Count | Should -BeGreaterThan ($Sandbox.TenantCount / 2)

        Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High' | Set-PsaMapping -SyncEnabled $true -WarningAction SilentlyContinue -ErrorAction Stop

        $rows = @(Get-PsaMapping)
        $rows.Count | Should -Be $high.Count
        $suggested = @{}
        foreach ($suggestion in $high) { $suggested[[string]$suggestion.SophosCustomerId] = $suggestion }
        foreach ($row in $rows) {
            $suggestion = $suggested[[string]$row.SophosCustomerId]
            $suggestion | Should -Not -BeNullOrEmpty
            $row.AutotaskCompanyId | Should -Be $suggestion.AutotaskCompanyId
            $row.ContractId | Should -Be $suggestion.ContractId
            $row.SyncEnabled | Should -Be $true
        }
        @($rows | Where-Object { $_.SophosCustomerName -eq 'Northwind Traders S.A.' })[0].AutotaskCompanyId | Should -Be 1006
        @($rows | Where-Object { $_.SophosCustomerName -eq 'Fabrikam Residences' })[0].ContractId | Should -Be 100008
        @($rows | Where-Object { $_.SophosCustomerName -eq 'Contoso Ltd' }).Count | Should -Be 0
        @(Get-PsaMappingSuggestion -ErrorAction Stop | Where-Object Confidence -eq 'High').Count | Should -Be 0 -Because 'the High ones are mapped now'
    }

    It 'switches sync on exactly where the suggested contract is an active Recurring Service contract' {
        $warnings = $null
        Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High' |
            Set-PsaMapping -WarningAction SilentlyContinue -WarningVariable warnings -InformationAction SilentlyContinue -ErrorAction Stop
        $contracts = @{}
        Find-AutotaskContract -IncludeCancelled | ForEach-Object { $contracts[$_.ContractId] = $_ }

        (@($warnings) -join "`n") | Should -Not -Match 'Recurring Service'
        $rows = @(Get-PsaMapping)
        @($rows | Where-Object { $_.SyncEnabled }).Count | Should -BeGreaterThan 0
        foreach ($row in $rows) {
            $contract = $contracts[$row.ContractId]
            $takesUsage = ($contract.ContractType -eq 'Recurring Service') -and ([string]$contract.Status -eq 'Active')
            $row.SyncEnabled | Should -Be $takesUsage -Because "$($row.SophosCustomerName) is on '$($contract.ContractName)' ($($contract.ContractType), $($contract.Status))"
        }
    }

    It 'does not pick either of two companies within the margin with High confidence (Contoso Ltd)' {
        # The customer 'Contoso Ltd' is the company 'Contoso'; the company 'Contoso Ltd' is another business.
        $contoso = @(Get-SuggestionFor @(Get-PsaMappingSuggestion -ErrorAction Stop) 'Contoso Ltd')

        $contoso.Count | Should -Be 1
        [string]$contoso[0].Confidence | Should -Not -Be 'High'
        @($contoso[0].AutotaskCompanyName, $contoso[0].RunnerUpCompanyName) | Should -Contain 'Contoso'
        $contoso[0].RunnerUpScore | Should -Not -BeNullOrEmpty
    }

    It 'says in the reason why a suggestion is not High: the runner-up, the rival customer, the contracts to choose from' {
        $suggestions = @(Get-PsaMappingSuggestion -ErrorAction Stop)
        $contoso = @(Get-SuggestionFor $suggestions 'Contoso Ltd')[0]

        $contoso.Reason | Should -Match ([regex]::Escape("not High: the runner-up '$($contoso.RunnerUpCompanyName)' (id $($contoso.RunnerUpCompanyId)) is too close"))
        foreach ($suggestion in $suggestions) {
            $confidence = [string]$suggestion.Confidence
            if ($confidence -eq 'High') { $suggestion.Reason | Should -Not -Match 'not High' }
            elseif ($confidence -ne 'None') { $suggestion.Reason | Should -Match 'not High: ' -Because "$($suggestion.SophosCustomerName) is $confidence" }
        }
        $undecided = @($suggestions | Where-Object { $null -eq $_.ContractId -and $null -ne $_.AutotaskCompanyId -and $_.Reason -match 'active contracts \(' })
        $undecided.Count | Should -BeGreaterThan 0
        foreach ($suggestion in $undecided) { $suggestion.Reason | Should -Match "choose among its active contracts: '.+' \(id \d+, " }
    }

    It 'leaves mapped customers out unless -IncludeMapped is given' {
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -WarningAction SilentlyContinue -ErrorAction Stop

        $unmapped = @(Get-PsaMappingSuggestion -ErrorAction Stop)
        $unmapped.Count | Should -Be ($Sandbox.TenantCount - 1)
        @(Get-SuggestionFor $unmapped 'Contoso Ltd').Count | Should -Be 0

        $all = @(Get-PsaMappingSuggestion -IncludeMapped -ErrorAction Stop)
        $all.Count | Should -Be $Sandbox.TenantCount
        $included = @(Get-SuggestionFor $all 'Contoso Ltd')
        $included.Count | Should -Be 1
        $included[0].IsMapped | Should -BeTrue
        @($all | Where-Object { $_.IsMapped }).Count | Should -Be 1
    }

    It 'suggests for the customers piped from Get-SophosCustomer or given by id' {
        $fabrikam = @(Get-SophosCustomer -Name 'Fabrikam*')
        $fabrikam.Count | Should -BeGreaterThan 1

        $piped = @(Get-SophosCustomer -Name 'Fabrikam*' | Get-PsaMappingSuggestion -ErrorAction Stop)
        $piped.Count | Should -Be $fabrikam.Count
        foreach ($suggestion in $piped) { $suggestion.SophosCustomerName | Should -BeLike 'Fabrikam*' }

        $byId = @(Get-PsaMappingSuggestion -SophosCustomerId $fabrikam[0].SophosCustomerId, $fabrikam[1].SophosCustomerId -ErrorAction Stop)
        $byId.Count | Should -Be 2

        Set-PsaMapping -SophosCustomer 'Fabrikam, Inc.' -ContractId 100006 -WarningAction SilentlyContinue -ErrorAction Stop
        $withMapped = @(Get-SophosCustomer -Name 'Fabrikam*' | Get-PsaMappingSuggestion -IncludeMapped -ErrorAction Stop)
        $withMapped.Count | Should -Be $fabrikam.Count
        @($withMapped | Where-Object { $_.IsMapped } | ForEach-Object { $_.SophosCustomerName }) | Should -Be @('Fabrikam, Inc.')
    }

    It 'leaves out the suggestions that score below -MinimumScore and refuses a score outside 0 to 1' {
        $all = @(Get-PsaMappingSuggestion -ErrorAction Stop)
        $strong = @(Get-PsaMappingSuggestion -MinimumScore 0.9 -ErrorAction Stop)

        $strong.Count | Should -BeGreaterThan 0
        $strong.Count | Should -BeLessThan $all.Count
        $strong.Count | Should -Be @($all | Where-Object { $_.Score -ge 0.9 }).Count
        foreach ($suggestion in $strong) {
            $suggestion.Score | Should -BeGreaterOrEqual 0.9
            [string]$suggestion.Confidence | Should -BeIn @('High', 'Medium')
        }
        { Get-PsaMappingSuggestion -MinimumScore 1.5 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PsaMapping.Commands.GetPsaMappingSuggestionCommand'
    }

    It 'costs the same few requests for a few customers as for all of them, never one per customer' {
        $null = Get-PsaMappingSuggestion -ErrorAction Stop # the customer list and the companies are now cached in the session

        $all = @(Get-PsaMappingSuggestion -Verbose 4>&1)
        $few = @(Get-SophosCustomer -Name 'Fabrikam*' | Get-PsaMappingSuggestion -Verbose 4>&1)

        Get-RequestCount $all | Should -BeGreaterThan 0 -Because 'the active contracts are read on every run'
        Get-RequestCount $all | Should -BeLessThan 10 -Because "$($Sandbox.TenantCount) customers are matched locally, not one request each"
        Get-RequestCount $few | Should -Be (Get-RequestCount $all)
        (@($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message }) -join "`n") |
            Should -Match '\d+ High, \d+ Medium, \d+ Low, \d+ None'
    }
}
