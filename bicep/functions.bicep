// The Functions app on Flex Consumption (FC1), runtime `dotnet-isolated` 10.0: azd deploys the framework-dependent
// `dotnet publish` output (functions.metadata, worker.config.json, host.json at the root) to a blob container with the
// managed identity, and the host starts `dotnet DvServerless.Functions.dll` as its worker. Flex takes the runtime from
// functionAppConfig, so FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE are not app
// settings here. One always-ready instance keeps the IncomingCall webhook (and the Event Grid handshake) off cold start.
// The webhook's function key (`eventgrid`) is created by the postdeploy hook: the function exists only once the code is
// deployed and the worker has started, which is after this template runs.
param planName string
param siteName string
param location string
param tags object
param identityId string
param identityClientId string
param storageBlobEndpoint string
param deploymentContainerName string
param applicationInsightsConnectionString string
@description('Endpoints the app reaches with the managed identity.')
param acsEndpoint string
@description('The Azure SignalR Service endpoint (https://<name>.service.signalr.net); live events are sent to its REST API.')
param signalREndpoint string
param mediaWorkerBaseUrl string
param acsAudioFormat string
@description('Where the agent\'s transfer tool sends ACS callers (E.164 or an ACS raw id); empty: no transfers. The worker never knows it.')
param acsTransferTarget string = ''
param openAiModel string
param openAiVoice string
@description('Azure OpenAI endpoint and deployment; empty when the engine is OpenAI.')
param azureOpenAiEndpoint string
param azureOpenAiDeployment string
@description('Versioned Key Vault secret URIs (not secrets themselves); the OpenAI key URI is empty when none was given.')
param mediaTokenSecretUri string
param apiTokenSecretUri string
param openAiKeySecretUri string
param ttsWarmupSchedule string
@description('The ACS immutable resource id; callbacks must carry an ACS-signed JWT with this audience.')
param acsImmutableResourceId string
@description('Versioned Key Vault secret URI of the OpenAI webhook signing secret; empty when SIP is not used.')
param openAiWebhookSecretUri string = ''
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048
param maximumInstanceCount int = 40
param alwaysReadyInstances int = 1

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: siteName
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // The Functions front end answers CORS preflight itself, so the dashboard's origin is allowed here.
      cors: {
        allowedOrigins: [
          mediaWorkerBaseUrl
        ]
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: [
          {
            name: 'http'
            instanceCount: alwaysReadyInstances
          }
        ]
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'  // '10' is refused; the publish targets net10.0
      }
    }
  }
}

var publicBaseUrl = 'https://${site.properties.defaultHostName}'

// Every setting is named here, under the names the apps read locally too (Section__Key). Values are endpoints and
// names; the secrets are Key Vault references resolved with the identity (keyVaultReferenceIdentity).
resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // Host storage by identity; no AzureWebJobsStorage connection string exists (shared keys are off).
    AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // The CallAction queue trigger reads dvs-call-actions through the same identity-based host connection.
    AzureWebJobsStorage__queueServiceUri: replace(storageBlobEndpoint, '.blob.', '.queue.')
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    AZURE_CLIENT_ID: identityClientId
    TtsWarmup__Schedule: ttsWarmupSchedule
    Storage__BlobServiceUri: storageBlobEndpoint
    Acs__Endpoint: acsEndpoint
    Acs__AudioFormat: acsAudioFormat
    Acs__TransferTarget: acsTransferTarget
    // Callbacks are accepted only with a valid ACS-signed JWT (RS256, keys from ACS's OpenID configuration).
    Acs__CallbackAuth__Enabled: 'true'
    Acs__CallbackAuth__ResourceId: acsImmutableResourceId
    // Empty: SIP webhooks are refused (logged) until the secret is provided as a parameter.
    OpenAI__WebhookSecret: empty(openAiWebhookSecretUri) ? '' : '@Microsoft.KeyVault(SecretUri=${openAiWebhookSecretUri})'
    // The name scripts/azd/postdeploy.* gives the subscription: the webhook refuses Event Grid POSTs from any other
    // (header aeg-subscription-name). A deployment test keeps the two equal.
    EventGrid__SubscriptionName: 'incoming-call'
    // The SDK's connection string format with the managed identity: no key in it (the service's keys are disabled).
    Azure__SignalR__ConnectionString: 'Endpoint=${signalREndpoint};AuthType=azure.msi;ClientId=${identityClientId};Version=1.0;'
    Tenants__Tokens__SigningKey: '@Microsoft.KeyVault(SecretUri=${apiTokenSecretUri})'
    Functions__PublicBaseUrl: publicBaseUrl
    MediaWorker__BaseUrl: mediaWorkerBaseUrl
    MediaWorker__TokenSigningKey: '@Microsoft.KeyVault(SecretUri=${mediaTokenSecretUri})'
    OpenAI__ApiKey: empty(openAiKeySecretUri) ? '' : '@Microsoft.KeyVault(SecretUri=${openAiKeySecretUri})'
    OpenAI__Model: openAiModel
    OpenAI__Voice: openAiVoice
    AzureOpenAI__Endpoint: azureOpenAiEndpoint
    AzureOpenAI__Deployment: azureOpenAiDeployment
  }
}

output name string = site.name
output url string = publicBaseUrl
output hostName string = site.properties.defaultHostName
