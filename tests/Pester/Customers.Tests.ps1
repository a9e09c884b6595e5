<#
    Sophos Central customers: Get-SophosCustomer.
    Shared setup (sandbox, module, temporary store, helpers): TestSetup.ps1 beside this file.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}

AfterAll {
    Stop-TestEnvironment
}

Describe 'Get-SophosCustomer' {
    BeforeAll {
        $null = Connect-Sandbox
        $AllCustomers = @(Get-SophosCustomer -Refresh)
    }

    It 'says to run Connect-SophosCentral when the session is not connected' {
        $result = Invoke-InNewSession -Script 'Get-SophosCustomer'

        $result.Terminating | Should -Not -BeNullOrEmpty
        $result.Terminating.FullyQualifiedErrorId | Should -Be 'SophosNotConnected,PsaMapping.Commands.GetSophosCustomerCommand'
        $result.Terminating.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $result.Terminating.Exception.Message | Should -Match 'Connect-SophosCentral'
        @(Get-SophosCustomer -Name 'Contoso Ltd').Count | Should -Be 1 -Because 'each session keeps its own connection'
    }

    It 'lists every customer of the partner once' {
        $AllCustomers.Count | Should -Be $Sandbox.TenantCount
        @($AllCustomers | ForEach-Object { $_.SophosCustomerId } | Sort-Object -Unique).Count | Should -Be $Sandbox.TenantCount
        $AllCustomers[0].PSObject.TypeNames | Should -Contain 'PsaMapping.Engine.Sophos.SophosCustomer'
        $AllCustomers[0].SophosCustomerName | Should -Not -BeNullOrEmpty
        foreach ($property in 'ShowAs', 'DataRegion', 'DataGeography', 'BillingType', 'ApiHost') {
            $AllCustomers[0].PSObject.Properties.Name | Should -Contain $property
        }
        @($AllCustomers | Where-Object { $_.DataRegion -and $_.BillingType }).Count | Should -BeGreaterThan 0
    }

    It 'passes customers not activated yet through, with an empty ApiHost' {
        $notActivated = @($AllCustomers | Where-Object { -not $_.ApiHost })

        $notActivated.Count | Should -BeGreaterThan 0
        $notActivated.Count | Should -BeLessThan $AllCustomers.Count
        $notActivated[0].SophosCustomerName | Should -Not -BeNullOrEmpty
    }

    It 'completes customer names on Tab' {
        $line = 'Get-SophosCustomer -Name Contoso'
        $completions = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object { $_.CompletionText })

        $completions | Should -Contain "'Contoso Ltd'"
    }

    It 'takes wildcards in -Name and ignores case' {
        $found = @(Get-SophosCustomer -Name 'fabrikam*')

        $found.SophosCustomerName | Should -Contain 'Fabrikam, Inc.'
        $expected = @($AllCustomers | Where-Object { $_.SophosCustomerName -like 'fabrikam*' })
        $found.Count | Should -Be $expected.Count
    }

    It 'returns a customer that matches several names once' {
        $found = @(Get-SophosCustomer 'Contoso Ltd', 'contoso*')

        @($found | Where-Object { $_.SophosCustomerName -eq 'Contoso Ltd' }).Count | Should -Be 1
    }

    It 'reports an exact name that matches nothing as not found and still returns the others' {
        $missing = $null
        $found = @(Get-SophosCustomer 'No Such Customer', 'Contoso Ltd', 'Nothing*' -ErrorAction SilentlyContinue -ErrorVariable missing)

        $found.Count | Should -Be 1
        @($missing).Count | Should -Be 1
        $missing[0].FullyQualifiedErrorId | Should -Be 'SophosCustomerNotFound,PsaMapping.Commands.GetSophosCustomerCommand'
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $missing[0].TargetObject | Should -Be 'No Such Customer'
    }

    It 'finds customers by -Id and reports an unknown id as not found' {
        $unknown = [guid]::NewGuid()
        $missing = $null
        $found = @(Get-SophosCustomer -Id $AllCustomers[3].SophosCustomerId, $unknown, $AllCustomers[7].SophosCustomerId -ErrorAction SilentlyContinue -ErrorVariable missing)

        $found.SophosCustomerId | Should -Be @($AllCustomers[3].SophosCustomerId, $AllCustomers[7].SophosCustomerId)
        @($missing).Count | Should -Be 1
        $missing[0].FullyQualifiedErrorId | Should -Be 'SophosCustomerNotFound,PsaMapping.Commands.GetSophosCustomerCommand'
        $missing[0].TargetObject | Should -Be $unknown
    }

    It 'binds SophosCustomerId from the pipeline by property name' {
        $found = @($AllCustomers[1], $AllCustomers[2] |
            ForEach-Object { [pscustomobject]@{ SophosCustomerId = $_.SophosCustomerId.ToString() } } |
            Get-SophosCustomer)

        $found.SophosCustomerName | Should -Be @($AllCustomers[1].SophosCustomerName, $AllCustomers[2].SophosCustomerName)
    }

    It 'round-trips through Export-Csv and Import-Csv' {
        $path = Join-Path $TestDrive 'customers.csv'
        $original = @(Get-SophosCustomer -Name 'Contoso*', 'Fabrikam*')
        $original | Export-Csv -LiteralPath $path -NoTypeInformation

        $rows = @(Import-Csv -LiteralPath $path)
        $rows[0].PSObject.Properties.Name | Should -Contain 'SophosCustomerId'
        $rows[0].PSObject.Properties.Name | Should -Contain 'SophosCustomerName'
        $again = @($rows | Get-SophosCustomer)
        $again.SophosCustomerId | Should -Be $original.SophosCustomerId
        $again.SophosCustomerName | Should -Be $original.SophosCustomerName
    }

    It 'answers from the list cached in the session, without a request, and -Refresh fetches it again' {
        $cached = @(Get-SophosCustomer -Name 'Contoso*' -Verbose 4>&1)
        ($cached | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message }) -join "`n" |
            Should -Match 'already fetched in this session'
        Get-RequestCount $cached | Should -Be 0

        $refreshed = @(Get-SophosCustomer -Refresh -Verbose 4>&1)
        ($refreshed | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message }) -join "`n" |
            Should -Match ('Fetched {0} Sophos Central customers' -f $Sandbox.TenantCount)
        Get-RequestCount $refreshed | Should -BeGreaterOrEqual 3 -Because '250 customers are three pages of 100'
    }

    It 'reports progress while fetching several pages and completes it' {
        $parameters = @{
            Credential = (New-TestCredential $Sandbox.ClientId $Sandbox.Secret)
            AuthUri    = $Sandbox.AuthUri
            ApiUri     = $Sandbox.ApiUri
        }
        $result = Invoke-InNewSession -Parameters $parameters -Script @'
param($Credential, $AuthUri, $ApiUri)
$null = Connect-SophosCentral -Credential $Credential -AuthUri $AuthUri -ApiUri $ApiUri -ErrorAction Stop
Get-SophosCustomer -Refresh
'@

        $result.Terminating | Should -BeNullOrEmpty
        $result.Output.Count | Should -Be $Sandbox.TenantCount
        @($result.Progress | Where-Object { $_.RecordType -eq 'Processing' -and $_.StatusDescription -match 'of 3' }).Count | Should -BeGreaterThan 0
        $result.Progress[-1].RecordType | Should -Be 'Completed'
    }
}
