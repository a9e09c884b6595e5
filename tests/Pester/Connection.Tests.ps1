<#
    Connecting: Connect-SophosCentral and Connect-Autotask.
    Shared setup (sandbox, module, temporary store, helpers): TestSetup.ps1 beside this file.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}

AfterAll {
    Stop-TestEnvironment
}

Describe 'Connect-SophosCentral' {
    It 'connects with the partner API client ID and secret and returns the connection without any secret' {
        $connection = Connect-Sandbox

        $connection.PartnerId | Should -BeOfType [guid]
        $connection.ClientId | Should -Be $Sandbox.ClientId
        $connection.TokenExpiresAt | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(30))
        $everything = ($connection.PSObject.Properties | ForEach-Object { '{0}={1}' -f $_.Name, $_.Value }) -join '|'
        $everything | Should -Not -Match ([regex]::Escape($Sandbox.Secret))
    }

    It 'refuses a wrong secret with an authentication error that never shows the secret' {
        $wrongSecret = 'canary-wrong-secret-5f2c'
        $verbose = @()
        $errorRecord = $null
        try {
            Connect-Sandbox -Secret $wrongSecret -Verbose 4>&1 | ForEach-Object { $verbose += $_ }
        }
        catch {
            $errorRecord = $_
        }

        $errorRecord | Should -Not -BeNullOrEmpty
        $errorRecord.FullyQualifiedErrorId | Should -Be 'SophosAuthenticationFailed,PsaMapping.Commands.ConnectSophosCentralCommand'
        $errorRecord.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $errorRecord.Exception.Message | Should -Match 'secret was rejected'
        ($errorRecord.ToString() + $errorRecord.Exception + $errorRecord.TargetObject + ($verbose -join '')) |
            Should -Not -Match ([regex]::Escape($wrongSecret))
    }

    It 'names an unknown client ID in the error' {
        $errorRecord = { Connect-Sandbox -ClientId 'no-such-client' } |
            Should -Throw -ErrorId 'SophosAuthenticationFailed,PsaMapping.Commands.ConnectSophosCentralCommand' -PassThru

        $errorRecord.Exception.Message | Should -Match ([regex]::Escape("'no-such-client' is not known"))
    }

    It 'refuses tenant credentials and says to create a partner credential' {
        $errorRecord = { Connect-Sandbox -ClientId $Sandbox.TenantClientId -Secret $Sandbox.TenantSecret } |
            Should -Throw -ErrorId 'SophosNotPartnerCredential,PsaMapping.Commands.ConnectSophosCentralCommand' -PassThru

        $errorRecord.Exception.Message | Should -Match 'tenant credentials'
        $errorRecord.Exception.Message | Should -Match 'Sophos Central Partner'
    }

    It 'refuses plain http to another machine (<Parameter>)' -TestCases @(
        @{ Parameter = 'AuthUri'; Uri = 'http://id.sophos.example/' }
        @{ Parameter = 'ApiUri'; Uri = 'http://api.central.sophos.example/' }
    ) {
        $arguments = @{ Credential = (New-TestCredential 'id' 'secret'); $Parameter = $Uri }
        $errorRecord = { Connect-SophosCentral @arguments } |
            Should -Throw -ErrorId 'InsecureUri,PsaMapping.Commands.ConnectSophosCentralCommand' -PassThru

        $errorRecord.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'keeps the earlier connection when a new attempt fails' {
        $null = Connect-Sandbox
        { Connect-Sandbox -Secret 'wrong' } | Should -Throw

        @(Get-SophosCustomer -Name 'Contoso Ltd').Count | Should -Be 1
    }
}

