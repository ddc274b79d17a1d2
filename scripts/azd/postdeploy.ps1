# azd postdeploy hook (PowerShell): the same steps as postdeploy.sh.
#   1. Reads the Functions host's default function key (created by the host at its first start; retried).
#   2. Mirrors it into Key Vault as `functions-callback-key` (the app appends it as ?code= to ACS callback URIs).
#   3. Creates, or updates, the Event Grid subscription `incoming-call` on the ACS system topic:
#      Microsoft.Communication.IncomingCall -> https://<app>/api/acs/incoming-call?code=<key>. Safe to run again.
# The key is never printed: Azure CLI output is discarded and error text is masked.
# Needs the Azure CLI signed in to the same tenant (`az login`; azd's own login is separate).
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Stop-Hook([string] $Message) {
    Write-Error "postdeploy: $Message" -ErrorAction Continue
    exit 1
}

foreach ($name in 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP', 'FUNCTIONS_APP_NAME', 'FUNCTIONS_APP_URL',
    'EVENTGRID_SYSTEM_TOPIC_NAME', 'AZURE_KEY_VAULT_NAME') {
    if ([string]::IsNullOrEmpty([Environment]::GetEnvironmentVariable($name))) {
        Stop-Hook "$name is not set; run this through azd (azd up / azd hooks run postdeploy)"
    }
}

if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    Stop-Hook 'the Azure CLI (az) is required: https://aka.ms/azure-cli'
}

$subscription = $env:AZURE_SUBSCRIPTION_ID
$group = $env:AZURE_RESOURCE_GROUP
$app = $env:FUNCTIONS_APP_NAME
$topic = $env:EVENTGRID_SYSTEM_TOPIC_NAME
$vault = $env:AZURE_KEY_VAULT_NAME
$subscriptionName = 'incoming-call'
$eventType = 'Microsoft.Communication.IncomingCall'

az account show --subscription $subscription -o none 2>$null
if ($LASTEXITCODE -ne 0) { Stop-Hook "the Azure CLI is not signed in to subscription $subscription; run: az login" }

# Runs az with its output discarded; on failure writes its error text with any ?code= value masked.
function Invoke-AzQuiet([string[]] $Arguments) {
    $errors = & az @Arguments -o none 2>&1
    if ($LASTEXITCODE -eq 0) { return $true }
    ($errors | Out-String) -replace 'code=[^&"'' \r\n]*', 'code=***' | Write-Host
    return $false
}

Write-Host "postdeploy: reading the function key of $app"
$key = ''
for ($attempt = 1; $attempt -le 12 -and [string]::IsNullOrEmpty($key); $attempt++) {
    $key = az functionapp keys list --subscription $subscription -g $group -n $app --query functionKeys.default -o tsv 2>$null
    if ([string]::IsNullOrEmpty($key)) { Start-Sleep -Seconds 10 }
}
if ([string]::IsNullOrEmpty($key)) {
    Stop-Hook "no default function key on $app yet (is the app running?); run azd hooks run postdeploy again"
}

$current = az keyvault secret show --subscription $subscription --vault-name $vault -n functions-callback-key --query value -o tsv 2>$null
if ($current -ne $key) {
    Write-Host "postdeploy: storing the callback key in Key Vault $vault"
    $keyFile = New-TemporaryFile
    try {
        [IO.File]::WriteAllText($keyFile.FullName, $key)
        if (-not (Invoke-AzQuiet @('keyvault', 'secret', 'set', '--subscription', $subscription, '--vault-name', $vault,
                    '-n', 'functions-callback-key', '--file', $keyFile.FullName, '--encoding', 'utf-8', '--content-type', 'text/plain'))) {
            Stop-Hook 'could not write the secret (the deploying principal needs Key Vault Secrets Officer; set AZURE_PRINCIPAL_ID)'
        }
    }
    finally {
        Remove-Item -Force $keyFile.FullName -ErrorAction SilentlyContinue
    }
    # A Key Vault reference without a version is re-read when the app's configuration changes.
    $stamp = (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
    if (-not (Invoke-AzQuiet @('functionapp', 'config', 'appsettings', 'set', '--subscription', $subscription, '-g', $group,
                '-n', $app, '--settings', "DVS_CALLBACK_KEY_UPDATED=$stamp"))) {
        Stop-Hook "could not refresh the app settings of $app"
    }
}

$endpoint = "$($env:FUNCTIONS_APP_URL.TrimEnd('/'))/api/acs/incoming-call?code=$key"
$common = @('--subscription', $subscription, '-g', $group, '--system-topic-name', $topic, '-n', $subscriptionName)

# Event Grid validates the endpoint while creating or updating the subscription; a cold app may need a retry.
for ($attempt = 1; ; $attempt++) {
    az eventgrid system-topic event-subscription show @common -o none 2>$null
    if ($LASTEXITCODE -eq 0) {
        Write-Host "postdeploy: updating Event Grid subscription $subscriptionName on $topic"
        $ok = Invoke-AzQuiet (@('eventgrid', 'system-topic', 'event-subscription', 'update') + $common +
            @('--endpoint', $endpoint, '--included-event-types', $eventType))
    }
    else {
        Write-Host "postdeploy: creating Event Grid subscription $subscriptionName on $topic"
        # An incoming call is useless after seconds: 1-minute TTL, 3 attempts, one event per request.
        $ok = Invoke-AzQuiet (@('eventgrid', 'system-topic', 'event-subscription', 'create') + $common +
            @('--endpoint-type', 'webhook', '--endpoint', $endpoint, '--included-event-types', $eventType,
                '--event-delivery-schema', 'eventgridschema', '--max-delivery-attempts', '3', '--event-ttl', '1',
                '--max-events-per-batch', '1', '--preferred-batch-size-in-kilobytes', '64'))
    }
    if ($ok) { break }
    if ($attempt -ge 3) { Stop-Hook 'the Event Grid subscription failed 3 times (see above); run azd hooks run postdeploy again' }
    Write-Host 'postdeploy: retrying in 20 s (the endpoint may still be starting)'
    Start-Sleep -Seconds 20
}

Write-Host "postdeploy: IncomingCall events from ACS now go to $($env:FUNCTIONS_APP_URL.TrimEnd('/'))/api/acs/incoming-call"
