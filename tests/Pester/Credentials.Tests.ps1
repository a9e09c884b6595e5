<#
    Saved credentials: -Save, Update-AutotaskCredential, Remove-PsaMappingCredential (the saved team store too).
    Shared setup (sandbox, Azurite, module, temporary store, helpers): TestSetup.ps1 beside this file.
#>

BeforeDiscovery {
    # Where the file's mode is what protects a saved secret (not Windows), and this PowerShell can set it (.NET 7 or later).
    $CanSetUnixFileMode = ($PSVersionTable.PSEdition -eq 'Core') -and (-not $IsWindows) -and
        ($null -ne [System.IO.File].GetMethod('SetUnixFileMode', [type[]]@([string], [System.IO.UnixFileMode])))
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1') -Azurite
}

AfterAll {
    Stop-TestEnvironment
}

Describe 'Saved credentials' {
    BeforeAll {
        $SessionParameters = @{
            Credential = (New-TestCredential $Sandbox.ClientId $Sandbox.Secret)
            AuthUri    = $Sandbox.AuthUri
            ApiUri     = $Sandbox.ApiUri
        }
    }

    AfterAll {
        Remove-PsaMappingCredential
    }

    It 'lets a later session connect by itself after Connect-SophosCentral -Save' {
        $saved = Invoke-InNewSession -Parameters $SessionParameters -Script @'
param($Credential, $AuthUri, $ApiUri)
$null = Connect-SophosCentral -Credential $Credential -AuthUri $AuthUri -ApiUri $ApiUri -Save -InformationVariable info -ErrorAction Stop
$info | ForEach-Object { [string]$_.MessageData }
'@
        $saved.Terminating | Should -BeNullOrEmpty
        ($saved.Output -join "`n") | Should -Match 'Saved the Sophos Central credential'

        $later = Invoke-InNewSession -Script "Get-SophosCustomer -Name 'Contoso Ltd' -Verbose 4>&1"
        $later.Terminating | Should -BeNullOrEmpty
        @($later.Output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -Be 1
        (@($later.Output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message }) -join "`n") |
            Should -Match 'saved credential'
    }

    It 'is not connected again once Remove-PsaMappingCredential forgot the credential' {
        Remove-PsaMappingCredential -Service SophosCentral

        $later = Invoke-InNewSession -Script 'Get-SophosCustomer'
        $later.Terminating.FullyQualifiedErrorId | Should -Be 'SophosNotConnected,PsaMapping.Commands.GetSophosCustomerCommand'
    }
}

