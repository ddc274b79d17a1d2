// The storage account: Functions host storage, the Flex deployment package, and the app's Blob stores. Shared keys
// are off, so every caller authenticates with Entra ID. Each app has its own identity: the Functions app owns the
// account's blobs (its host storage — leases, host keys — lives here), the worker may touch only the containers it
// writes calls into, so a compromised worker cannot read the Functions host keys.
param name string
param location string
param tags object
@description('The Functions app\'s identity: Blob Data Owner on the account (host storage, deployment package, every app container), Queue Data Message Sender limited by a condition to the dvs-cmd-* and dvs-sip queues (commands to worker replicas, SIP seats and attaches on the shared dvs-sip queue), and Queue Data Contributor limited by a condition to dvs-call-actions and its poison queue (the CallAction queue trigger).')
param functionsPrincipalId string
@description('The worker\'s identity: Blob Data Contributor on workerContainers only, Queue Data Contributor limited by a condition to the dvs-cmd-* and dvs-sip queues (each replica creates, reads and deletes its command queue, and reads the shared dvs-sip queue while it has a free SIP seat), and Queue Data Message Sender limited by a condition to dvs-call-actions (hang-ups and transfers it asks of the Functions app; it holds no ACS role).')
param workerPrincipalId string
@description('The deploying user or CI principal; empty to skip. Gets Blob Data Owner for debugging.')
param principalId string = ''
param principalType string = 'User'
param deploymentContainerName string

@description('Days a session document is kept after its last change; 0 keeps them forever.')
@minValue(0)
param sessionRetentionDays int = 90

@description('Days a transcript is kept after its last change; 0 keeps them forever.')
@minValue(0)
param transcriptRetentionDays int = 90

@description('Days call minutes are kept after their last change; 0 keeps them forever.')
@minValue(0)
param minutesRetentionDays int = 365

@description('Days an audit record is kept after it was written; 0 keeps them forever.')
@minValue(0)
param auditRetentionDays int = 365

// Storage Blob Data Owner: host storage (leases, keys), the deployment container and the app blobs.
var blobDataOwnerRoleId = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
// Storage Blob Data Contributor: read, write and delete blobs, nothing on the account.
var blobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
// Storage Queue Data Contributor: create, read and delete queues and their messages (the worker replicas).
var queueDataContributorRoleId = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
// Storage Queue Data Message Sender: put messages on queues, nothing more (the Functions app).
var queueDataMessageSenderRoleId = 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'

// The queue the worker asks the Functions app on to hang up or transfer an ACS call (CallActionQueueDefaults.Name), and
// where the Functions host moves a message that failed maxDequeueCount times. Created here, so that neither app needs to.
var callActionQueues = [
  'dvs-call-actions'
  'dvs-call-actions-poison'
]

var appContainers = [
  'sessions'
  'transcripts'
  'minutes'
  'voices'
  'tts-cache'
  'audit'
  'ratelimits'
  'conferences'
  'command-replies'
]

// What the worker writes during a call: the session document, transcript segments, the minutes at the end, the
// TTS cache it reads greetings from, and its replies to queued commands. Voices, audit, rate limits and conferences
// are the Functions app's alone.
var workerContainers = [
  'sessions'
  'transcripts'
  'minutes'
  'tts-cache'
  'command-replies'
]

// One lifecycle rule per retention setting that is not 0 (keep forever).
var retention = [
  { container: 'sessions', days: sessionRetentionDays }
  { container: 'transcripts', days: transcriptRetentionDays }
  { container: 'minutes', days: minutesRetentionDays }
  { container: 'audit', days: auditRetentionDays }
]
var retentionRules = [
  for item in filter(retention, item => item.days > 0): {
    name: 'expire-${item.container}'
    enabled: true
    type: 'Lifecycle'
    definition: {
      filters: {
        blobTypes: [ 'blockBlob', 'appendBlob' ]
        prefixMatch: [ '${item.container}/' ]
      }
      actions: {
        baseBlob: {
          delete: { daysAfterModificationGreaterThan: item.days }
        }
      }
    }
  }
]

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource callActionQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' = [
  for queue in callActionQueues: {
    parent: queueService
    name: queue
  }
]

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  for container in appContainers: {
    parent: blobService
    name: container
    properties: {
      publicAccess: 'None'
    }
  }
]

