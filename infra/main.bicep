// Mellanrum hub on Azure: a Flex Consumption function app running as a user-assigned managed identity, with its
// storage account (tables, queues, deployment package), a Service Bus namespace for the partners' queues, a Key Vault
// for the admin key, SMTP credentials and the key ring's KEK, Log Analytics + Application Insights, and a workbook
// and alert rules over them.
//
// Deployed into an existing resource group (targetScope resourceGroup), so deploying needs rights on that group only:
//   azd up                       (azd asks for the resource group, see docs/deploy.md)
//   az deployment group create -g <rg> -f infra/main.bicep -p environmentName=<name> adminKey=<key> ...
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('Name of the environment (azd AZURE_ENV_NAME); seeds the unique suffix of every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource; it must offer the Flex Consumption plan (swedencentral does).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string = resourceGroup().location

@secure()
@minLength(16)
@description('The operator key for /api/v1/admin/*; stored in Key Vault, read by the app as Hub__AdminKey. No default.')
param adminKey string

@description('Public https base URL of the hub if it has its own domain; empty: the function app\'s https URL.')
param publicBaseUrl string = ''

@description('SMTP relay for the monthly digest (Hub__Smtp__Host). Empty: no SMTP; the app then only writes .eml files to a local outbox, which Flex Consumption does not keep: set it in production.')
param smtpHost string = ''

@minValue(1)
@maxValue(65535)
param smtpPort int = 587

@description('STARTTLS after connecting (port 587).')
param smtpStartTls bool = true

@description('Sender of the digest email (Hub__Smtp__From), e.g. "Mellanrum <no-reply@example.se>".')
param smtpFrom string = 'Mellanrum <no-reply@mellanrum.se>'

@secure()
@description('SMTP user name; stored in Key Vault when given. Empty: no SMTP authentication.')
param smtpUser string = ''

@secure()
@description('SMTP password; stored in Key Vault when given.')
param smtpPassword string = ''

@description('Optional principal id of the deploying user, given the same storage and Service Bus data roles as the app for debugging (azd sets AZURE_PRINCIPAL_ID). Empty: none.')
param principalId string = ''

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@allowed([
  'Standard'
  'Premium'
])
@description('Service Bus tier; queues with duplicate detection need Standard or above.')
param serviceBusSku string = 'Standard'

@description('SAS keys off on the Service Bus namespace (the default): the hub uses its managed identity, and partners read their queue with Entra ID (Azure Service Bus Data Receiver on it). False: an operator may hand a partner a listen-only SAS rule instead.')
param serviceBusDisableLocalAuth bool = true

@description('Application Insights accepts Entra ID authenticated telemetry only (the default): the app reports as its identity (Monitoring Metrics Publisher, APPLICATIONINSIGHTS_AUTHENTICATION_STRING).')
param appInsightsDisableLocalAuth bool = true

@description('E-mail address the alert rules notify (dead letters, fan-out lag, server errors). Empty: no receiver; the alerts still fire and show in the portal.')
param alertEmail string = ''

@minValue(1)
@description('The fan-out lag alert fires when the p95 of hub.fanout.lag is possibly above this many seconds.')
param fanoutLagAlertSeconds int = 300

@description('Key Vault purge protection (cannot be turned off again); recommended for production.')
param keyVaultPurgeProtection bool = false

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'mellanrum-hub'
}
var functionAppName = 'func-hub-${resourceToken}'
var identityName = 'id-hub-${resourceToken}'
var logAnalyticsName = 'log-hub-${resourceToken}'
var applicationInsightsName = 'appi-hub-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

