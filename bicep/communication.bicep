// Azure Communication Services, its connection string kept only in Key Vault, and the Event Grid system topic that
// publishes IncomingCall. The webhook subscription is created by the postdeploy hook, after the Functions code is
// live, because Event Grid validates the endpoint synchronously when the subscription is created.
param name string
param systemTopicName string
param dataLocation string
param tags object
@description('The Functions app\'s identity: Call Automation answer, reject, play, hang-up, and the terminate and transfer the worker asks for on queue dvs-call-actions.')
param functionsPrincipalId string
param keyVaultName string

// Contributor on this ACS resource only, for the Functions app only. ACS publishes no data actions for Call Automation:
// it authorizes an Entra ID caller by a built-in role on the resource (Contributor, Owner, or Communication and Email
// Service Owner), and every one of them includes listKeys. Custom roles with just the needed actions are not honoured
// by ACS, so no narrower grant exists. That is why the media worker has none: it asks the Functions app to hang up and
// transfer (queue dvs-call-actions), and a compromised worker cannot read the ACS access key (docs/azure-deployment.md).
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

// Same names as the former per-identity loop (guid of resource, principal, role), so a re-provision updates in place.
resource functionsCallAutomation 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communication.id, functionsPrincipalId, contributorRoleId)
  scope: communication
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', contributorRoleId)
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Call Automation with Entra ID: answer, reject, play, hang up; terminate and transfer for the worker (queue dvs-call-actions).'
  }
}

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
