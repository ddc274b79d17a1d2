# azd postdeploy hook (PowerShell): the same steps as postdeploy.sh.
#   1. Gives the IncomingCall function a key of its own, `eventgrid` (created once with a value Azure generates, reused
#      on later runs). Not the host's default key, which would open every function behind a key. With the isolated
#      worker the function exists only once the code is deployed and the worker has started, so this is retried.
#   2. Creates, or updates, the Event Grid subscription `incoming-call` on the ACS system topic:
#      Microsoft.Communication.IncomingCall -> https://<app>/api/acs/incoming-call?code=<key>. The app checks
#      aeg-subscription-name against this name (EventGrid__SubscriptionName in bicep/functions.bicep). Safe to run again.
# The key is never printed: Azure CLI output is discarded and error text is masked.
# Needs the Azure CLI signed in to the same tenant (`az login`; azd's own login is separate).
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Stop-Hook([string] $Message) {
    Write-Error "postdeploy: $Message" -ErrorAction Continue
    exit 1
}

foreach ($name in 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP', 'FUNCTIONS_APP_NAME', 'FUNCTIONS_APP_URL',
    'EVENTGRID_SYSTEM_TOPIC_NAME') {
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
$functionName = 'IncomingCall'
$keyName = 'eventgrid'
$subscriptionName = 'incoming-call'
$eventType = 'Microsoft.Communication.IncomingCall'

az account show --subscription $subscription -o none 2>$null
if ($LASTEXITCODE -ne 0) { Stop-Hook "the Azure CLI is not signed in to subscription $subscription; run: az login" }

# Masks any ?code= value in error text.
function Hide-Code([string] $Text) {
    return $Text -replace 'code=[^&"'' \r\n]*', 'code=***'
}

# Runs az with its output discarded; on failure writes its error text with any ?code= value masked.
function Invoke-AzQuiet([string[]] $Arguments) {
    $errors = & az @Arguments -o none 2>&1
    if ($LASTEXITCODE -eq 0) { return $true }
    Hide-Code ($errors | Out-String) | Write-Host
    return $false
}

$keyArguments = @('--subscription', $subscription, '-g', $group, '-n', $app, '--function-name', $functionName)

# Returns the function's key, or an empty string while the function or the key does not exist yet.
function Read-FunctionKey {
    $value = az functionapp function keys list @keyArguments --query $keyName -o tsv 2>$null
    if ($LASTEXITCODE -ne 0 -or $null -eq $value) { return '' }
    return ([string] $value).Trim()
}

# The host reports the function once the worker has started after the deploy; that can take a few minutes.
Write-Host "postdeploy: reading the $keyName key of function $functionName on $app"
$key = ''
$lastError = ''
for ($attempt = 1; ; $attempt++) {
    $key = Read-FunctionKey
    if ([string]::IsNullOrEmpty($key)) {
        $lastError = az functionapp function keys set @keyArguments --key-name $keyName -o none 2>&1 | Out-String
        if ($LASTEXITCODE -eq 0) {
            Write-Host "postdeploy: created the $keyName key of $functionName"
            $key = Read-FunctionKey
        }
    }
    if (-not [string]::IsNullOrEmpty($key)) { break }
    if ($attempt -ge 30) {
        Write-Host (Hide-Code $lastError)
        Stop-Hook "function $functionName is not on $app yet (did the worker start?); run azd hooks run postdeploy again"
    }
    Start-Sleep -Seconds 10
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
