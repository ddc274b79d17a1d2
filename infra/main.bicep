// DvServerless on Azure: `azd up` provisions this (subscription scope: the resource group plus the modules in
// ../bicep), deploys the Functions package and the worker image, then runs scripts/azd/postdeploy.* to subscribe the
// IncomingCall webhook. No secret appears in an output or a plain app setting: each app runs as its own user-assigned
// managed identity with roles scoped to what it uses, and the few secrets live in Key Vault.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('The azd environment name; names and tags the resources.')
param environmentName string

@minLength(1)
@description('The Azure region of the resources (ACS and Event Grid system topics are global).')
param location string

@description('The deploying user or CI principal (azd: AZURE_PRINCIPAL_ID). Gets Storage Blob Data Owner; empty to skip.')
param principalId string = ''

@allowed(['User', 'ServicePrincipal', 'Group'])
param principalType string = 'User'

@description('azd: SERVICE_MEDIAWORKER_RESOURCE_EXISTS. Keeps the deployed worker image on re-provision.')
param mediaworkerExists bool = false

@secure()
@description('An OpenAI API key (api.openai.com). Leave empty to use Azure OpenAI with the managed identity.')
param openAiApiKey string = ''

@secure()
@description('The OpenAI project webhook signing secret (whsec_…) for SIP calls. Leave empty when SIP is not used.')
param openAiWebhookSecret string = ''

@description('The realtime model name (OpenAI__Model).')
param openAiModel string = 'gpt-realtime'

@description('The agent voice (OpenAI__Voice).')
param openAiVoice string = 'alloy'

@description('An Azure OpenAI endpoint, e.g. https://my-aoai.openai.azure.com/ (AzureOpenAI__Endpoint). Empty for OpenAI.')
param azureOpenAiEndpoint string = ''

@description('The Azure OpenAI realtime deployment name (AzureOpenAI__Deployment).')
param azureOpenAiDeployment string = ''

@description('The resource id of that Azure OpenAI account; when set, the identity gets Cognitive Services OpenAI User on it.')
param azureOpenAiResourceId string = ''

@description('Where ACS stores data at rest.')
param acsDataLocation string = 'United States'

@allowed(['pcm24KMono', 'pcm16KMono'])
param acsAudioFormat string = 'pcm24KMono'

@description('Where the agent\'s transfer tool sends ACS callers: E.164 (+14255550123) or an ACS raw id; empty offers no transfers. Only the Functions app holds it.')
param acsTransferTarget string = ''

@allowed(['Free_F1', 'Standard_S1', 'Premium_P1'])
param signalRSku string = 'Free_F1'

@allowed([512, 2048, 4096])
param functionsInstanceMemoryMB int = 2048

@minValue(0)
@description('Days session documents are kept after their last change (0: forever). azd: SESSION_RETENTION_DAYS.')
param sessionRetentionDays int = 90

@minValue(0)
@description('Days transcripts are kept (0: forever). azd: TRANSCRIPT_RETENTION_DAYS.')
param transcriptRetentionDays int = 90

@minValue(0)
@description('Days call minutes are kept (0: forever). azd: MINUTES_RETENTION_DAYS.')
param minutesRetentionDays int = 365

@minValue(0)
@description('Days audit records are kept (0: forever). azd: AUDIT_RETENTION_DAYS.')
param auditRetentionDays int = 365

@minValue(1)
@description('Active calls per media worker replica: the worker scales out by one replica per this many calls (all channels). azd: CALLS_PER_REPLICA.')
param callsPerReplica int = 50

@minValue(300)
@maxValue(3600)
@description('Seconds a stopping media worker (redeploy, scale-in) lets its calls run to their end before the goodbye (MediaWorker__DrainTimeout). The container\'s termination grace period is computed from it. azd: DRAIN_TIMEOUT_SECONDS.')
param drainTimeoutSeconds int = 300

@minValue(0)
@maxValue(60)
@description('Seconds the calls still running after the drain get for the spoken goodbye before they are cut off (MediaWorker__DrainGoodbyeTimeout). azd: DRAIN_GOODBYE_TIMEOUT_SECONDS.')
param drainGoodbyeTimeoutSeconds int = 15

