// What the operator sees of the hub: an Azure Monitor workbook over Application Insights showing the hub's metrics
// (Meter Mellanrum.Hub, listed in ../monitoring/metrics.json), and log alert rules over the Log Analytics workspace
// (dead letters, fan-out lag p95, server errors) that notify an action group. docs/deploy.md, "Observability".

param location string = resourceGroup().location
param tags object = {}

@description('Name of the Log Analytics workspace the alert rules query (AppMetrics).')
param logAnalyticsName string

@description('Name of the Application Insights component the workbook shows (customMetrics).')
param applicationInsightsName string

@description('Prefix of the alert rules\' and the action group\'s names.')
param namePrefix string

@description('E-mail address the alerts go to. Empty: the action group has no receiver (the alerts still fire and show in the portal).')
param alertEmail string = ''

@minValue(1)
@description('Fan-out lag alert: fires when the p95 of hub.fanout.lag is possibly above this many seconds.')
param fanoutLagThresholdSeconds int = 300

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2025-02-01' existing = {
  name: logAnalyticsName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// The workbook's JSON is the portal's own "Gallery Template" format, kept readable in its file (edit it in the portal,
// then paste the Advanced Editor's gallery template back); the component it reads is added here.
resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(applicationInsights.id, 'mellanrum-hub-workbook')
  location: location
  tags: union(tags, { 'hidden-title': 'Mellanrum hub' })
  kind: 'shared'
  properties: {
    displayName: 'Mellanrum hub'
    category: 'workbook'
    sourceId: applicationInsights.id
    serializedData: string(union(loadJsonContent('../monitoring/workbook.json'), {
      fallbackResourceIds: [
        applicationInsights.id
      ]
    }))
  }
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-alerts'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'hub-alerts'
    enabled: true
    emailReceivers: empty(alertEmail)
      ? []
      : [
          {
            name: 'operator'
            emailAddress: alertEmail
            useCommonAlertSchema: true
          }
        ]
  }
}

// Each rule's KQL is in ../monitoring/alerts/; the rule aggregates its measure column over the window. Queries are not
// validated at deployment: AppMetrics has no rows until the app first reports, and validation would fail on a new
// workspace (the Azure Monitor team's advice for tables that fill after deployment).
var rules = [
  {
    name: 'dead-letters'
    displayName: 'Mellanrum hub: dead letters'
    description: 'A delivery was given up on (hub.dead_letters) in the last 15 minutes. See the workbook\'s "Dead letters by channel" and GET /api/v1/admin/dead-letters.'
    severity: 2
    frequency: 'PT5M'
    window: 'PT15M'
    query: loadTextContent('../monitoring/alerts/dead-letters.kql')
    measure: 'DeadLetters'
    aggregation: 'Total'
    threshold: 0
  }
  {
    name: 'fanout-lag-p95'
    displayName: 'Mellanrum hub: fan-out lag p95'
    description: 'The p95 of hub.fanout.lag (receipt to last channel done) over the last 15 minutes is possibly above ${fanoutLagThresholdSeconds} s.'
    severity: 2
    frequency: 'PT5M'
    window: 'PT15M'
    query: 'let thresholdSeconds = ${fanoutLagThresholdSeconds}.0;\n${loadTextContent('../monitoring/alerts/fanout-lag-p95.kql')}'
    measure: 'SlowShareAtMost'
    aggregation: 'Maximum'
    threshold: json('0.05')
  }
  {
    name: 'ingest-5xx'
    displayName: 'Mellanrum hub: server errors'
    description: 'An HTTP request was answered 500 or above (http.server.request.duration) in the last 5 minutes.'
    severity: 1
    frequency: 'PT5M'
    window: 'PT5M'
    query: loadTextContent('../monitoring/alerts/ingest-5xx.kql')
    measure: 'Failed'
    aggregation: 'Total'
    threshold: 0
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [
  for rule in rules: {
    name: '${namePrefix}-${rule.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [
        logAnalytics.id
      ]
      evaluationFrequency: rule.frequency
      windowSize: rule.window
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: rule.aggregation
            metricMeasureColumn: rule.measure
            operator: 'GreaterThan'
            threshold: rule.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      skipQueryValidation: true
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]