// The settings the triggers' %...% expressions name: queue names and schedules, from the one source of truth the app
// embeds too (see host.json for retries).
var triggerSettings = loadJsonContent('../functions/Hub/Foundation/trigger-settings.json')
var inboundQueue = triggerSettings.HubInboundQueue
var fanoutQueue = triggerSettings.HubFanoutQueue
var deliveriesQueue = triggerSettings.HubDeliveriesQueue
var digestsQueue = triggerSettings.HubDigestsQueue

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: logAnalyticsName
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
    appIdentityName: identityName
    disableLocalAuth: appInsightsDisableLocalAuth
  }
  dependsOn: [
    identity
  ]
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'sthub${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    queueNames: [
      inboundQueue
      fanoutQueue
      deliveriesQueue
      digestsQueue
    ]
    appIdentityName: identityName
    userPrincipalId: principalId
  }
  dependsOn: [
    identity
  ]
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    name: 'sb-hub-${resourceToken}'
    location: location
    tags: tags
    skuName: serviceBusSku
    disableLocalAuth: serviceBusDisableLocalAuth
    appIdentityName: identityName
    userPrincipalId: principalId
  }
  dependsOn: [
    identity
  ]
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: 'kv-hub-${resourceToken}'
    location: location
    tags: tags
    adminKey: adminKey
    smtpUser: smtpUser
    smtpPassword: smtpPassword
    enablePurgeProtection: keyVaultPurgeProtection
    appIdentityName: identityName
  }
  dependsOn: [
    identity
  ]
}

module dashboard 'modules/dashboard.bicep' = {
  name: 'dashboard'
  params: {
    location: location
    tags: tags
    logAnalyticsName: logAnalyticsName
    applicationInsightsName: applicationInsightsName
    namePrefix: 'hub-${resourceToken}'
    alertEmail: alertEmail
    fanoutLagThresholdSeconds: fanoutLagAlertSeconds
  }
  dependsOn: [
    monitoring
  ]
}

var keyVaultReference = '@Microsoft.KeyVault(SecretUri={0})'

// Schedules are six-field NCRONTAB in UTC (Linux has no WEBSITE_TIME_ZONE): the digest timer fires at 05:00 and
// 06:00 UTC on the 1st and the app acts only when it is 07:00 in Stockholm, whichever of CET/CEST applies.
var hubSettings = union(
  triggerSettings,
  {
    Hub__AdminKey: format(keyVaultReference, keyVault.outputs.adminKeyUri)
    // The key ring's KEK, read by the app at start with its identity (Hub__DataProtection__ClientId, set with the
    // other identity settings); each deployment adds a version of it (modules/keyvault.bicep).
    Hub__DataProtection__KeyVaultUri: keyVault.outputs.uri
    Hub__DataProtection__KekSecretName: keyVault.outputs.keyRingKekSecretName
    Hub__Smtp__Port: string(smtpPort)
    Hub__Smtp__StartTls: smtpStartTls ? 'true' : 'false'
    Hub__Smtp__From: smtpFrom
    // OpenTelemetry to Application Insights (docs/deploy.md, "Observability"); none, console or otlp elsewhere.
    Hub__Telemetry__Exporter: 'azuremonitor'
  },
  empty(smtpHost) ? {} : { Hub__Smtp__Host: smtpHost },
  empty(smtpUser) ? {} : { Hub__Smtp__User: format(keyVaultReference, keyVault.outputs.smtpUserUri) },
  empty(smtpPassword) ? {} : { Hub__Smtp__Password: format(keyVaultReference, keyVault.outputs.smtpPasswordUri) }
)

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: functionAppName
    planName: 'plan-hub-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'hub'
    identityName: identityName
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: applicationInsightsName
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    appSettings: hubSettings
    publicBaseUrl: publicBaseUrl
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
  dependsOn: [
    identity
    monitoring
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output SERVICE_HUB_NAME string = functionApp.outputs.name
output SERVICE_HUB_URI string = functionApp.outputs.uri
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.uri
output HUB_BASE_URL string = functionApp.outputs.publicBaseUrl
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_SERVICEBUS_NAMESPACE string = serviceBus.outputs.name
output AZURE_SERVICEBUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
