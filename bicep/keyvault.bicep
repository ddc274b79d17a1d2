// Key Vault in RBAC mode: the only place the deployment keeps secrets (the media token and API token signing keys, the
// optional OpenAI API key and webhook secret, the ACS connection string), all written by this deployment. Apps read them through
// Key Vault references resolved with the managed identity; no one else is granted access to secret values.
param name string
param location string
param tags object
@description('The Functions app\'s identity: reads every secret here.')
param functionsPrincipalId string
@description('The worker\'s identity: reads only the signing keys and the OpenAI key, each granted on the secret itself.')
param workerPrincipalId string

@secure()
@description('The key both apps sign and check per-call media tokens with.')
param mediaTokenSigningKey string

@secure()
@description('The key the Functions app signs tenant API tokens with, and the worker\'s live hub checks them with.')
param apiTokenSigningKey string

@secure()
@description('An OpenAI API key; empty when the engine is Azure OpenAI with the managed identity.')
param openAiApiKey string = ''

@description('Whether openAiApiKey is set (kept apart so that outputs never depend on the secret).')
param storeOpenAiApiKey bool = false

@secure()
@description('The OpenAI project webhook signing secret (whsec_…) for SIP calls; empty when SIP is not used.')
param openAiWebhookSecret string = ''

@description('Whether openAiWebhookSecret is set (kept apart so that outputs never depend on the secret).')
param storeOpenAiWebhookSecret bool = false

// Key Vault Secrets User (read secret values) for the apps.
var secretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource mediaTokenSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'media-token-signing-key'
  properties: {
    value: mediaTokenSigningKey
    contentType: 'text/plain'
  }
}

resource apiTokenSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'api-token-signing-key'
  properties: {
    value: apiTokenSigningKey
    contentType: 'text/plain'
  }
}

resource openAiKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (storeOpenAiApiKey) {
  parent: vault
  name: 'openai-api-key'
  properties: {
    value: openAiApiKey
    contentType: 'text/plain'
  }
}

resource openAiWebhookSecretValue 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (storeOpenAiWebhookSecret) {
  parent: vault
  name: 'openai-webhook-secret'
  properties: {
    value: openAiWebhookSecret
    contentType: 'text/plain'
  }
}

resource functionsSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, functionsPrincipalId, secretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The worker never sees the SIP webhook secret (only the Functions app verifies webhooks).
resource workerMediaTokenReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(mediaTokenSecret.id, workerPrincipalId, secretsUserRoleId)
  scope: mediaTokenSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource workerApiTokenReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(apiTokenSecret.id, workerPrincipalId, secretsUserRoleId)
  scope: apiTokenSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource workerOpenAiKeyReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (storeOpenAiApiKey) {
  name: guid(vault.id, 'openai-api-key', workerPrincipalId, secretsUserRoleId)
  scope: openAiKeySecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
// Versioned URIs: a new value makes both apps pick it up in the same deployment (an unversioned reference is
// re-read by App Service only every 24 hours).
output mediaTokenSecretUri string = mediaTokenSecret.properties.secretUriWithVersion
output apiTokenSecretUri string = apiTokenSecret.properties.secretUriWithVersion
output openAiWebhookSecretUri string = !storeOpenAiWebhookSecret ? '' : openAiWebhookSecretValue!.properties.secretUriWithVersion
output openAiKeySecretUri string = !storeOpenAiApiKey ? '' : openAiKeySecret!.properties.secretUriWithVersion
output identityRoleAssignmentId string = functionsSecretsUser.id
