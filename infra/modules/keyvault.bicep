// Key Vault (RBAC authorisation) holding the hub's secrets: the admin key and, when given, the SMTP user and password,
// read by the function app through Key Vault references resolved with its user-assigned identity; and the key ring's
// key-encryption key (KEK), which the app reads itself at start (Hub__DataProtection__*, docs/security.md).

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

// A fresh value on every deployment: a parameter default of newGuid() is evaluated anew each time (two of them, 244
// random bits). That is intended: each deployment adds a new version of the KEK secret, the app encrypts new key ring
// keys with the current version, and every older version stays in the vault (never disable, delete or purge one) to
// decrypt the keys it encrypted, which name their version. Pass a value only to set one on purpose.
@secure()
@description('Value of the new version of the key ring\'s KEK secret; leave the default (fresh randomness each deployment).')
param keyRingKekValue string = '${newGuid()}${newGuid()}'

@description('Purge protection cannot be turned off again once on; recommended for production.')
param enablePurgeProtection bool = false

@description('Name of the app\'s user-assigned identity (in this resource group), given this resource\'s data roles.')
param appIdentityName string

var smtpUserSecretName = 'hub-smtp-user'
var smtpPasswordSecretName = 'hub-smtp-password'
var keyRingKekSecretName = 'hub-keyring-kek'


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

// The key ring's KEK: SHA-256 of a version's value is that version's AES-256 key (Mellanrum.Hub.Sources.KeyRingKeyVault).
resource keyRingKekSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: keyRingKekSecretName
  properties: {
    value: keyRingKekValue
    contentType: 'text/plain'
  }
}

// Key Vault Secrets User: get and list secrets and their versions (the references and the KEK, current and older).
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
// The KEK's secret name, from the resource so that the app settings naming it wait for it.
output keyRingKekSecretName string = keyRingKekSecret.name
output adminKeyUri string = '${vault.properties.vaultUri}secrets/${adminKeySecret.name}'
output smtpUserUri string = '${vault.properties.vaultUri}secrets/${smtpUserSecretName}'
// A URI naming where the password is, not the password: the rule matches the word in the name.
#disable-next-line outputs-should-not-contain-secrets
output smtpPasswordUri string = '${vault.properties.vaultUri}secrets/${smtpPasswordSecretName}'
