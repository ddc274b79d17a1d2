// A user-assigned managed identity for one app: main.bicep makes one for the Functions app (id-func-…) and one for the
// media worker (id-worker-…), so neither can use the other's rights. Every permission is a role assignment to one of
// them, scoped to the single resource (or container, secret, queue name) that app uses; see the other modules.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
