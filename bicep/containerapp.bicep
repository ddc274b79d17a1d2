// The media worker on Azure Container Apps: external HTTPS ingress (WebSockets for ACS media streaming), at least
// one replica so a call never waits for a cold start, and a termination grace period computed from the drain settings
// the worker is given, so a new revision or a scale-in lets running calls finish (the worker drains on SIGTERM for
// drainTimeoutSeconds, then says goodbye for up to drainGoodbyeTimeoutSeconds; defaults 300 + 15, grace 330 s).
import { timeSpanOf, terminationGraceSeconds } from 'drain.bicep'

param environmentName string
param appName string
param location string
param tags object
param identityId string
param identityClientId string
param registryLoginServer string
param applicationInsightsConnectionString string
param storageBlobEndpoint string
@description('The storage account\'s name: the active-calls scale rule counts the open-session markers in its `sessions` container.')
param storageAccountName string
@description('The Azure SignalR Service endpoint; the worker is the live hub\'s server there (Default mode).')
param signalREndpoint string
@description('The ACS media streaming format the Functions app asks for (MediaWorker__AcsAudioFormat: the worker\'s ACS leg reads audio in it).')
param acsAudioFormat string
@description('Whether the Functions app has a transfer target (Acs__TransferTarget): the agent is then offered the transfer tool on ACS calls.')
param offerTransfer bool = false
param openAiModel string
param openAiVoice string
@description('Azure OpenAI endpoint and deployment; empty when the engine is OpenAI.')
param azureOpenAiEndpoint string
param azureOpenAiDeployment string
@description('Versioned Key Vault secret URIs (not secrets themselves); the OpenAI key URI is empty when none was given.')
param mediaTokenSecretUri string
@description('Versioned Key Vault secret URI of the API token signing key: the live hub checks the tokens the Functions app issues.')
param apiTokenSecretUri string
param openAiKeySecretUri string
param functionsBaseUrl string
@description('This app\'s own public URL (https://<app>.<environment default domain>).')
param mediaWorkerBaseUrl string
@description('Whether the app exists already (azd: SERVICE_MEDIAWORKER_RESOURCE_EXISTS); then its current image is kept.')
param exists bool
@minValue(300)
@maxValue(3600)
@description('Seconds a stopping worker lets its calls run to their end (MediaWorker__DrainTimeout; the worker refuses more than an hour).')
param drainTimeoutSeconds int = 300
@minValue(0)
@maxValue(60)
@description('Seconds the calls still running after the drain get for the goodbye before they are cut off (MediaWorker__DrainGoodbyeTimeout, 0–60).')
param drainGoodbyeTimeoutSeconds int = 15
param cpu string = '0.5'
param memory string = '1Gi'
param minReplicas int = 1
param maxReplicas int = 10
@minValue(1)
@description('Calls a replica is meant to carry: a replica is added per this many active calls (every channel: ACS, SIP, browser).')
param callsPerReplica int = 50
param targetPort int = 8080
@description('The internal port: /metrics, reachable only inside the Container Apps environment (http://<app name>:9090/metrics).')
param internalPort int = 9090

// The placeholder runs until azd deploys the real image; it listens on port 80, so no probes are set for it.
var placeholderImage = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'

resource environment 'Microsoft.App/managedEnvironments@2025-07-01' existing = {
  name: environmentName
}

module current 'fetch-container-image.bicep' = {
  name: '${appName}-current-image'
  params: {
    exists: exists
    name: appName
  }
}

var image = exists && !empty(current.outputs.containers) ? current.outputs.containers[0].image : placeholderImage