@description('The NCRONTAB schedule of the TTS cache warm-up timer (TtsWarmup__Schedule).')
param ttsWarmupSchedule string = '0 0 3 * * *'

@secure()
@description('Signs per-call media tokens between the apps. Generated on each provision; both apps switch together.')
param mediaTokenSigningKey string = '${newGuid()}${newGuid()}'

@secure()
@description('Signs the tenant API tokens the Functions app issues; the worker\'s live hub checks dashboards\' tokens with it. Generated on each provision.')
param apiTokenSigningKey string = '${newGuid()}${newGuid()}'

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionsAppName = 'func-${resourceToken}'
var mediaWorkerAppName = 'ca-worker-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionsAppName, 32)}'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

// One identity per app, so a compromised worker cannot use the Functions app's rights (its host keys, the webhook secret).
module functionsIdentity '../bicep/identity.bicep' = {
  scope: resourceGroup
  name: 'functions-identity'
  params: {
    name: 'id-func-${resourceToken}'
    location: location
    tags: tags
  }
}

module workerIdentity '../bicep/identity.bicep' = {
  scope: resourceGroup
  name: 'worker-identity'
  params: {
    name: 'id-worker-${resourceToken}'
    location: location
    tags: tags
  }
}

var appPrincipalIds = [
  functionsIdentity.outputs.principalId
  workerIdentity.outputs.principalId
]

module monitoring '../bicep/monitoring.bicep' = {
  scope: resourceGroup
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    identityPrincipalIds: appPrincipalIds
  }
}

module storage '../bicep/storage.bicep' = {
  scope: resourceGroup
  name: 'storage'
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    functionsPrincipalId: functionsIdentity.outputs.principalId
    workerPrincipalId: workerIdentity.outputs.principalId
    principalId: principalId
    principalType: principalType
    deploymentContainerName: deploymentContainerName
    sessionRetentionDays: sessionRetentionDays
    transcriptRetentionDays: transcriptRetentionDays
    minutesRetentionDays: minutesRetentionDays
    auditRetentionDays: auditRetentionDays
  }
}

module keyVault '../bicep/keyvault.bicep' = {
  scope: resourceGroup
  name: 'keyvault'
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    functionsPrincipalId: functionsIdentity.outputs.principalId
    workerPrincipalId: workerIdentity.outputs.principalId
    mediaTokenSigningKey: mediaTokenSigningKey
    apiTokenSigningKey: apiTokenSigningKey
    openAiApiKey: openAiApiKey
    storeOpenAiApiKey: !empty(openAiApiKey)
    openAiWebhookSecret: openAiWebhookSecret
    storeOpenAiWebhookSecret: !empty(openAiWebhookSecret)
  }
}

module registry '../bicep/registry.bicep' = {
  scope: resourceGroup
  name: 'registry'
  params: {
    name: 'cr${resourceToken}'
    location: location
    tags: tags
    identityPrincipalId: workerIdentity.outputs.principalId
  }
}

module communication '../bicep/communication.bicep' = {
  scope: resourceGroup
  name: 'communication'
  params: {
    name: 'acs-${resourceToken}'
    systemTopicName: 'evgt-acs-${resourceToken}'
    dataLocation: acsDataLocation
    tags: tags
    functionsPrincipalId: functionsIdentity.outputs.principalId
    keyVaultName: keyVault.outputs.name
  }
}

module containerAppsEnvironment '../bicep/containerapps-environment.bicep' = {
  scope: resourceGroup
  name: 'containerapps-environment'
  params: {
    name: 'cae-${resourceToken}'
    location: location
    tags: tags
    logAnalyticsName: monitoring.outputs.logAnalyticsName
  }
}

var mediaWorkerBaseUrl = 'https://${mediaWorkerAppName}.${containerAppsEnvironment.outputs.defaultDomain}'

module signalR '../bicep/signalr.bicep' = {
  scope: resourceGroup
  name: 'signalr'
  params: {
    name: 'sigr-${resourceToken}'
    location: location
    tags: tags
    // The worker hosts the hub (App Server); the Functions app sends to it (REST API Owner).
    appServerPrincipalId: workerIdentity.outputs.principalId
    restApiPrincipalId: functionsIdentity.outputs.principalId
    skuName: signalRSku
    allowedOrigins: [
      mediaWorkerBaseUrl
    ]
  }
}