// Rate-limit windows go after a day; sessions, transcripts, minutes and audit records after their retention days.
// Rate-limit counters are one small blob per tenant per minute window (container `ratelimits`): worthless after the
// minute, so they are deleted a day after their last write instead of piling up.
var rateLimitRule = {
  name: 'expire-rate-limit-windows'
  enabled: true
  type: 'Lifecycle'
  definition: {
    filters: {
      blobTypes: [ 'blockBlob' ]
      prefixMatch: [ 'ratelimits/' ]
    }
    actions: {
      baseBlob: {
        delete: { daysAfterModificationGreaterThan: 1 }
      }
    }
  }
}

// A worker replica's reply to a queued command is read within seconds or never: deleted a day after it was written.
var commandReplyRule = {
  name: 'expire-command-replies'
  enabled: true
  type: 'Lifecycle'
  definition: {
    filters: {
      blobTypes: [ 'blockBlob' ]
      prefixMatch: [ 'command-replies/' ]
    }
    actions: {
      baseBlob: {
        delete: { daysAfterModificationGreaterThan: 1 }
      }
    }
  }
}

// An open-session marker (`sessions/open/{callId}`, rewritten with every update of its session) is deleted when its session
// ends or fails. One left behind by a process that died before recording the end would be counted by the worker's
// active-calls scale rule, which cannot skip stale markers as the tenant limits do (after 4 h): such markers go a day
// after their last write. The sessions' own retention rule is days to years; this one is for the markers alone.
var openSessionMarkerRule = {
  name: 'expire-stale-open-session-markers'
  enabled: true
  type: 'Lifecycle'
  definition: {
    filters: {
      blobTypes: [ 'blockBlob' ]
      prefixMatch: [ 'sessions/open/' ]
    }
    actions: {
      baseBlob: {
        delete: { daysAfterModificationGreaterThan: 1 }
      }
    }
  }
}

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: concat([ rateLimitRule, commandReplyRule, openSessionMarkerRule ], retentionRules)
    }
  }
}

resource functionsBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionsPrincipalId, blobDataOwnerRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataOwnerRoleId)
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource workerContainerScopes 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = [
  for container in workerContainers: {
    parent: blobService
    name: container
  }
]

resource workerBlobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (container, i) in workerContainers: {
    name: guid(storage.id, container, workerPrincipalId, blobDataContributorRoleId)
    scope: workerContainerScopes[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributorRoleId)
      principalId: workerPrincipalId
      principalType: 'ServicePrincipal'
    }
    dependsOn: [
      containers
    ]
  }
]

// Queue-level scopes need the queue to exist when the role is assigned, and a replica's queue only exists once that
// replica has started, under a name no one knows at deployment (ReplicaQueueName: 'dvs-cmd-' and the replica's name).
// So the worker's grant, and the Functions app's send-only one, sit on the account with an ABAC condition (conditionVersion 2.0, checked by Storage on each request):
// every message data action the role holds (peek, get or delete, put, update, clear) is allowed only on a queue named
// dvs-cmd-* or on the shared SIP seat queue dvs-sip (SipQueueMessages.Name). Conditions apply to data actions only:
// the role's queue create/delete actions stay account-wide; they reach no message, and the account has no other queues
// (Functions host storage is blobs). A literal, so the deployment tests read exactly what Azure evaluates.
var dvsQueuesOnly = '((!(ActionMatches{\'Microsoft.Storage/storageAccounts/queueServices/queues/messages/read\'}) AND !(ActionMatches{\'Microsoft.Storage/storageAccounts/queueServices/queues/messages/process/action\'}) AND !(ActionMatches{\'Microsoft.Storage/storageAccounts/queueServices/queues/messages/add/action\'}) AND !(ActionMatches{\'Microsoft.Storage/storageAccounts/queueServices/queues/messages/write\'}) AND !(ActionMatches{\'Microsoft.Storage/storageAccounts/queueServices/queues/messages/delete\'})) OR (@Resource[Microsoft.Storage/storageAccounts/queueServices/queues:name] StringStartsWith \'dvs-cmd-\' OR @Resource[Microsoft.Storage/storageAccounts/queueServices/queues:name] StringEquals \'dvs-sip\'))'