// Every variable is named here, under the names the apps read locally too (Section__Key). Secrets come from Key
// Vault through container app secrets (keyVaultUrl + identity), never as values.
var env = concat(
  [
    { name: 'ASPNETCORE_HTTP_PORTS', value: string(targetPort) }
    { name: 'AZURE_CLIENT_ID', value: identityClientId }
    { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
    { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
    { name: 'Storage__BlobServiceUri', value: storageBlobEndpoint }
    // No Acs__* setting and no ACS role: the worker asks the Functions app to hang up and transfer ACS calls (queue
    // dvs-call-actions), because every role ACS honours for Call Automation can list the resource's access keys.
    { name: 'MediaWorker__AcsAudioFormat', value: acsAudioFormat }
    { name: 'CallActions__OfferTransfer', value: string(offerTransfer) }
    // The SDK's connection string format with the managed identity: no key in it (the service's keys are disabled).
    { name: 'Azure__SignalR__ConnectionString', value: 'Endpoint=${signalREndpoint};AuthType=azure.msi;ClientId=${identityClientId};Version=1.0;' }
    { name: 'Tenants__Tokens__SigningKey', secretRef: 'api-token-signing-key' }
    { name: 'MediaWorker__InternalUrls', value: 'http://+:${internalPort}' }
    { name: 'Functions__PublicBaseUrl', value: functionsBaseUrl }
    { name: 'MediaWorker__BaseUrl', value: mediaWorkerBaseUrl }
    { name: 'MediaWorker__TokenSigningKey', secretRef: 'media-token-signing-key' }
    // Set here, not left to the worker's defaults, so the grace period below is computed from what the worker runs with.
    { name: 'MediaWorker__DrainTimeout', value: timeSpanOf(drainTimeoutSeconds) }
    { name: 'MediaWorker__DrainGoodbyeTimeout', value: timeSpanOf(drainGoodbyeTimeoutSeconds) }
    { name: 'OpenAI__Model', value: openAiModel }
    { name: 'OpenAI__Voice', value: openAiVoice }
    { name: 'AzureOpenAI__Endpoint', value: azureOpenAiEndpoint }
    { name: 'AzureOpenAI__Deployment', value: azureOpenAiDeployment }
  ],
  empty(openAiKeySecretUri) ? [] : [{ name: 'OpenAI__ApiKey', secretRef: 'openai-api-key' }]
)

var secrets = concat(
  [
    { name: 'media-token-signing-key', keyVaultUrl: mediaTokenSecretUri, identity: identityId }
    { name: 'api-token-signing-key', keyVaultUrl: apiTokenSecretUri, identity: identityId }
  ],
  empty(openAiKeySecretUri) ? [] : [{ name: 'openai-api-key', keyVaultUrl: openAiKeySecretUri, identity: identityId }]
)

var probes = [
  {
    type: 'Startup'
    httpGet: {
      path: '/healthz'
      port: targetPort
    }
    periodSeconds: 2
    failureThreshold: 30
  }
  {
    type: 'Liveness'
    httpGet: {
      path: '/healthz'
      port: targetPort
    }
    periodSeconds: 10
    failureThreshold: 3
  }
  {
    // 503 from the moment the worker drains (SIGTERM): the replica leaves the ingress while its calls finish.
    type: 'Readiness'
    httpGet: {
      path: '/readyz'
      port: targetPort
    }
    periodSeconds: 5
    failureThreshold: 3
  }
]

resource app 'Microsoft.App/containerApps@2025-07-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'mediaworker' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: targetPort
        // HTTP ingress carries WebSockets; 'auto' also allows HTTP/2 for the dashboard.
        transport: 'auto'
        allowInsecure: false
        // The internal port: a TCP mapping other apps of the environment reach (http://<app name>:9090), never the internet.
        additionalPortMappings: [
          {
            external: false
            targetPort: internalPort
            exposedPort: internalPort
          }
        ]
      }
      registries: [
        {
          server: registryLoginServer
          identity: identityId
        }
      ]
      secrets: secrets
    }
    template: {
      // The worker drains for MediaWorker:DrainTimeout, then says goodbye for up to MediaWorker:DrainGoodbyeTimeout and
      // hangs up: the grace period covers both and the host's stop margin (drain.bicep).
      terminationGracePeriodSeconds: terminationGraceSeconds(drainTimeoutSeconds, drainGoodbyeTimeoutSeconds)
      containers: [
        {
          name: 'mediaworker'
          image: image
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          env: env
          probes: image == placeholderImage ? [] : probes
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        // Active calls, counted the way the tenant limits count them: one open-session marker (blob `open/{callId}` in
        // container `sessions`) per session that has not ended or failed, whatever its channel. KEDA lists that prefix
        // (one request per 5,000 calls, with the worker's identity) and asks for one replica per callsPerReplica calls.
        // A SIP call's sideband is a socket the worker opens, so the HTTP rule below does not see it; this rule does.
        // The HTTP rule stays as a backstop when the listing fails: each ACS or browser call holds one media WebSocket,
        // a concurrent request for the ingress. CPU above 70 % adds a replica sooner. Commands for a call reach its
        // replica through that replica's Storage queue, whichever replica the ingress would pick.
        rules: [
          {
            name: 'active-calls'
            custom: {
              type: 'azure-blob'
              identity: identityId
              metadata: {
                accountName: storageAccountName
                blobContainerName: 'sessions'
                // KEDA appends the delimiter: it lists `open/` one level deep, which is every marker and nothing else.
                blobPrefix: 'open'
                blobDelimiter: '/'
                blobCount: string(callsPerReplica)
              }
            }
          }
          {
            name: 'http-concurrency'
            http: {
              metadata: {
                concurrentRequests: string(callsPerReplica)
              }
            }
          }
          {
            name: 'cpu'
            custom: {
              type: 'cpu'
              metadata: {
                type: 'Utilization'
                value: '70'
              }
            }
          }
        ]
      }
    }
  }
}

output name string = app.name
output url string = 'https://${app.properties.configuration.ingress.fqdn}'