Describe 'Connect-Autotask' {
    It 'finds the API user''s zone and returns the connection without the secret or the integration code' {
        $all = @(Connect-AutotaskSandbox -Verbose 4>&1)
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $connection = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })

        $connection.Count | Should -Be 1
        $connection[0].UserName | Should -Be $Sandbox.AutotaskUser
        [string]$connection[0].ApiUri | Should -Be $Sandbox.AutotaskApiUri
        [string]$connection[0].ZoneUri | Should -Be $Sandbox.AutotaskZoneUri
        ($verbose.Message -join "`n") | Should -Match 'Looking up the zone'
        $everything = (($connection[0].PSObject.Properties | ForEach-Object { '{0}={1}' -f $_.Name, $_.Value }) -join '|') + ($verbose.Message -join '|')
        $everything | Should -Not -Match ([regex]::Escape($Sandbox.AutotaskSecret))
        $everything | Should -Not -Match ([regex]::Escape($Sandbox.AutotaskIntegrationCode))
    }

    It 'skips the zone lookup with -ApiUri, one request fewer' {
        $zone = Get-AutotaskRequestCount @(Connect-AutotaskSandbox -Verbose 4>&1)
        $parameters = Get-AutotaskParameters
        $parameters.Remove('ZoneUri')
        $all = @(Connect-Autotask @parameters -ApiUri $Sandbox.AutotaskApiUri -Verbose -ErrorAction Stop 4>&1)
        $connection = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })

        [string]$connection[0].ApiUri | Should -Be $Sandbox.AutotaskApiUri
        $connection[0].ZoneUri | Should -BeNullOrEmpty
        Get-AutotaskRequestCount $all | Should -Be ($zone - 1)
        @(Find-AutotaskCompany 'Contoso' -First 1 -ErrorAction Stop).Count | Should -Be 1
    }

    It 'takes the integration code as a SecureString, and still accepts the plain string older scripts pass' {
        (Get-Command Connect-Autotask).Parameters['IntegrationCode'].ParameterType | Should -Be ([securestring])
        (Get-Command Update-AutotaskCredential).Parameters['IntegrationCode'].ParameterType | Should -Be ([securestring])
        $parameters = Get-AutotaskParameters
        $secure = New-Object System.Security.SecureString
        foreach ($c in $Sandbox.AutotaskIntegrationCode.ToCharArray()) { $secure.AppendChar($c) }

        $parameters.IntegrationCode = $secure
        @(Connect-Autotask @parameters -ErrorAction Stop).Count | Should -Be 1
        $parameters.IntegrationCode = " $($Sandbox.AutotaskIntegrationCode) "
        @(Connect-Autotask @parameters -ErrorAction Stop).Count | Should -Be 1
    }

    It 'refuses a blank integration code before sending anything' {
        $parameters = Get-AutotaskParameters -IntegrationCode '  '
        # Nothing listens there: a request sent would end in a connection error, not this one.
        $parameters.ZoneUri = 'http://127.0.0.1:9/'

        { Connect-Autotask @parameters } |
            Should -Throw -ErrorId 'AutotaskCredentialIncomplete,PsaMapping.Commands.ConnectAutotaskCommand'
    }

    It 'says which part of a rejected credential is wrong (<Wrong>) and never shows a secret' -TestCases @(
        @{ Wrong = 'secret'; ErrorId = 'AutotaskSecretRejected'; Message = 'secret' }
        @{ Wrong = 'user'; ErrorId = 'AutotaskUnknownUser'; Message = 'does not know the API user' }
        @{ Wrong = 'code'; ErrorId = 'AutotaskIntegrationCodeRejected'; Message = 'integration code' }
    ) {
        $canarySecret = 'canary-at-secret-3b9d'
        $canaryCode = 'CANARYCODE77'
        $arguments = @{}
        if ($Wrong -eq 'secret') { $arguments.Secret = $canarySecret }
        if ($Wrong -eq 'user') { $arguments.UserName = 'nobody@example.test' }
        if ($Wrong -eq 'code') { $arguments.IntegrationCode = $canaryCode }

        $errorRecord = { Connect-AutotaskSandbox @arguments } |
            Should -Throw -ErrorId "$ErrorId,PsaMapping.Commands.ConnectAutotaskCommand" -PassThru

        $errorRecord.FullyQualifiedErrorId | Should -Be "$ErrorId,PsaMapping.Commands.ConnectAutotaskCommand"
        $errorRecord.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $errorRecord.Exception.Message | Should -Match ([regex]::Escape($Message))
        $text = $errorRecord.ToString() + '|' + $errorRecord.Exception + '|' + $errorRecord.TargetObject
        foreach ($secret in $canarySecret, $canaryCode, $Sandbox.AutotaskSecret, $Sandbox.AutotaskIntegrationCode) {
            $text | Should -Not -Match ([regex]::Escape($secret))
        }
    }
}