resource workerQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, workerPrincipalId, queueDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueDataContributorRoleId)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Messages of the dvs-cmd-* replica queues and the dvs-sip queue only (condition).'
    condition: dvsQueuesOnly
    conditionVersion: '2.0'
  }
}

// The Functions app may only send: it can neither read nor delete a replica's commands, and sends only to dvs queues.
resource functionsQueueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionsPrincipalId, queueDataMessageSenderRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueDataMessageSenderRoleId)
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Put messages on the dvs-cmd-* replica queues and the dvs-sip queue only (condition).'
    condition: dvsQueuesOnly
    conditionVersion: '2.0'
  }
}

// The call actions: the worker may only put messages on dvs-call-actions (it can neither read nor delete them, nor send
// anywhere else with this grant); the Functions app's CallAction trigger reads, updates and deletes them and moves
// poison to dvs-call-actions-poison. Contributor, not Message Processor, because the host also puts messages on the
// poison queue and makes sure it exists. Same condition shape as above; the queue names are the Bicep's own literals.
var callActionQueueOnly = '((!(ActionMatches{\'Microsoft.Storage/storageAccounts/queueServices/queues/messages/add/action\'})) OR (@Resource[Microsoft.Storage/storageAccounts/queueServices/queues:name] StringEquals \'dvs-call-actions\'))'
var callActionQueuesOnly = '((!(ActionMatches{\'Microsoft.Storage/storageAccounts/queueServices/queues/messages/read\'}) AND !(ActionMatches{\'Microsoft.Storage/storageAccounts/queueServices/queues/messages/process/action\'}) AND !(ActionMatches{\'Microsoft.Storage/storageAccounts/queueServices/queues/messages/add/action\'}) AND !(ActionMatches{\'Microsoft.Storage/storageAccounts/queueServices/queues/messages/write\'}) AND !(ActionMatches{\'Microsoft.Storage/storageAccounts/queueServices/queues/messages/delete\'})) OR (@Resource[Microsoft.Storage/storageAccounts/queueServices/queues:name] StringEquals \'dvs-call-actions\' OR @Resource[Microsoft.Storage/storageAccounts/queueServices/queues:name] StringEquals \'dvs-call-actions-poison\'))'

resource workerCallActionSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, workerPrincipalId, queueDataMessageSenderRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueDataMessageSenderRoleId)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Put hang-up and transfer requests on dvs-call-actions only (condition).'
    condition: callActionQueueOnly
    conditionVersion: '2.0'
  }
  dependsOn: [
    callActionQueue
  ]
}

resource functionsCallActionContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionsPrincipalId, queueDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueDataContributorRoleId)
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    description: 'The CallAction queue trigger: messages of dvs-call-actions and dvs-call-actions-poison only (condition).'
    condition: callActionQueuesOnly
    conditionVersion: '2.0'
  }
  dependsOn: [
    callActionQueue
  ]
}

resource principalBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(storage.id, principalId, blobDataOwnerRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataOwnerRoleId)
    principalId: principalId
    principalType: principalType
  }
}

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output deploymentContainerName string = deploymentContainer.name
// Returned so callers wait for the role assignment before an app starts using the account.
output identityRoleAssignmentId string = functionsBlobOwner.id
