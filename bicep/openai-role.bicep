// Lets the managed identity call an existing Azure OpenAI (or AI Services) resource, wherever its resource group is:
// Cognitive Services OpenAI User on that account only. Deployed only when AZURE_OPENAI_RESOURCE_ID is set.
param accountName string
@description('The identities that call the model: the worker engines and the Functions app SIP accept.')
param identityPrincipalIds array

var openAiUserRoleId = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' existing = {
  name: accountName
}

resource identityOpenAiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in identityPrincipalIds: {
    name: guid(account.id, principalId, openAiUserRoleId)
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAiUserRoleId)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]
