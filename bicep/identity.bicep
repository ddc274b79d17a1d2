// The one user-assigned managed identity both apps run as. Every data-plane permission is a role assignment to it,
// scoped to the single resource it needs (see the other modules).
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
