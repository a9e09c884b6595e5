<#
    A shared store as a team uses it, against Azurite and the sandbox: Connect-PsaMappingStore once with -Save, and every
    later session (another technician, an RMM script) maps into and reads from the same table; -Local goes back;
    Import-PsaMappingStore brings a folder along; two hosts syncing at once, one syncs and the other is told who holds
    the lock. The secret canaries of the store's errors (every stream) are in tests/PsaMapping.PowerShell.Tests.
    Shared setup (sandbox, Azurite, module, temporary store, helpers): TestSetup.ps1 beside this file.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1') -Azurite -SandboxArguments '--tenants 100 --companies 160 --seed 42'
}

AfterAll {
    Stop-TestEnvironment
}

Describe 'Connect-PsaMappingStore, Get-PsaMappingStore and Import-PsaMappingStore' {
    BeforeAll {
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
        $AccountKey = ([regex]::Match($AzuriteConnectionString, 'AccountKey=([^;]+)')).Groups[1].Value

        function New-TableName { 't' + [guid]::NewGuid().ToString('N') }
    }

    BeforeEach {
        $StoreFolder = Use-EmptyStore $TestDrive
    }

    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'keeps a table saved with -Save for every later session, until -Local -Save goes back to the folder' {
        $info = Connect-PsaMappingStore -ConnectionString (Get-AzuriteConnectionString) -TableName (New-TableName) -Save -ErrorAction Stop
        $info.Kind | Should -Be 'AzureTable'
        $info.Saved | Should -Be $true
        $info.Credential | Should -Be 'ConnectionString'
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso' -Contract 'Sophos MSP - Contoso' -SyncEnabled $true -ErrorAction Stop

        # Another session (another process does the same): no Connect-PsaMappingStore, the saved table is used; -Local
        # then goes back to the folder for that session only.
        $second = Invoke-InNewSession -Script @'
[pscustomobject]@{
    Kind         = (Get-PsaMappingStore).Kind
    Mappings     = @(Get-PsaMapping | ForEach-Object { $_.SophosCustomerName })
    History      = @(Get-PsaMappingHistory).Count
    LocalSaved   = (Connect-PsaMappingStore -Local).Saved
    LocalMapping = @(Get-PsaMapping).Count
}
'@
        $second.Terminating | Should -BeNullOrEmpty
        $second.Output[0].Kind | Should -Be 'AzureTable'
        $second.Output[0].Mappings | Should -Be @('Contoso Ltd')
        $second.Output[0].History | Should -Be 1
        $second.Output[0].LocalSaved | Should -Be $false
        $second.Output[0].LocalMapping | Should -Be 0

        $third = Invoke-InNewSession -Script '@(Get-PsaMapping).Count; $null = Connect-PsaMappingStore -Local -Save'
        $third.Output | Should -Be @(1)
        (Invoke-InNewSession -Script '(Get-PsaMappingStore).Kind').Output | Should -Be @('Folder')

        # The secret is in the protected credentials file only, in no other file of the store folder.
        foreach ($file in @(Get-ChildItem -LiteralPath $StoreFolder -File -Recurse -Force | Where-Object Name -ne 'credentials.json')) {
            [System.IO.File]::ReadAllText($file.FullName) | Should -Not -Match ([regex]::Escape($AccountKey)) -Because $file.Name
        }
    }

    It 'refuses a wrong account key with MappingStoreAccessDenied and keeps the store it had' {
        $wrong = $AzuriteConnectionString -replace 'AccountKey=[^;]+', ('AccountKey=' + [Convert]::ToBase64String([byte[]](1..64)))
        $errorRecord = $null
        try {
            Connect-PsaMappingStore -ConnectionString (ConvertTo-SecureString $wrong -AsPlainText -Force) -TableName (New-TableName) -ErrorAction Stop
        }
        catch {
            $errorRecord = $_
        }

        $errorRecord.FullyQualifiedErrorId | Should -BeLike 'MappingStoreAccessDenied,*'
        [string]$errorRecord.CategoryInfo.Category | Should -Be 'PermissionDenied'
        (Get-PsaMappingStore).Kind | Should -Be 'Folder'
    }

    It 'refuses a SAS token sent over plain http to another machine' {
        { Connect-PsaMappingStore -TableEndpoint 'http://example.com/' -SasToken (ConvertTo-SecureString 'sv=2024&sig=abc' -AsPlainText -Force) -ErrorAction Stop } |
            Should -Throw -ErrorId 'InsecureUri,PsaMapping.Commands.ConnectPsaMappingStoreCommand'
        (Get-PsaMappingStore).Kind | Should -Be 'Folder'
    }

    It 'copies the folder''s mappings and history into the table once, and nothing with -WhatIf' {
        Set-PsaMapping -SophosCustomer 'Contoso Ltd' -AutotaskCompany 'Contoso' -Contract 'Sophos MSP - Contoso' -SyncEnabled $true -ErrorAction Stop
        $null = Connect-PsaMappingStore -ConnectionString (Get-AzuriteConnectionString) -TableName (New-TableName) -ErrorAction Stop

        $preview = @(Import-PsaMappingStore -Path $StoreFolder -WhatIf -ErrorAction Stop)
        $preview.Count | Should -Be 1
        $preview[0].Applied | Should -Be $false
        $preview[0].MappingsAdded | Should -Be 1
        $preview[0].HistoryEntriesAdded | Should -Be 1
        @(Get-PsaMapping).Count | Should -Be 0

        $first = Import-PsaMappingStore -Path $StoreFolder -ErrorAction Stop
        $first.Applied | Should -Be $true
        $first.MappingsAdded | Should -Be 1
        $first.HistoryEntriesAdded | Should -Be 1
        $second = Import-PsaMappingStore -Path $StoreFolder -ErrorAction Stop
        @($second.MappingsAdded, $second.MappingsAlreadyThere, $second.HistoryEntriesAdded, $second.HistoryEntriesAlreadyThere) | Should -Be @(0, 1, 0, 1)

        @(Get-PsaMapping | ForEach-Object { $_.SophosCustomerName }) | Should -Be @('Contoso Ltd')
        @(Get-PsaMappingHistory).Count | Should -Be 1
    }
}

