// The Service Bus namespace for the partners' servicebus channel: one queue partner-{partnerId} per partner, created by
// the hub when a partner with that channel is registered (duplicate detection on, MessageId = update id). Queues with
// duplicate detection need the Standard tier or above.

param name string
param location string = resourceGroup().location
param tags object = {}

@allowed([
  'Standard'
  'Premium'
])
param skuName string = 'Standard'

@description('''True (the default) turns off SAS keys on the whole namespace: the hub connects with its managed identity and
partners read with Entra ID (Azure Service Bus Data Receiver on their partner-{id} queue). False lets an operator hand
a partner outside the tenant a listen-only SAS rule on its queue instead.''')
param disableLocalAuth bool = true

@description('Name of the app\'s user-assigned identity (in this resource group), given this resource\'s data roles.')
param appIdentityName string

@description('Optional principal id of a person (the deployer) given Data Owner too, for debugging. Empty: none.')
param userPrincipalId string = ''


resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
  }
  properties: {
    disableLocalAuth: disableLocalAuth
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

// Azure Service Bus Data Owner: the hub creates and inspects the per-partner queues (a management operation), then
// sends to them. If an operator pre-creates every partner queue instead, Azure Service Bus Data Sender
// (69a216fc-b8fb-44d8-bc22-1f3c2cd27a39) is enough, and registering a partner no longer creates its queue.
var serviceBusDataOwner = '090c5cfd-751d-490a-894a-3ce6f1109419'

resource appRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, appIdentity.id, serviceBusDataOwner)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataOwner)
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource userRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(namespace.id, userPrincipalId, serviceBusDataOwner)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataOwner)
    principalId: userPrincipalId
    principalType: 'User'
  }
}

output name string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