module openAiRole '../bicep/openai-role.bicep' = if (!empty(azureOpenAiResourceId)) {
  scope: az.resourceGroup(split(azureOpenAiResourceId, '/')[2], split(azureOpenAiResourceId, '/')[4])
  name: 'openai-role'
  params: {
    accountName: last(split(azureOpenAiResourceId, '/'))
    identityPrincipalIds: appPrincipalIds
  }
}

module functions '../bicep/functions.bicep' = {
  scope: resourceGroup
  name: 'functions'
  params: {
    planName: 'plan-${resourceToken}'
    siteName: functionsAppName
    location: location
    tags: tags
    identityId: functionsIdentity.outputs.id
    identityClientId: functionsIdentity.outputs.clientId
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    storageBlobEndpoint: storage.outputs.blobEndpoint
    acsEndpoint: communication.outputs.endpoint
    acsAudioFormat: acsAudioFormat
    acsTransferTarget: acsTransferTarget
    signalREndpoint: signalR.outputs.endpoint
    openAiModel: openAiModel
    openAiVoice: openAiVoice
    azureOpenAiEndpoint: azureOpenAiEndpoint
    azureOpenAiDeployment: azureOpenAiDeployment
    mediaTokenSecretUri: keyVault.outputs.mediaTokenSecretUri
    apiTokenSecretUri: keyVault.outputs.apiTokenSecretUri
    openAiKeySecretUri: keyVault.outputs.openAiKeySecretUri
    mediaWorkerBaseUrl: mediaWorkerBaseUrl
    ttsWarmupSchedule: ttsWarmupSchedule
    acsImmutableResourceId: communication.outputs.immutableResourceId
    openAiWebhookSecretUri: keyVault.outputs.openAiWebhookSecretUri
    instanceMemoryMB: functionsInstanceMemoryMB
  }
}

module mediaWorker '../bicep/containerapp.bicep' = {
  scope: resourceGroup
  name: 'mediaworker'
  params: {
    environmentName: containerAppsEnvironment.outputs.name
    appName: mediaWorkerAppName
    location: location
    tags: tags
    identityId: workerIdentity.outputs.id
    identityClientId: workerIdentity.outputs.clientId
    registryLoginServer: registry.outputs.loginServer
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageAccountName: storage.outputs.name
    acsAudioFormat: acsAudioFormat
    offerTransfer: !empty(acsTransferTarget)
    signalREndpoint: signalR.outputs.endpoint
    openAiModel: openAiModel
    openAiVoice: openAiVoice
    azureOpenAiEndpoint: azureOpenAiEndpoint
    azureOpenAiDeployment: azureOpenAiDeployment
    mediaTokenSecretUri: keyVault.outputs.mediaTokenSecretUri
    apiTokenSecretUri: keyVault.outputs.apiTokenSecretUri
    openAiKeySecretUri: keyVault.outputs.openAiKeySecretUri
    functionsBaseUrl: functions.outputs.url
    mediaWorkerBaseUrl: mediaWorkerBaseUrl
    exists: mediaworkerExists
    drainTimeoutSeconds: drainTimeoutSeconds
    drainGoodbyeTimeoutSeconds: drainGoodbyeTimeoutSeconds
    callsPerReplica: callsPerReplica
  }
}

// Read by azd (registry, resource group) and by the postdeploy hook. Names and URLs only.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output FUNCTIONS_APP_NAME string = functions.outputs.name
output FUNCTIONS_APP_URL string = functions.outputs.url
output MEDIAWORKER_APP_NAME string = mediaWorker.outputs.name
output MEDIAWORKER_URL string = mediaWorker.outputs.url
output ACS_RESOURCE_ID string = communication.outputs.id
output ACS_NAME string = communication.outputs.name
output ACS_ENDPOINT string = communication.outputs.endpoint
output EVENTGRID_SYSTEM_TOPIC_NAME string = communication.outputs.systemTopicName
output SIGNALR_ENDPOINT string = signalR.outputs.endpoint
output STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