Describe 'Two hosts run Sync-PsaUsage on one table at once' {
    BeforeAll {
        # Adjustments answered slowly, so that the first host is still posting when the second starts.
        $Sandbox = Start-Sandbox -Arguments '--tenants 100 --companies 160 --seed 42 --latency-ms 100'
        $null = Use-EmptyStore $TestDrive Table
        $null = Connect-Sandbox
        $null = Connect-AutotaskSandbox
        $null = Get-PsaMappingSuggestion | Where-Object Confidence -eq 'High' | Set-PsaMapping -SyncEnabled $true -WarningAction SilentlyContinue
        $null = Get-PsaProductMapping -IncludeUnmapped | Where-Object SuggestedServiceId |
            ForEach-Object { Set-PsaProductMapping -ProductCode $_.ProductCode -AutotaskServiceId $_.SuggestedServiceId -Confirm:$false }

        # The first host: a session of its own (the saved table, its own connections), syncing in the background.
        $FirstHost = [powershell]::Create([System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2())
        $null = $FirstHost.AddScript({
                param($Manifest, $Sandbox, $Sophos, $Autotask)
                Import-Module $Manifest -ErrorAction Stop
                $null = Connect-SophosCentral -Credential $Sophos -AuthUri $Sandbox.AuthUri -ApiUri $Sandbox.ApiUri -ErrorAction Stop
                $null = Connect-Autotask -Credential $Autotask -IntegrationCode $Sandbox.AutotaskIntegrationCode -ZoneUri $Sandbox.AutotaskZoneUri -ErrorAction Stop
                @(Sync-PsaUsage -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue)
            }.ToString())
        $null = $FirstHost.AddParameter('Manifest', $Manifest).AddParameter('Sandbox', $Sandbox)
        $null = $FirstHost.AddParameter('Sophos', (New-TestCredential $Sandbox.ClientId $Sandbox.Secret))
        $null = $FirstHost.AddParameter('Autotask', (New-TestCredential $Sandbox.AutotaskUser $Sandbox.AutotaskSecret))
        $FirstRun = $FirstHost.BeginInvoke()

        # It holds the lock once its first intent is in the sync log.
        $deadline = [DateTime]::UtcNow.AddMinutes(2)
        while (@(Get-PsaSyncHistory).Count -eq 0 -and -not $FirstRun.IsCompleted -and [DateTime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 50
        }
        $Refused = $null
        try {
            $null = Sync-PsaUsage -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop
        }
        catch {
            $Refused = $_
        }
        $FirstLines = @($FirstHost.EndInvoke($FirstRun))
        $FirstErrors = @($FirstHost.Streams.Error)
    }

    AfterAll {
        if ($FirstHost) { $FirstHost.Dispose() }
        Stop-Sandbox $Sandbox
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'stops the second host at once with SyncLocked, naming the holder and until when' {
        $Refused | Should -Not -BeNullOrEmpty
        $Refused.FullyQualifiedErrorId | Should -BeLike 'SyncLocked,*'
        $Refused.Exception.Message | Should -Match ([regex]::Escape('Sync-PsaUsage'))
        $Refused.Exception.Message | Should -Match 'until'
    }

    It 'lets the first host sync to the end' {
        @($FirstErrors | Where-Object { $_.FullyQualifiedErrorId -like 'SyncLocked*' }).Count | Should -Be 0
        @($FirstLines | Where-Object Status -eq 'Adjusted').Count | Should -BeGreaterThan 0
    }

    It 'frees the lock when the first host is done: the second host then finds nothing left to post' {
        $again = @(Sync-PsaUsage -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable againErrors)

        @($againErrors | Where-Object { $_.FullyQualifiedErrorId -like 'SyncLocked*' }).Count | Should -Be 0
        @($again | Where-Object Status -eq 'Adjusted').Count | Should -Be 0
    }
}
