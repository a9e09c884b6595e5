<#
    The troubleshooting page as commands: Test-PsaMapping and Update-PsaMapping.
    Shared setup (sandbox, module, temporary store, helpers): TestSetup.ps1 beside this file.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}

AfterAll {
    Stop-TestEnvironment
}

Describe 'Test-PsaMapping and Update-PsaMapping' {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
        $Customers = @(Get-SophosCustomer)

        # One mapping as mappings.json holds it.
        function New-MappingRow($CustomerId, [string]$CustomerName, [long]$CompanyId, [string]$CompanyName, [long]$ContractId, [string]$ContractName, [bool]$Sync = $false) {
            @{
                sophosCustomerId    = [string]$CustomerId
                sophosCustomerName  = $CustomerName
                autotaskCompanyId   = $CompanyId
                autotaskCompanyName = $CompanyName
                contractId          = $ContractId
                contractName        = $ContractName
                syncEnabled         = $Sync
            }
        }

        # A mapping file written by hand, to hold mappings that Set-PsaMapping would refuse.
        function Write-MappingFile([object[]]$Rows) {
            $null = New-Item -ItemType Directory -Path $env:PSAMAPPING_HOME -Force
            $json = @{ schemaVersion = 1; revision = 1; mappings = @($Rows) } | ConvertTo-Json -Depth 5
            [System.IO.File]::WriteAllText((Join-Path $env:PSAMAPPING_HOME 'mappings.json'), $json)
        }

        function Get-ProblemKind([object[]]$Problems, [string]$Customer) {
            @($Problems | Where-Object { $_.SophosCustomerName -eq $Customer } | ForEach-Object { $_.Problem })
        }
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'reports each kind of problem with its severity and how to fix it' {
        Write-MappingFile @(
            (New-MappingRow ([guid]::NewGuid()) 'Vanished GmbH' 1001 'Contoso' 100001 'Sophos MSP - Contoso')
            (New-MappingRow (Get-CustomerId 'Contoso Ltd') 'Contoso Ltd' 1001 'Contoso (old name)' 100003 'Contoso Firewall 2023')
            (New-MappingRow (Get-CustomerId 'Contoso Ltd.') 'Contoso Ltd.' 1001 'Contoso' 100004 'Contoso Backup')
            (New-MappingRow (Get-CustomerId 'Contoso Group Ltd') 'Contoso Group Ltd' 1002 'Contoso Ltd' 100001 'Sophos MSP - Contoso')
            (New-MappingRow (Get-CustomerId 'Fabrikam, Inc.') 'Fabrikam, Inc.' 1003 'Fabrikam, Inc.' 100007 'Fabrikam Block Hours' $true)
            (New-MappingRow (Get-CustomerId 'Fabrikam Inc') 'Fabrikam Inc' 1003 'Fabrikam, Inc.' 100006 'Sophos MSP')
            (New-MappingRow (Get-CustomerId 'Old Customer Ltd') 'Old Customer Ltd' 1011 'Old Customer Ltd' 100016 'Sophos MSP - Old Customer')
            (New-MappingRow (Get-CustomerId 'Tailspin Toys Pty Ltd') 'Tailspin Toys Pty Ltd' 987654 'Deleted Company' 987654 'Deleted Contract')
        )

        $problems = @(Test-PsaMapping -ErrorAction Stop)

        Get-ProblemKind $problems 'Vanished GmbH' | Should -Contain 'CustomerGone'
        Get-ProblemKind $problems 'Vanished GmbH' | Should -Contain 'SharedContract'
        Get-ProblemKind $problems 'Contoso Ltd' | Should -Contain 'CompanyRenamed'
        Get-ProblemKind $problems 'Contoso Ltd' | Should -Contain 'ContractCancelled'
        Get-ProblemKind $problems 'Contoso Ltd.' | Should -Contain 'ContractExpired'
        Get-ProblemKind $problems 'Contoso Group Ltd' | Should -Contain 'ContractMoved'
        Get-ProblemKind $problems 'Fabrikam, Inc.' | Should -Contain 'SyncOnNonRecurring'
        Get-ProblemKind $problems 'Fabrikam Inc' | Should -Contain 'DuplicateContractName'
        Get-ProblemKind $problems 'Old Customer Ltd' | Should -Contain 'CompanyInactive'
        Get-ProblemKind $problems 'Tailspin Toys Pty Ltd' | Should -Contain 'CompanyGone'
        Get-ProblemKind $problems 'Tailspin Toys Pty Ltd' | Should -Contain 'ContractGone'
        Get-ProblemKind $problems 'Northwind Traders S.A.' | Should -Contain 'Unmapped'

        $cancelled = @($problems | Where-Object { $_.Problem -eq 'ContractCancelled' -and $_.SophosCustomerName -eq 'Contoso Ltd' })[0]
        [string]$cancelled.Severity | Should -Be 'Error'
        $cancelled.HowToFix | Should -Match 'Find-AutotaskContract'
        [string]@($problems | Where-Object { $_.Problem -eq 'ContractExpired' })[0].Severity | Should -Be 'Warning'
        [string]@($problems | Where-Object { $_.Problem -eq 'Unmapped' })[0].Severity | Should -Be 'Information'
        [string]@($problems | Where-Object { $_.Problem -eq 'CustomerGone' })[0].HowToFix | Should -Match 'Remove-PsaMapping'
    }

    It 'answers -Quiet with $false when a mapping has an error and $true when none has' {
        Write-MappingFile @((New-MappingRow (Get-CustomerId 'Contoso Ltd') 'Contoso Ltd' 1001 'Contoso' 100003 'Contoso Firewall 2023'))
        $answer = @(Test-PsaMapping -Quiet -ErrorAction Stop)
        $answer.Count | Should -Be 1
        $answer[0] | Should -BeOfType [bool]
        $answer[0] | Should -Be $false

        Write-MappingFile @((New-MappingRow (Get-CustomerId 'Contoso Ltd') 'Contoso Ltd' 1001 'Contoso' 100001 'Sophos MSP - Contoso' $true))
        @(Test-PsaMapping -Quiet -ErrorAction Stop) | Should -Be @($true)
    }

    It 'refreshes renamed names with Update-PsaMapping and changes nothing else' {
        Write-MappingFile @(
            (New-MappingRow (Get-CustomerId 'Contoso Ltd') 'Contoso Limited (old)' 1001 'Contoso (old name)' 100001 'Sophos MSP (old)' $true)
            (New-MappingRow (Get-CustomerId 'Fabrikam, Inc.') 'Fabrikam, Inc.' 1003 'Fabrikam, Inc.' 100006 'Sophos MSP')
        )

        Update-PsaMapping -WhatIf
        @(Test-PsaMapping | ForEach-Object { $_.Problem }) | Should -Contain 'CompanyRenamed'

        $info = $null
        $refreshed = @(Update-PsaMapping -Confirm:$false -PassThru -InformationVariable info -ErrorAction Stop)

        Get-InformationText $info | Should -Contain 'Refreshed the names in 1 mappings.'
        $refreshed.Count | Should -Be 1
        $row = @(Get-PsaMapping 'Contoso Ltd')
        $row.Count | Should -Be 1
        $row[0].AutotaskCompanyName | Should -Be 'Contoso'
        $row[0].ContractName | Should -Be 'Sophos MSP - Contoso'
        $row[0].ContractId | Should -Be 100001
        $row[0].SyncEnabled | Should -Be $true
        @(Test-PsaMapping | Where-Object { $_.Problem -like '*Renamed' }).Count | Should -Be 0
    }

    It 'finds a customer''s history by its new name, entries from before a rename included' {
        Set-PsaMapping -SophosCustomerId (Get-CustomerId 'Contoso Ltd') -ContractId 100001 -WarningAction SilentlyContinue -ErrorAction Stop
        # As if the customer had been called 'Contoso (old name)' when it was mapped, and renamed in Sophos Central since.
        foreach ($name in 'mappings.json', 'mappings-audit.jsonl') {
            $file = Join-Path $StoreFolder $name
            [System.IO.File]::WriteAllText($file, [System.IO.File]::ReadAllText($file).Replace('"Contoso Ltd"', '"Contoso (old name)"'))
        }
        Update-PsaMapping -Confirm:$false -ErrorAction Stop

        @(Get-PsaMappingHistory 'Contoso Ltd' | ForEach-Object { [string]$_.Kind }) | Should -Be @('Added', 'Changed')
    }

    It 'checks 200 mappings with a handful of requests' {
        $contracts = @(Find-AutotaskContract)
        $rows = for ($i = 0; $i -lt 200; $i++) {
            $contract = $contracts[$i % $contracts.Count]
            New-MappingRow $Customers[$i].SophosCustomerId $Customers[$i].SophosCustomerName $contract.AutotaskCompanyId 'x' $contract.ContractId $contract.ContractName
        }
        Write-MappingFile $rows

        $all = @(Test-PsaMapping -Verbose 4>&1)

        @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 0
        Get-RequestCount $all | Should -BeLessOrEqual 6 -Because 'the customer list is cached in the session and the rest is fetched in bulk'
    }
}
