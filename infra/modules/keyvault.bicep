// Key Vault (RBAC authorisation) holding the hub's secrets: the admin key and, when given, the SMTP user and password.
// The function app reads them through Key Vault references resolved with its user-assigned identity.

param name string
param location string = resourceGroup().location
param tags object = {}

@secure()
@minLength(16)
@description('The operator key for /api/v1/admin/* (Hub:AdminKey).')
param adminKey string

@secure()
@description('SMTP user name for the digest mail; empty: no secret is created.')
param smtpUser string = ''

@secure()
@description('SMTP password for the digest mail; empty: no secret is created.')
param smtpPassword string = ''

@description('Purge protection cannot be turned off again once on; recommended for production.')
param enablePurgeProtection bool = false

@description('Name of the app\'s user-assigned identity (in this resource group), given this resource\'s data roles.')
param appIdentityName string

var smtpUserSecretName = 'hub-smtp-user'
var smtpPasswordSecretName = 'hub-smtp-password'


resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource adminKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'hub-admin-key'
  properties: {
    value: adminKey
    contentType: 'text/plain'
  }
}

resource smtpUserSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(smtpUser)) {
  parent: vault
  name: smtpUserSecretName
  properties: {
    value: smtpUser
    contentType: 'text/plain'
  }
}

resource smtpPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(smtpPassword)) {
  parent: vault
  name: smtpPasswordSecretName
  properties: {
    value: smtpPassword
    contentType: 'text/plain'
  }
}

// Key Vault Secrets User
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource appRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appIdentity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
// Versionless secret URIs (the app picks up a rotated value on its next reference refresh), built from names rather
// than from the conditional secrets so that no output depends on a secure value; the SMTP ones exist only when given.
output adminKeyUri string = '${vault.properties.vaultUri}secrets/${adminKeySecret.name}'
output smtpUserUri string = '${vault.properties.vaultUri}secrets/${smtpUserSecretName}'
// A URI naming where the password is, not the password: the rule matches the word in the name.
#disable-next-line outputs-should-not-contain-secrets
output smtpPasswordUri string = '${vault.properties.vaultUri}secrets/${smtpPasswordSecretName}'
