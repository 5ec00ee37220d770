// The hub's function app on the Flex Consumption plan (FC1, Linux), running as the user-assigned identity: the
// deployment package, AzureWebJobsStorage, Service Bus, Key Vault references and Application Insights all use it.
// FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE are not app settings on Flex
// Consumption: the runtime is functionAppConfig.runtime and the package comes from functionAppConfig.deployment.

param name string
param planName string
param location string = resourceGroup().location
param tags object = {}

@description('The azd service name this app hosts (azure.yaml).')
param serviceName string = 'hub'

@description('Name of the user-assigned identity (in this resource group) the app runs as.')
param identityName string

param storageAccountName string
param storageBlobEndpoint string
param deploymentContainerName string

@description('Name of the Application Insights component (in this resource group) the app reports to.')
param applicationInsightsName string

@description('Service Bus namespace host name, e.g. sb-xyz.servicebus.windows.net.')
param serviceBusFullyQualifiedNamespace string

@description('Settings of the application itself (queue names, schedules, Hub__*), merged over the platform settings.')
param appSettings object

@description('Public https base URL of the hub (links in digests); empty: the app\'s own https://{defaultHostName}.')
param publicBaseUrl string = ''

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

// Read here rather than passed in as a module output, so that no deployment output holds the connection string.
resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Client id of the identity: AzureWebJobsStorage__clientId, ServiceBus__clientId, Hub__DataProtection__ClientId,
// AZURE_CLIENT_ID.
var identityClientId = identity.properties.clientId

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references (Hub__AdminKey, Hub__Smtp__*) are resolved with the user-assigned identity.
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

var baseUrl = empty(publicBaseUrl) ? 'https://${site.properties.defaultHostName}' : publicBaseUrl

var platformSettings = {
  // Identity-based AzureWebJobsStorage: the Functions host and the hub's own Table/Queue clients
  // (Mellanrum.Hub.Hosting.StorageClients) build https://{accountName}.{table|queue}.core.windows.net from it.
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // Identity-based Service Bus connection for the partners' servicebus channel.
  ServiceBus__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  ServiceBus__credential: 'managedidentity'
  ServiceBus__clientId: identityClientId
  // The identity that reads the key ring's KEK from Key Vault (Hub__DataProtection__KeyVaultUri, from main.bicep).
  Hub__DataProtection__ClientId: identityClientId
  // DefaultAzureCredential anywhere in the app picks the user-assigned identity.
  AZURE_CLIENT_ID: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  Hub__PublicBaseUrl: baseUrl
  Hub__Digest__BaseUrl: baseUrl
}

resource settings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: union(platformSettings, appSettings)
}

output name string = site.name
output uri string = 'https://${site.properties.defaultHostName}'
output publicBaseUrl string = baseUrl
output planName string = plan.name
