// Azure SignalR Service in Default mode: the media worker is the live hub's server (Microsoft.Azure.SignalR's
// AddAzureSignalR, which needs Default mode; clients connect once a hub server is connected, and the worker keeps one
// replica), and the Functions app sends live events through the REST API, which works in every mode. Both reach it
// with a managed identity (connection string AuthType=azure.msi); access keys are disabled.
param name string
param location string
param tags object
@description('The identity the media worker runs as: SignalR App Server (hub server connections).')
param appServerPrincipalId string
@description('The identity the Functions app runs as: SignalR REST API Owner (group sends).')
param restApiPrincipalId string
param skuName string = 'Free_F1'
param allowedOrigins array

var appServerRoleId = '420fcaa2-552c-430f-98ca-3264be4806c7'
var restApiOwnerRoleId = 'fd53cd77-2268-407a-8f46-7e7863d0f521'

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'SignalR'
  sku: {
    name: skuName
    capacity: 1
  }
  properties: {
    features: [
      {
        flag: 'ServiceMode'
        value: 'Default'
      }
      {
        flag: 'EnableConnectivityLogs'
        value: 'True'
      }
    ]
    cors: {
      allowedOrigins: allowedOrigins
    }
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
    tls: {
      clientCertEnabled: false
    }
  }
}

resource workerAppServer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(signalR.id, appServerPrincipalId, appServerRoleId)
  scope: signalR
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', appServerRoleId)
    principalId: appServerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource functionsRestApiOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(signalR.id, restApiPrincipalId, restApiOwnerRoleId)
  scope: signalR
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', restApiOwnerRoleId)
    principalId: restApiPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = signalR.name
output endpoint string = 'https://${signalR.properties.hostName}'
