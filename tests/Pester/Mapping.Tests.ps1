<#
    Recording mappings: Set-PsaMapping, Get-PsaMapping, Remove-PsaMapping, Get-PsaMappingHistory, and the CSV round trip,
    each on both stores: the folder and a table of Azure Table Storage (Azurite, a new table per test), with the same
    results; what only the folder has (its files) is checked on the folder.
    Shared setup (sandbox, Azurite, module, temporary store, helpers): TestSetup.ps1 beside this file.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1') -Azurite
}

AfterAll {
    Stop-TestEnvironment
}

Describe 'Set-PsaMapping on the <Store> store' -ForEach @(@{ Store = 'Folder' }, @{ Store = 'Table' }) {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
        $Customers = @(Get-SophosCustomer)
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive $Store
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'saves one mapping given by names and says so as the Sophos page does' {
        $info = $null
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso' -Contract 'Sophos MSP - Contoso' -SyncEnabled $true -InformationVariable info -ErrorAction Stop

        Get-InformationText $info | Should -Contain 'Saved 1 mapping (1 new, 0 changed; 0 already as given).'
        $rows = @(Get-PsaMapping)
        $rows.Count | Should -Be 1
        $rows[0].SophosCustomerId | Should -Be (Get-CustomerId 'Contoso Ltd')
        $rows[0].AutotaskCompanyId | Should -Be 1001
        $rows[0].ContractId | Should -Be 100001
        $rows[0].ContractName | Should -Be 'Sophos MSP - Contoso'
        $rows[0].SyncEnabled | Should -Be $true
        @(Get-PsaMappingHistory).Count | Should -Be 1
        if ($Store -eq 'Folder') { Join-Path $StoreFolder 'mappings.json' | Should -Exist }
    }

    It 'maps each customer to a contract of its best company through the composed pipeline' {
        Get-SophosCustomer -Name 'Fabrikam*' | Find-AutotaskCompany -First 1 | Find-AutotaskContract | Where-Object SupportsUsageSync |
            Set-PsaMapping -SyncEnabled $true -WarningAction SilentlyContinue -ErrorAction Stop

        $rows = @(Get-PsaMapping)
        $rows.Count | Should -Be @(Get-SophosCustomer -Name 'Fabrikam*').Count
        @($rows | Where-Object { $_.SophosCustomerName -eq 'Fabrikam, Inc.' })[0].ContractId | Should -Be 100006
        @($rows | Where-Object { -not $_.SyncEnabled }).Count | Should -Be 0
    }

    It 'refuses a customer Sophos Central does not have, naming the row, and still saves the other rows' {
        $unknown = [guid]::NewGuid().ToString()
        $refused = $null
        @(
            [pscustomobject]@{ SophosCustomerId = $unknown; ContractId = 100001 }
            [pscustomobject]@{ SophosCustomerId = (Get-CustomerId 'Contoso Ltd').ToString(); ContractId = 100001 }
        ) | Set-PsaMapping -ErrorAction SilentlyContinue -ErrorVariable refused -WarningAction SilentlyContinue

        @($refused).Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -Be 'SophosCustomerNotFound,PsaMapping.Commands.SetPsaMappingCommand'
        [string]$refused[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $refused[0].TargetObject.SophosCustomerId | Should -Be $unknown
        @(Get-PsaMapping).Count | Should -Be 1
    }

    It 'refuses <Case> with <ErrorId> (<Category>) and saves nothing' -TestCases @(
        @{ Case = 'a customer name Sophos Central does not have'; ErrorId = 'SophosCustomerNotFound'; Category = 'ObjectNotFound'; Message = 'Get-SophosCustomer'
           Arguments = @{ SophosCustomer = 'No Such Customer Ltd'; ContractId = 100001 } }
        @{ Case = 'an inactive company'; ErrorId = 'AutotaskCompanyInactive'; Category = 'InvalidArgument'; Message = 'is inactive'
           Arguments = @{ SophosCustomer = 'Old Customer Ltd'; AutotaskCompanyId = 1011; ContractId = 100016 } }
        @{ Case = 'a company that does not exist'; ErrorId = 'AutotaskCompanyNotFound'; Category = 'ObjectNotFound'; Message = 'no company with id 999999'
           Arguments = @{ SophosCustomer = 'Contoso Ltd'; AutotaskCompanyId = 999999; ContractId = 100001 } }
        @{ Case = 'a contract of another company'; ErrorId = 'ContractNotOfCompany'; Category = 'InvalidArgument'; Message = "'Contoso' (id 1001)"
           Arguments = @{ SophosCustomer = 'Contoso Ltd'; AutotaskCompany = 'Contoso Ltd'; ContractId = 100001 } }
        @{ Case = 'a cancelled contract'; ErrorId = 'ContractCancelled'; Category = 'InvalidArgument'; Message = 'cancelled'
           Arguments = @{ SophosCustomer = 'Contoso Ltd'; AutotaskCompany = 'Contoso'; Contract = 'Contoso Firewall 2023' } }
        @{ Case = 'a contract name several contracts have'; ErrorId = 'ContractAmbiguous'; Category = 'InvalidArgument'; Message = 'id 100005'
           Arguments = @{ SophosCustomer = 'Contoso Ltd'; Contract = 'Sophos MSP' } }
        @{ Case = 'a row without a contract'; ErrorId = 'MappingContractMissing'; Category = 'InvalidArgument'; Message = 'names no Autotask contract'
           Arguments = @{ SophosCustomer = 'Contoso Ltd'; AutotaskCompany = 'Contoso' } }
    ) {
        $refused = $null
        Set-PsaMapping @Arguments -ErrorAction SilentlyContinue -ErrorVariable refused

        @($refused).Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -Be "$ErrorId,PsaMapping.Commands.SetPsaMappingCommand"
        [string]$refused[0].CategoryInfo.Category | Should -Be $Category
        $refused[0].Exception.Message | Should -Match ([regex]::Escape($Message))
        @(Get-PsaMapping).Count | Should -Be 0
        @(Get-PsaMappingHistory).Count | Should -Be 0
        if ($Store -eq 'Folder') { Join-Path $StoreFolder 'mappings.json' | Should -Not -Exist }
    }

    It 'lists every candidate with its id when a contract name is ambiguous' {
        $refused = $null
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -Contract 'Sophos MSP' -ErrorAction SilentlyContinue -ErrorVariable refused

        $refused[0].Exception.Message | Should -Match 'id 100005'
        $refused[0].Exception.Message | Should -Match 'id 100006'
        $refused[0].Exception.Message | Should -Match 'ContractId'
    }

    It 'accepts <Case> with a warning' -TestCases @(
        @{ Case = 'an expired contract'; Warning = 'ended on'
           Arguments = @{ SophosCustomer = 'Contoso Ltd'; AutotaskCompany = 'Contoso'; Contract = 'Contoso Backup' } }
        @{ Case = 'a contract name another contract has'; Warning = "The contract name 'Sophos MSP' is used by"
           Arguments = @{ SophosCustomer = 'Fabrikam, Inc.'; AutotaskCompanyId = 1003; Contract = 'Sophos MSP' } }
        @{ Case = 'sync on a contract that is not Recurring Service'; Warning = 'Recurring Service'
           Arguments = @{ SophosCustomer = 'Contoso Ltd'; AutotaskCompany = 'Contoso'; Contract = 'Contoso Managed Services'; SyncEnabled = $true } }
    ) {
        $warnings = $null
        Set-PsaMapping @Arguments -WarningAction SilentlyContinue -WarningVariable warnings -ErrorAction Stop

        (@($warnings) -join "`n") | Should -Match ([regex]::Escape($Warning))
        @(Get-PsaMapping).Count | Should -Be 1
    }

    It 'maps the contract of the given company when another company has a contract of the same name' {
        Set-PsaMapping -SophosCustomer 'Fabrikam, Inc.' -AutotaskCompanyId 1003 -Contract 'Sophos MSP' -WarningAction SilentlyContinue -ErrorAction Stop

        @(Get-PsaMapping | ForEach-Object { $_.ContractId }) | Should -Be @(100006)
    }

    It 'does not warn about the contract type when sync is off' {
        $warnings = $null
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso' -Contract 'Contoso Managed Services' -SyncEnabled $false -WarningAction SilentlyContinue -WarningVariable warnings -ErrorAction Stop

        (@($warnings) -join "`n") | Should -Not -Match 'Recurring Service'
    }

    It 'allows two customers on one contract, with a warning that their usage is billed together' {
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -WarningAction SilentlyContinue -ErrorAction Stop
        $warnings = $null
        Set-PsaMapping -SophosCustomer 'Contoso Ltd.' -ContractId 100001 -WarningAction SilentlyContinue -WarningVariable warnings -ErrorAction Stop

        (@($warnings) -join "`n") | Should -Match ([regex]::Escape("(id 100001) is mapped to 2 customers, including 'Contoso Ltd.'"))
        @(Get-PsaMapping).Count | Should -Be 2
    }

    It 'keeps one mapping per customer and says whether it changed' {
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -WarningAction SilentlyContinue -ErrorAction Stop
        $changed = $null
        $unchanged = $null
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100004 -InformationVariable changed -WarningAction SilentlyContinue -ErrorAction Stop
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100004 -InformationVariable unchanged -WarningAction SilentlyContinue -ErrorAction Stop

        (@(Get-InformationText $changed) -join "`n") | Should -Match ([regex]::Escape('Saved 1 mapping (0 new, 1 changed; 0 already as given).'))
        Get-InformationText $unchanged | Should -Contain 'Nothing to save: the mapping is saved as given.'
        $rows = @(Get-PsaMapping)
        $rows.Count | Should -Be 1
        $rows[0].ContractId | Should -Be 100004
    }

    It 'reads SyncEnabled as a spreadsheet writes it, and refuses only the row whose value is not a yes or no' {
        $path = Join-Path $TestDrive 'sync-values.csv'
        [System.IO.File]::WriteAllLines($path, [string[]]@(
                '"SophosCustomerName","ContractId","SyncEnabled"'
                '"Contoso Ltd","100001","True"'
                '"Fabrikam, Inc.","100006","no"'
                '"Fabrikam Residences","100008","1"'
                '"Adventure Works LLC","100014","maybe"'
            ))
        $refused = $null
        Import-Csv -LiteralPath $path | Set-PsaMapping -ErrorAction SilentlyContinue -ErrorVariable refused -WarningAction SilentlyContinue

        @($refused).Count | Should -Be 1
        $refused[0].Exception.Message | Should -Match 'is not a yes or no'
        $sync = @{}
        Get-PsaMapping | ForEach-Object { $sync[$_.SophosCustomerName] = $_.SyncEnabled }
        $sync.Count | Should -Be 3
        $sync['Contoso Ltd'] | Should -Be $true
        $sync['Fabrikam, Inc.'] | Should -Be $false
        $sync['Fabrikam Residences'] | Should -Be $true
    }

    It 'reports each CSV row with a missing or invalid column, naming the row, and saves the good rows' {
        $path = Join-Path $TestDrive 'bad-rows.csv'
        [System.IO.File]::WriteAllLines($path, [string[]]@(
                '"SophosCustomerId","SophosCustomerName","AutotaskCompanyId","ContractId","Notes"'
                '"not-a-guid","","","100001",""'                   # not a customer id
                '"","Contoso Ltd","","abc",""'                     # not a contract id
                '"","","","100006",""'                             # no customer
                '"","Fabrikam, Inc.","1003","",""'                 # no contract
                '"","Fabrikam Residences","","100008",""'          # good
                '"","","","","a blank row, as -IncludeUnmapped exports"'
            ))
        $refused = $null

        Import-Csv -LiteralPath $path | Set-PsaMapping -ErrorAction SilentlyContinue -ErrorVariable refused -WarningAction SilentlyContinue

        @($refused | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) |
            Should -Be @('MappingColumnInvalid', 'MappingColumnInvalid', 'MappingCustomerMissing', 'MappingContractMissing')
        $refused[0].Exception.Message | Should -Match ([regex]::Escape("'not-a-guid' is not a customer id"))
        $refused[1].Exception.Message | Should -Match ([regex]::Escape("'abc' is not a contract id"))
        $refused[1].TargetObject.SophosCustomerName | Should -Be 'Contoso Ltd'
        @(Get-PsaMapping | ForEach-Object { $_.SophosCustomerName }) | Should -Be @('Fabrikam Residences')
    }

    It 'checks the rows with -WhatIf but writes nothing and claims nothing' {
        $info = $null
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -WhatIf -InformationVariable info -ErrorAction Stop

        @(Get-PsaMapping).Count | Should -Be 0
        @(Get-PsaMappingHistory).Count | Should -Be 0
        if ($Store -eq 'Folder') { Join-Path $StoreFolder 'mappings.json' | Should -Not -Exist }
        @(Get-InformationText $info | Where-Object { $_ -like 'Saved*' }).Count | Should -Be 0
    }

    It 'claims nothing with -WhatIf when the rows would change nothing, and leaves the store as it was' {
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -WarningAction SilentlyContinue -ErrorAction Stop
        $saved = @(Get-PsaMapping)[0]
        $file = Join-Path $StoreFolder 'mappings.json'
        if ($Store -eq 'Folder') { $before = [System.IO.File]::ReadAllText($file) }
        $info = $null

        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -WhatIf -InformationVariable info -WarningAction SilentlyContinue -ErrorAction Stop

        @(Get-InformationText $info).Count | Should -Be 0
        @(Get-PsaMapping)[0].UpdatedAt | Should -Be $saved.UpdatedAt
        @(Get-PsaMappingHistory).Count | Should -Be 1
        if ($Store -eq 'Folder') { [System.IO.File]::ReadAllText($file) | Should -Be $before }
    }

    It 'outputs the saved mappings with -PassThru' {
        $saved = @(Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -PassThru -ErrorAction Stop)

        $saved.Count | Should -Be 1
        $saved[0].ContractId | Should -Be 100001
        $saved[0].PSObject.TypeNames | Should -Contain 'PsaMapping.Engine.Mapping.MappingRow'
    }

    It 'checks a pipeline of 1,000 rows with a bounded number of requests' {
        $activeCompanies = @{}
        Find-AutotaskCompany | ForEach-Object { $activeCompanies[$_.AutotaskCompanyId] = $true }
        $contracts = @(Find-AutotaskContract | Where-Object { $activeCompanies.ContainsKey($_.AutotaskCompanyId) })
        # 1,000 rows over the customers, so each customer comes several times (the last row is kept).
        $rows = for ($i = 0; $i -lt 1000; $i++) {
            [pscustomobject]@{
                SophosCustomerId = $Customers[$i % $Customers.Count].SophosCustomerId
                ContractId       = $contracts[$i % $contracts.Count].ContractId
            }
        }
        $refused = $null

        $all = @($rows | Set-PsaMapping -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable refused -Verbose 4>&1)

        Get-RequestCount $all | Should -BeLessOrEqual 25 -Because 'everything is fetched in bulk, never one request per row'
        @($refused).Count | Should -Be 0
        @(Get-PsaMapping).Count | Should -Be $Sandbox.TenantCount
    }
}

Describe 'Get-PsaMapping on the <Store> store' -ForEach @(@{ Store = 'Folder' }, @{ Store = 'Table' }) {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive $Store
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -SyncEnabled $true -WarningAction SilentlyContinue -ErrorAction Stop
        Set-PsaMapping -SophosCustomer 'Fabrikam, Inc.' -ContractId 100006 -WarningAction SilentlyContinue -ErrorAction Stop
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'reads the saved mappings in a session that is not connected, without a request, and filters them' {
        $result = Invoke-InNewSession -Script @'
[pscustomobject]@{
    All      = @(Get-PsaMapping -Verbose 4>&1)
    Synced   = @(Get-PsaMapping -SyncEnabled $true)
    Fabrikam = @(Get-PsaMapping 'fab*')
}
'@

        $result.Terminating | Should -BeNullOrEmpty
        @($result.Errors).Count | Should -Be 0
        $found = $result.Output[0]
        @($found.All | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -Be 2
        Get-RequestCount $found.All | Should -Be 0
        @($found.Synced | ForEach-Object { $_.SophosCustomerName }) | Should -Be @('Contoso Ltd')
        @($found.Fabrikam | ForEach-Object { $_.SophosCustomerName }) | Should -Be @('Fabrikam, Inc.')
    }

    It 'shows the whole page with -IncludeUnmapped, a blank row for each customer without a mapping' {
        $rows = @(Get-PsaMapping -IncludeUnmapped)

        $rows.Count | Should -Be $Sandbox.TenantCount
        @($rows | Where-Object { $_.IsMapped }).Count | Should -Be 2
        $blank = @($rows | Where-Object { -not $_.IsMapped })[0]
        $blank.SophosCustomerName | Should -Not -BeNullOrEmpty
        $blank.AutotaskCompanyId | Should -BeNullOrEmpty
        $blank.ContractName | Should -BeNullOrEmpty
    }

    # The folder's own file; a table row it cannot read is TableMappingStoreTests' (MappingStoreUnreadable).
    if ($Store -eq 'Folder') {
        It 'reports a mapping file it cannot read (<Case>) and never overwrites it' -TestCases @(
            @{ Case = 'not JSON'; Content = '{ this is not json'; ErrorId = 'MappingFileUnreadable' }
            @{ Case = 'written by a newer version'; Content = '{ "schemaVersion": 99, "revision": 1, "mappings": [] }'; ErrorId = 'MappingFileNewer' }
        ) {
            $file = Join-Path $StoreFolder 'mappings.json'
            [System.IO.File]::WriteAllText($file, $Content)

            { Get-PsaMapping } | Should -Throw -ErrorId "$ErrorId,PsaMapping.Commands.GetPsaMappingCommand"
            { Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 } | Should -Throw -ErrorId "$ErrorId,PsaMapping.Commands.SetPsaMappingCommand"
            { Remove-PsaMapping 'Contoso Ltd' -Confirm:$false } | Should -Throw -ErrorId "$ErrorId,PsaMapping.Commands.RemovePsaMappingCommand"
            [System.IO.File]::ReadAllText($file) | Should -Be $Content
        }
    }
}

Describe 'Remove-PsaMapping and Get-PsaMappingHistory on the <Store> store' -ForEach @(@{ Store = 'Folder' }, @{ Store = 'Table' }) {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive $Store
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -WarningAction SilentlyContinue -ErrorAction Stop
        Set-PsaMapping -SophosCustomer 'Fabrikam, Inc.' -ContractId 100006 -WarningAction SilentlyContinue -ErrorAction Stop
        Set-PsaMapping -SophosCustomer 'Fabrikam Residences' -ContractId 100008 -WarningAction SilentlyContinue -ErrorAction Stop
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'removes nothing with -WhatIf, then removes by name and from the pipeline' {
        Remove-PsaMapping 'Contoso Ltd' -WhatIf
        @(Get-PsaMapping).Count | Should -Be 3

        $info = $null
        Remove-PsaMapping 'Contoso Ltd' -Confirm:$false -InformationVariable info -ErrorAction Stop
        Get-InformationText $info | Should -Contain 'Removed 1 mappings.'
        Get-PsaMapping 'Fabrikam R*' | Remove-PsaMapping -Confirm:$false -ErrorAction Stop

        @(Get-PsaMapping | ForEach-Object { $_.SophosCustomerName }) | Should -Be @('Fabrikam, Inc.')
    }

    It 'reports a name that has no mapping as not found and removes the others' {
        $missing = $null
        Remove-PsaMapping 'Old Customer', 'Contoso Ltd' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable missing

        @($missing).Count | Should -Be 1
        $missing[0].FullyQualifiedErrorId | Should -Be 'MappingNotFound,PsaMapping.Commands.RemovePsaMappingCommand'
        [string]$missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $missing[0].TargetObject | Should -Be 'Old Customer'
        @(Get-PsaMapping).Count | Should -Be 2
    }

    It 'records every saved change with who made it, before and after' {
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100004 -WarningAction SilentlyContinue -ErrorAction Stop
        Remove-PsaMapping 'Contoso Ltd' -Confirm:$false -ErrorAction Stop

        $history = @(Get-PsaMappingHistory 'Contoso Ltd')

        @($history | ForEach-Object { [string]$_.Kind }) | Should -Be @('Added', 'Changed', 'Removed')
        $history[1].Before.ContractId | Should -Be 100001
        $history[1].After.ContractId | Should -Be 100004
        $history[1].Who | Should -Not -BeNullOrEmpty
        $history[2].After | Should -BeNullOrEmpty
        @(Get-PsaMappingHistory -Last 1).Count | Should -Be 1
        @(Get-PsaMapping 'Fabrikam, Inc.' | Get-PsaMappingHistory | ForEach-Object { [string]$_.Kind }) | Should -Be @('Added')
    }
}

Describe 'Get-PsaMapping | Export-Csv, then Import-Csv | Set-PsaMapping, on the <Store> store' -ForEach @(@{ Store = 'Folder' }, @{ Store = 'Table' }) {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
        $Mueller = 'M' + [char]0x00FC + 'ller Maschinenbau GmbH' # kept out of the file for Windows PowerShell 5.1
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive $Store
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -SyncEnabled $true -WarningAction SilentlyContinue -ErrorAction Stop
        Set-PsaMapping -SophosCustomer 'Fabrikam, Inc.' -ContractId 100006 -WarningAction SilentlyContinue -ErrorAction Stop
        Set-PsaMapping -SophosCustomer $Mueller -AutotaskCompanyId 1005 -Contract 'Sophos MSP - Mueller Maschinenbau' -WarningAction SilentlyContinue -ErrorAction Stop
        $Original = @(Get-PsaMapping)
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'reproduces the seven mapping properties exactly in an empty store' {
        $Original.Count | Should -Be 3
        $path = Join-Path $TestDrive ('mappings-' + [guid]::NewGuid().ToString('N') + '.csv')
        Get-PsaMapping | Export-Csv $path -NoTypeInformation

        $null = Use-EmptyStore $TestDrive $Store
        @(Get-PsaMapping).Count | Should -Be 0
        # Ids win over names, so even Windows PowerShell 5.1's ASCII Export-Csv (which loses the umlaut) round-trips.
        Import-Csv $path | Set-PsaMapping -WarningAction SilentlyContinue -ErrorAction Stop

        @(ConvertTo-MappingText @(Get-PsaMapping)) | Should -Be @(ConvertTo-MappingText $Original)
    }

    It 'imports an exported page with its blank rows (-IncludeUnmapped) as the same mappings' {
        $path = Join-Path $TestDrive ('page-' + [guid]::NewGuid().ToString('N') + '.csv')
        Get-PsaMapping -IncludeUnmapped | Export-Csv $path -NoTypeInformation
        @(Import-Csv $path).Count | Should -Be $Sandbox.TenantCount

        $null = Use-EmptyStore $TestDrive $Store
        $refused = $null
        Import-Csv $path | Set-PsaMapping -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable refused

        @($refused).Count | Should -Be 0
        @(ConvertTo-MappingText @(Get-PsaMapping)) | Should -Be @(ConvertTo-MappingText $Original)
    }

    It 'changes nothing when the export is imported back into the same store' {
        $path = Join-Path $TestDrive ('same-' + [guid]::NewGuid().ToString('N') + '.csv')
        Get-PsaMapping | Export-Csv $path -NoTypeInformation
        $info = $null

        Import-Csv $path | Set-PsaMapping -InformationVariable info -WarningAction SilentlyContinue -ErrorAction Stop

        Get-InformationText $info | Should -Contain 'Nothing to save: all 3 mappings are saved as given.'
        @(Get-PsaMappingHistory).Count | Should -Be 3
    }
}

Describe 'Import-Csv | Set-PsaMapping: rows from a spreadsheet never silently do something other than what they say, on the <Store> store' -ForEach @(@{ Store = 'Folder' }, @{ Store = 'Table' }) {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox

        # The rows of a CSV file holding these lines, read back with Import-Csv.
        function Import-CsvLines([string[]]$Lines) {
            $path = Join-Path $TestDrive ('rows-' + [guid]::NewGuid().ToString('N') + '.csv')
            [System.IO.File]::WriteAllLines($path, $Lines)
            Import-Csv -LiteralPath $path
        }
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive $Store
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'takes only whole decimal numbers as contract ids (<Cell>)' -TestCases @(
        @{ Cell = '100001.6' }
        @{ Cell = '0x186A1' }
        @{ Cell = '1e5' }
    ) {
        $refused = $null
        Import-CsvLines @('"SophosCustomerName","ContractId"', ('"Contoso Ltd","{0}"' -f $Cell)) |
            Set-PsaMapping -ErrorAction SilentlyContinue -ErrorVariable refused -WarningAction SilentlyContinue

        @($refused).Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -Be 'MappingColumnInvalid,PsaMapping.Commands.SetPsaMappingCommand'
        $refused[0].Exception.Message | Should -Match 'whole decimal number'
        @(Get-PsaMapping).Count | Should -Be 0
    }

    It 'takes a contract id with a space after it' {
        Import-CsvLines @('"SophosCustomerName","ContractId"', '"Contoso Ltd","100001 "') |
            Set-PsaMapping -WarningAction SilentlyContinue -ErrorAction Stop

        @(Get-PsaMapping | ForEach-Object { $_.ContractId }) | Should -Be @(100001)
    }

    It 'refuses a contract id typed as a fraction on the command line' {
        $errorRecord = $null
        try {
            Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001.6 -ErrorAction Stop
        }
        catch {
            $errorRecord = $_
        }

        $errorRecord | Should -Not -BeNullOrEmpty
        $errorRecord.Exception.Message | Should -Match '100001\.6'
        @(Get-PsaMapping).Count | Should -Be 0
    }

    It 'warns once about a misspelled column, naming it and the column it may mean' {
        $warnings = $null
        Import-CsvLines @(
            '"SophosCustomerName","ContractId","SyncEnable"'
            '"Contoso Ltd","100001","True"'
            '"Fabrikam Residences","100008","True"'
        ) | Set-PsaMapping -WarningAction SilentlyContinue -WarningVariable warnings -ErrorAction Stop

        @($warnings).Count | Should -Be 1
        [string]$warnings[0] | Should -Match ([regex]::Escape("'SyncEnable'"))
        [string]$warnings[0] | Should -Match 'SyncEnabled'
    }

    It 'does not suspect the columns of rows PsaMapping exported itself' {
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -WarningAction SilentlyContinue -ErrorAction Stop
        $path = Join-Path $TestDrive ('page-' + [guid]::NewGuid().ToString('N') + '.csv')
        Get-PsaMapping -IncludeUnmapped | Export-Csv -LiteralPath $path -NoTypeInformation
        $warnings = $null

        Import-Csv -LiteralPath $path | Set-PsaMapping -WarningAction SilentlyContinue -WarningVariable warnings -ErrorAction Stop

        @($warnings).Count | Should -Be 0
    }

    It 'says so when two rows are for one customer, whichever of them is valid' {
        $refused = $null
        $warnings = $null
        Import-CsvLines @(
            '"SophosCustomerName","ContractId"'
            '"Contoso Ltd","100001"'
            '"Contoso Ltd","999999"'
        ) | Set-PsaMapping -ErrorAction SilentlyContinue -ErrorVariable refused -WarningAction SilentlyContinue -WarningVariable warnings

        @($refused | ForEach-Object { $_.FullyQualifiedErrorId }) | Should -Be @('ContractNotFound,PsaMapping.Commands.SetPsaMappingCommand')
        (@($warnings) -join "`n") | Should -Match ([regex]::Escape("'Contoso Ltd' is given in 2 rows"))
        @(Get-PsaMapping | ForEach-Object { $_.ContractId }) | Should -Be @(100001)
    }

    It 'says to run Remove-PsaMapping for a blanked row of a mapped customer, and keeps the mapping' {
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -ContractId 100001 -WarningAction SilentlyContinue -ErrorAction Stop
        $customerId = @(Get-PsaMapping)[0].SophosCustomerId
        $warnings = $null

        Import-CsvLines @(
            '"SophosCustomerName","AutotaskCompanyName","ContractName","ContractId"'
            '"Contoso Ltd","","",""'
        ) | Set-PsaMapping -WarningAction SilentlyContinue -WarningVariable warnings -ErrorAction Stop

        @($warnings).Count | Should -Be 1
        [string]$warnings[0] | Should -Match ([regex]::Escape("Remove-PsaMapping -SophosCustomerId $customerId"))
        @(Get-PsaMapping).Count | Should -Be 1
    }
}

# On the folder only: the mappings, for customers the sandbox does not have, are written into mappings.json by hand.
Describe 'Customer names with wildcard characters' {
    BeforeAll {
        $null = Connect-Sandbox
        $AcmeEu = [guid]::NewGuid()
        $AcmeE = [guid]::NewGuid()

        # A mapping file written by hand, for customers the sandbox does not have: one mapping per id and name given.
        function Write-MappingFile([hashtable]$Customers) {
            $null = New-Item -ItemType Directory -Path $env:PSAMAPPING_HOME -Force
            $rows = foreach ($id in $Customers.Keys) {
                @{ sophosCustomerId = [string]$id; sophosCustomerName = $Customers[$id]; autotaskCompanyId = 1001; autotaskCompanyName = 'Contoso'
                   contractId = 100001; contractName = 'Sophos MSP - Contoso'; syncEnabled = $false }
            }
            $json = @{ schemaVersion = 1; revision = 1; mappings = @($rows) } | ConvertTo-Json -Depth 5
            [System.IO.File]::WriteAllText((Join-Path $env:PSAMAPPING_HOME 'mappings.json'), $json)
        }
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'matches an exact name with brackets as it is written, not as a pattern' {
        Write-MappingFile @{ $AcmeEu = 'Acme [EU]'; $AcmeE = 'Acme E' }

        @(Get-PsaMapping 'Acme [EU]' | ForEach-Object { $_.SophosCustomerName }) | Should -Be @('Acme [EU]')
        Remove-PsaMapping 'Acme [EU]' -Confirm:$false -ErrorAction Stop

        @(Get-PsaMapping | ForEach-Object { $_.SophosCustomerName }) | Should -Be @('Acme E')
        @(Get-PsaMappingHistory 'Acme [EU]').Count | Should -Be 1
    }

    It 'reports a remove that matches nothing as not found, a pattern too' {
        Write-MappingFile @{ $AcmeEu = 'Acme [EU]' }
        $missing = $null

        Remove-PsaMapping 'Acme EU', 'Zzz*' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable missing

        @($missing | ForEach-Object { $_.FullyQualifiedErrorId }) |
            Should -Be @('MappingNotFound,PsaMapping.Commands.RemovePsaMappingCommand', 'MappingNotFound,PsaMapping.Commands.RemovePsaMappingCommand')
        @(Get-PsaMapping | ForEach-Object { $_.SophosCustomerName }) | Should -Be @('Acme [EU]')
    }

    It 'refuses an unbalanced bracket with a clear error (<Command>)' -TestCases @(
        @{ Command = 'Get-PsaMapping'; Cmdlet = 'GetPsaMappingCommand' }
        @{ Command = 'Remove-PsaMapping'; Cmdlet = 'RemovePsaMappingCommand' }
        @{ Command = 'Get-PsaMappingHistory'; Cmdlet = 'GetPsaMappingHistoryCommand' }
        @{ Command = 'Get-SophosCustomer'; Cmdlet = 'GetSophosCustomerCommand' }
        @{ Command = 'Get-SophosUsage'; Cmdlet = 'GetSophosUsageCommand' }
        @{ Command = 'Sync-PsaUsage'; Cmdlet = 'SyncPsaUsageCommand' }
        @{ Command = 'Get-PsaSyncHistory'; Cmdlet = 'GetPsaSyncHistoryCommand' }
        @{ Command = 'Get-PsaProductMapping'; Cmdlet = 'GetPsaProductMappingCommand' }
        @{ Command = 'Remove-PsaProductMapping'; Cmdlet = 'RemovePsaProductMappingCommand' }
        @{ Command = 'Find-AutotaskContract'; Cmdlet = 'FindAutotaskContractCommand' }
    ) {
        Write-MappingFile @{ $AcmeEu = 'Acme [EU]' }
        Remove-PsaMapping 'Acme [EU]' -Confirm:$false -ErrorAction Stop # one history entry to search
        $errorRecord = $null
        $more = @{}
        if ($Command -like 'Remove-*') { $more.Confirm = $false }
        if ($Command -eq 'Sync-PsaUsage') { $more.WhatIf = $true }

        try {
            & $Command 'Acme [EU' @more -ErrorAction Stop
        }
        catch {
            $errorRecord = $_
        }

        $errorRecord.FullyQualifiedErrorId | Should -Be "NamePatternInvalid,PsaMapping.Commands.$Cmdlet"
        [string]$errorRecord.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errorRecord.Exception.Message | Should -Match ([regex]::Escape("'Acme ``[EU'"))
    }
}