Describe 'Saved Autotask credentials' {
    BeforeAll {
        $CredentialsFile = Join-Path $PsaMappingHome 'credentials.json'
        $AutotaskParameters = Get-AutotaskParameters
        $SophosParameters = @{
            Credential = (New-TestCredential $Sandbox.ClientId $Sandbox.Secret)
            AuthUri    = $Sandbox.AuthUri
            ApiUri     = $Sandbox.ApiUri
        }

        # The saved Autotask section of the credentials file, $null when there is none.
        function Get-SavedAutotaskCredential {
            if (-not (Test-Path -LiteralPath $CredentialsFile)) { return $null }
            (Get-Content -LiteralPath $CredentialsFile -Raw | ConvertFrom-Json).autotask
        }

        Remove-PsaMappingCredential -Confirm:$false
    }

    AfterAll {
        Remove-PsaMappingCredential -Confirm:$false
    }

    It 'connects with Connect-Autotask -Save -WhatIf but saves nothing' {
        $result = Invoke-InNewSession -Parameters $AutotaskParameters -Script @'
param($Credential, $IntegrationCode, $ZoneUri)
$null = Connect-Autotask -Credential $Credential -IntegrationCode $IntegrationCode -ZoneUri $ZoneUri -Save -WhatIf -ErrorAction Stop
Find-AutotaskCompany 'Contoso' -First 1
'@

        $result.Terminating | Should -BeNullOrEmpty
        @($result.Output).Count | Should -Be 1
        Get-SavedAutotaskCredential | Should -BeNullOrEmpty
    }

    It 'lets a later session connect by itself after Connect-Autotask -Save' {
        $saved = Invoke-InNewSession -Parameters $AutotaskParameters -Script @'
param($Credential, $IntegrationCode, $ZoneUri)
$null = Connect-Autotask -Credential $Credential -IntegrationCode $IntegrationCode -ZoneUri $ZoneUri -Save -ErrorAction Stop
'@
        $saved.Terminating | Should -BeNullOrEmpty
        Get-SavedAutotaskCredential | Should -Not -BeNullOrEmpty
        if ($PSVersionTable.PSEdition -eq 'Core' -and -not $IsWindows -and [System.IO.File].GetMethod('GetUnixFileMode', [type[]]@([string]))) {
            # Elsewhere than Windows the secret is protected by the file's mode: its owner's only (0600 in a 0700 folder).
            [Convert]::ToString([int][System.IO.File]::GetUnixFileMode($CredentialsFile), 8) | Should -Be '600'
            [Convert]::ToString([int][System.IO.File]::GetUnixFileMode($PsaMappingHome), 8) | Should -Be '700'
        }

        $later = Invoke-InNewSession -Script "Find-AutotaskCompany 'Contoso' -First 1 -Verbose 4>&1"
        $later.Terminating | Should -BeNullOrEmpty
        $companies = @($later.Output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $verbose = @($later.Output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $companies.Count | Should -Be 1
        $companies[0].AutotaskCompanyName | Should -Be 'Contoso'
        ($verbose.Message -join "`n") | Should -Match 'saved credential'
    }

    It 'refuses a credentials file that others can read, and says how to fix it' -Skip:(-not $CanSetUnixFileMode) {
        $null = Connect-AutotaskSandbox -Save
        [System.IO.File]::SetUnixFileMode($CredentialsFile, [System.IO.UnixFileMode]'UserRead, UserWrite, GroupRead, OtherRead')

        $later = Invoke-InNewSession -Script "Find-AutotaskCompany 'Contoso'"

        $later.Terminating.FullyQualifiedErrorId | Should -Be 'CredentialFileInsecure,PsaMapping.Commands.FindAutotaskCompanyCommand'
        $later.Terminating.Exception.Message | Should -Match 'chmod 600'
        Remove-Item -LiteralPath $CredentialsFile
    }

    It 'forgets only the Autotask credential with Remove-PsaMappingCredential -Service Autotask' {
        $saved = Invoke-InNewSession -Parameters $SophosParameters -Script @'
param($Credential, $AuthUri, $ApiUri)
$null = Connect-SophosCentral -Credential $Credential -AuthUri $AuthUri -ApiUri $ApiUri -Save -ErrorAction Stop
'@
        $saved.Terminating | Should -BeNullOrEmpty
        $null = Connect-AutotaskSandbox -Save

        Remove-PsaMappingCredential -Service Autotask -Confirm:$false

        $autotask = Invoke-InNewSession -Script "Find-AutotaskCompany 'x'"
        $autotask.Terminating.FullyQualifiedErrorId | Should -Be 'AutotaskNotConnected,PsaMapping.Commands.FindAutotaskCompanyCommand'
        $sophos = Invoke-InNewSession -Script "Get-SophosCustomer -Name 'Contoso Ltd'"
        $sophos.Terminating | Should -BeNullOrEmpty
        @($sophos.Output).Count | Should -Be 1
    }

    It 'keeps the old credential working when Update-AutotaskCredential is given a wrong secret' {
        $null = Connect-AutotaskSandbox -Save
        $savedBefore = Get-Content -LiteralPath $CredentialsFile -Raw
        $wrongSecret = 'canary-not-the-secret'

        $errorRecord = { Update-AutotaskCredential -Credential (New-TestCredential $Sandbox.AutotaskUser $wrongSecret) -Confirm:$false } |
            Should -Throw -ErrorId 'AutotaskSecretRejected,PsaMapping.Commands.UpdateAutotaskCredentialCommand' -PassThru

        ($errorRecord.ToString() + $errorRecord.Exception) | Should -Not -Match ([regex]::Escape($wrongSecret))
        Get-Content -LiteralPath $CredentialsFile -Raw | Should -Be $savedBefore
        @(Find-AutotaskCompany 'Contoso' -First 1 -ErrorAction Stop).Count | Should -Be 1
        $fresh = Invoke-InNewSession -Script "Find-AutotaskCompany 'Contoso' -First 1"
        $fresh.Terminating | Should -BeNullOrEmpty
        @($fresh.Output).Count | Should -Be 1
    }
}

Describe 'Forgetting the saved team store' {
    AfterAll {
        $env:PSAMAPPING_HOME = $PsaMappingHome
    }

    It 'removes the table store and its secret from the credentials file with -Service MappingStore, and later sessions use the folder' {
        $folder = Use-EmptyStore $TestDrive -Store Table
        $file = Join-Path $folder 'credentials.json'
        $saved = (Get-Content -LiteralPath $file -Raw | ConvertFrom-Json).store
        $saved.kind | Should -Be 'AzureTable'
        $protectedSecret = [string]$saved.secret
        $protectedSecret | Should -Not -BeNullOrEmpty

        Remove-PsaMappingCredential -Service MappingStore -InformationVariable info -InformationAction SilentlyContinue

        (@($info | ForEach-Object { [string]$_.MessageData }) -join "`n") | Should -Match 'Forgot the saved mapping store choice and its secret'
        $text = Get-Content -LiteralPath $file -Raw
        ($text | ConvertFrom-Json).store | Should -BeNullOrEmpty
        $text | Should -Not -Match ([regex]::Escape($protectedSecret))
        $text | Should -Not -Match ([regex]::Escape(([regex]::Match($AzuriteConnectionString, 'AccountKey=([^;]+)')).Groups[1].Value))
        (Invoke-InNewSession -Script '(Get-PsaMappingStore).Kind').Output | Should -Be @('Folder')
    }

    It 'forgets the saved store with the other credentials when no -Service is given' {
        $folder = Use-EmptyStore $TestDrive -Store Table
        Remove-PsaMappingCredential
        (Get-Content -LiteralPath (Join-Path $folder 'credentials.json') -Raw | ConvertFrom-Json).store | Should -BeNullOrEmpty
    }
}
