// Log Analytics (Container Apps logs, App Insights storage) and workspace-based Application Insights with local
// (instrumentation-key) auth disabled: telemetry is accepted only from the identity, which gets Monitoring Metrics
// Publisher on this component alone.
param logAnalyticsName string
param applicationInsightsName string
param location string
param tags object
@description('The identities of both apps: each sends its own telemetry.')
param identityPrincipalIds array

// Monitoring Metrics Publisher: lets the identity send telemetry when local auth is off.
var monitoringMetricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb'

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in identityPrincipalIds: {
    name: guid(applicationInsights.id, principalId, monitoringMetricsPublisherRoleId)
    scope: applicationInsights
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRoleId)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

output logAnalyticsName string = logAnalytics.name
output logAnalyticsId string = logAnalytics.id
// The connection string holds only the instrumentation key, an identifier that accepts nothing while local auth is off.
output applicationInsightsConnectionString string = applicationInsights.properties.ConnectionString
