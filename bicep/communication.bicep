// Azure Communication Services, its connection string kept only in Key Vault, and the Event Grid system topic that
// publishes IncomingCall. The webhook subscription is created by the postdeploy hook, after the Functions code is
// live, because Event Grid validates the endpoint synchronously when the subscription is created.
param name string
param systemTopicName string
param dataLocation string
param tags object
@description('Both apps: the Functions app answers calls, the worker hangs up and transfers (the agent tools).')
param identityPrincipalIds array
param keyVaultName string

// Contributor on this ACS resource only: Call Automation with Entra ID (answer, play, hang up) has no narrower
// built-in role.
var contributorRoleId = 'b24988ac-6180-42a0-ab88-20f7382dd24c'

resource communication 'Microsoft.Communication/communicationServices@2025-05-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

resource connectionStringSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'acs-connection-string'
  properties: {
    value: communication.listKeys().primaryConnectionString
    contentType: 'text/plain'
  }
}

resource identityContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in identityPrincipalIds: {
    name: guid(communication.id, principalId, contributorRoleId)
    scope: communication
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', contributorRoleId)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: 'global'
  tags: tags
  properties: {
    source: communication.id
    topicType: 'Microsoft.Communication.CommunicationServices'
  }
}

output id string = communication.id
output name string = communication.name
@description('The immutable resource id: the audience of the JWTs ACS puts on callbacks and media sockets.')
output immutableResourceId string = communication.properties.immutableResourceId
output endpoint string = 'https://${communication.properties.hostName}/'
output systemTopicName string = systemTopic.name
output connectionStringSecretUri string = connectionStringSecret.properties.secretUriWithVersion
