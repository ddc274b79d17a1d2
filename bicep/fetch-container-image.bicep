// Reads the image the container app runs now, so that `azd provision` after `azd deploy` keeps the deployed image
// instead of resetting it to the placeholder (azd sets SERVICE_<NAME>_RESOURCE_EXISTS before provisioning).
param exists bool
param name string

resource existingApp 'Microsoft.App/containerApps@2025-07-01' existing = if (exists) {
  name: name
}

output containers array = exists ? existingApp!.properties.template.containers : []
