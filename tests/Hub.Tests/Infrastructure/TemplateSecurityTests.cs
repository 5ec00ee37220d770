using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mellanrum.Hub.Tests.Foundation;

namespace Mellanrum.Hub.Tests.Infrastructure;

/// <summary>
/// The security properties of the template as Azure would deploy it: <c>infra/main.bicep</c> built to ARM JSON by the
/// Bicep CLI that <c>tools/bicep.sh</c> restores (the build fails the test, with the CLI's message, when it cannot be
/// restored or run), every nested module deployment walked, and each value worked out with the default parameters.
/// Each test names one property, so a failure says what broke.
/// </summary>
public sealed class TemplateSecurityTests
{
    private static ArmResource Site => Arm.Main.Single("Microsoft.Web/sites");

    private static ArmResource StorageAccount => Arm.Main.Single("Microsoft.Storage/storageAccounts");

    private static ArmResource KeyVault => Arm.Main.Single("Microsoft.KeyVault/vaults");

    private static ArmResource ServiceBus => Arm.Main.Single("Microsoft.ServiceBus/namespaces");

    private static ArmResource ApplicationInsights => Arm.Main.Single("Microsoft.Insights/components");

    [Fact]
    public void FunctionApp_HttpsOnly_IsTrue() => Site.AssertProperty("httpsOnly", true);

    [Fact]
    public void FunctionApp_SiteConfigMinTlsVersion_Is12() => Site.AssertProperty("siteConfig.minTlsVersion", "1.2");

    [Fact]
    public void FunctionApp_SiteConfigFtpsState_IsDisabled() => Site.AssertProperty("siteConfig.ftpsState", "Disabled");

    [Fact]
    public void Storage_AllowSharedKeyAccess_IsFalse() => StorageAccount.AssertProperty("allowSharedKeyAccess", false);

    [Fact]
    public void Storage_AllowBlobPublicAccess_IsFalse() => StorageAccount.AssertProperty("allowBlobPublicAccess", false);

    [Fact]
    public void Storage_MinimumTlsVersion_IsTls12() => StorageAccount.AssertProperty("minimumTlsVersion", "TLS1_2");

    [Fact]
    public void Storage_SupportsHttpsTrafficOnly_IsTrue() => StorageAccount.AssertProperty("supportsHttpsTrafficOnly", true);

    [Fact]
    public void KeyVault_EnableRbacAuthorization_IsTrue() => KeyVault.AssertProperty("enableRbacAuthorization", true);

    [Fact]
    public void ServiceBus_DisableLocalAuth_IsTrue() => ServiceBus.AssertProperty("disableLocalAuth", true);

    [Fact]
    public void ServiceBus_MinimumTlsVersion_Is12() => ServiceBus.AssertProperty("minimumTlsVersion", "1.2");

    [Fact]
    public void ApplicationInsights_DisableLocalAuth_IsTrue_SinceTheAppAuthenticatesWithItsIdentity()
    {
        var authentication = Describe(AppSettings.GetValueOrDefault("APPLICATIONINSIGHTS_AUTHENTICATION_STRING"));
        Assert.True(authentication.Contains("Authorization=AAD", StringComparison.Ordinal), "APPLICATIONINSIGHTS_AUTHENTICATION_STRING is " + authentication);

        ApplicationInsights.AssertProperty("DisableLocalAuth", true);
    }

    [Fact]
    public void RoleAssignments_Names_AreGuidExpressions()
    {
        var assignments = Arm.Main.Resources.Where(r => r.Type == "Microsoft.Authorization/roleAssignments").ToList();

        Assert.NotEmpty(assignments);
        Assert.Empty(assignments.Where(r => !r.RawName.StartsWith("[guid(", StringComparison.Ordinal)).Select(r => $"{r}: {r.RawName}"));
    }

    [Fact]
    public void AppSettings_AzureWebJobsStorageAccountName_IsTheStorageAccount()
    {
        var value = Describe(AppSettings.GetValueOrDefault("AzureWebJobsStorage__accountName"));

        Assert.True(value.Contains("'storage'", StringComparison.Ordinal) && value.Contains("outputs.name", StringComparison.Ordinal), "AzureWebJobsStorage__accountName is " + value);
    }

    [Fact]
    public void AppSettings_AzureWebJobsStorageCredential_IsManagedIdentity() =>
        Assert.Equal("managedidentity", AppSettings.GetValueOrDefault("AzureWebJobsStorage__credential"));

    [Fact]
    public void AppSettings_AzureWebJobsStorageClientId_IsTheAppIdentity() =>
        AssertIsTheAppIdentitysClientId("AzureWebJobsStorage__clientId");

    [Fact]
    public void AppSettings_AzureWebJobsStorage_HasNoConnectionString()
    {
        Assert.DoesNotContain("AzureWebJobsStorage", AppSettings.Keys, StringComparer.OrdinalIgnoreCase);
        Assert.Empty(AppSettings.Where(s => s.Key.Contains("connectionString", StringComparison.OrdinalIgnoreCase) && s.Key != "APPLICATIONINSIGHTS_CONNECTION_STRING").Select(s => s.Key));
        Assert.Empty(AppSettings.Where(s => Regex.IsMatch(Describe(s.Value), @"AccountKey=|SharedAccessKey|SharedAccessSignature|\blist[A-Z]\w*\(", RegexOptions.IgnoreCase)).Select(s => s.Key));
    }

    [Fact]
    public void AppSettings_ServiceBus_IsByFullyQualifiedNamespaceAndIdentity()
    {
        var host = Describe(AppSettings.GetValueOrDefault("ServiceBus__fullyQualifiedNamespace"));

        Assert.True(host.Contains("'servicebus'", StringComparison.Ordinal) && host.Contains("outputs.fullyQualifiedNamespace", StringComparison.Ordinal), "ServiceBus__fullyQualifiedNamespace is " + host);
        Assert.Equal("managedidentity", AppSettings.GetValueOrDefault("ServiceBus__credential"));
        AssertIsTheAppIdentitysClientId("ServiceBus__clientId");
        Assert.DoesNotContain(AppSettings.Keys, k => k.StartsWith("ServiceBus", StringComparison.OrdinalIgnoreCase) && !k.StartsWith("ServiceBus__", StringComparison.Ordinal));
        Assert.DoesNotContain("ServiceBus__connectionString", AppSettings.Keys, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void Outputs_Names_DoNotLookLikeSecrets()
    {
        var outputs = Arm.Main.Outputs.ToList();

        Assert.NotEmpty(outputs);
        Assert.Empty(outputs.Where(o => LooksLikeASecret(o.Name)).Select(o => o.ToString()));
    }

    [Fact]
    public void Outputs_Values_DoNotComeFromKeysConnectionStringsOrSecureParameters()
    {
        var secretSource = new Regex(@"\blist[A-Z]\w*\(|connectionstring|instrumentationkey|primarykey|secondarykey|accountkey", RegexOptions.IgnoreCase);

        Assert.Empty(Arm.Main.Outputs.Where(o => secretSource.IsMatch(o.Value.GetRawText())).Select(o => $"{o}: {o.Value.GetRawText()}"));
        Assert.Empty(Arm.Main.Outputs
            .Where(o => o.Scope.SecureParameters.Any(p => o.Value.GetRawText().Contains($"parameters('{p}')", StringComparison.OrdinalIgnoreCase)))
            .Select(o => $"{o}: {o.Value.GetRawText()}"));
    }

    /// <summary>Every app setting of the function app, as deployed with the default parameters (values the template cannot know are <see cref="Unresolved"/>).</summary>
    private static IReadOnlyDictionary<string, object?> AppSettings
    {
        get
        {
            var settings = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (var config in Arm.Main.Resources.Where(r => r.Type == "Microsoft.Web/sites/config" && r.RawName.Contains("'appsettings'", StringComparison.Ordinal)))
            {
                var properties = config.Properties;
                Assert.True(properties is IReadOnlyDictionary<string, object?>, $"{config}: the app settings cannot be worked out from the template: {Describe(properties)}");
                foreach (var (name, value) in (IReadOnlyDictionary<string, object?>)properties!)
                {
                    settings[name] = value;
                }
            }

            if (Site.Property("siteConfig.appSettings") is IReadOnlyList<object?> list)
            {
                foreach (var setting in list.OfType<IReadOnlyDictionary<string, object?>>())
                {
                    settings[Describe(setting.GetValueOrDefault("name"))] = setting.GetValueOrDefault("value");
                }
            }

            Assert.NotEmpty(settings);
            return settings;
        }
    }

    private static void AssertIsTheAppIdentitysClientId(string setting)
    {
        var value = Describe(AppSettings.GetValueOrDefault(setting));
        Assert.True(
            value.Contains("Microsoft.ManagedIdentity/userAssignedIdentities", StringComparison.Ordinal) && value.EndsWith(".clientId]", StringComparison.Ordinal),
            $"{setting} is {value}, not the client id of the app's user-assigned identity");
    }

    /// <summary>A name with a secret's word in it (password, secret, key, token, credential, connection string) that does not end in a word naming where it is (uri, name, id ...).</summary>
    private static bool LooksLikeASecret(string name)
    {
        var words = Regex.Matches(name, "[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])").Select(m => m.Value.ToLowerInvariant()).ToList();
        var secret = words.Any(w => w is "password" or "pwd" or "secret" or "key" or "keys" or "token" or "credential" or "credentials" or "sas")
            || words.Zip(words.Skip(1)).Any(p => p is ("connection", "string"));
        var locator = words.Count > 0 && words[^1] is "uri" or "url" or "name" or "id" or "endpoint" or "namespace";
        return secret && !locator;
    }

    internal static string Describe(object? value) => value switch
    {
        null => "(absent)",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>
/// The dashboard and the alert rules read only what <c>infra/monitoring/metrics.json</c> lists (the contract between
/// the hub's code and its dashboard, docs/deploy.md "Observability"), and the rules' thresholds are those documented.
/// </summary>
public sealed class DashboardContractTests
{
    [Fact]
    public void Workbook_Queries_NameOnlyTheContractsMetricsAndAttributes()
    {
        var queries = WorkbookQueries().ToList();

        Assert.NotEmpty(queries);
        Assert.Empty(queries.SelectMany(UnknownNames));
    }

    [Fact]
    public void Workbook_ShowsEveryMetricOfTheContract()
    {
        var queries = string.Join('\n', WorkbookQueries());

        Assert.Empty(Contract.Metrics.Where(m => !queries.Contains($"\"{m}\"", StringComparison.Ordinal)).Select(m => m + " is not shown"));
    }

    [Fact]
    public void Workbook_ReadsTheApplicationInsightsComponent()
    {
        var workbook = Arm.Main.Single("Microsoft.Insights/workbooks");

        Assert.Contains("Microsoft.Insights/components", TemplateSecurityTests.Describe(workbook.Property("sourceId")), StringComparison.Ordinal);
        Assert.Equal("shared", workbook.Json.GetProperty("kind").GetString());
    }

    [Fact]
    public void AlertRules_Queries_NameOnlyTheContractsMetricsAndAttributes()
    {
        Assert.Equal(3, AlertRules.Count);
        Assert.Empty(AlertRules.Values.SelectMany(r => UnknownNames(TemplateSecurityTests.Describe(r["query"]))));
        Assert.All(AlertRules.Values, r => Assert.StartsWith("AppMetrics", QueryBody(r), StringComparison.Ordinal));
    }

    [Fact]
    public void AlertRule_DeadLetters_FiresOnAnyInFifteenMinutes() =>
        AssertRule("dead-letters", "hub.dead_letters", window: "PT15M", measure: "DeadLetters", aggregation: "Total", threshold: 0);

    [Fact]
    public void AlertRule_FanoutLagP95_FiresWhenPossiblyOverFiveMinutes()
    {
        AssertRule("fanout-lag-p95", "hub.fanout.lag", window: "PT15M", measure: "SlowShareAtMost", aggregation: "Maximum", threshold: 0.05);
        Assert.StartsWith("let thresholdSeconds = 300.0;", TemplateSecurityTests.Describe(AlertRules["fanout-lag-p95"]["query"]), StringComparison.Ordinal);
    }

    [Fact]
    public void AlertRule_ServerErrors_FiresOnAnyInFiveMinutes()
    {
        AssertRule("ingest-5xx", "http.server.request.duration", window: "PT5M", measure: "Failed", aggregation: "Total", threshold: 0);
        Assert.Contains("toint(Properties[\"http.response.status_code\"]) >= 500", TemplateSecurityTests.Describe(AlertRules["ingest-5xx"]["query"]), StringComparison.Ordinal);
    }

    [Fact]
    public void ActionGroup_EmailReceivers_AreNone_WhenNoAddressIsGiven()
    {
        var receivers = Arm.Main.Single("Microsoft.Insights/actionGroups").Property("emailReceivers");

        Assert.True(receivers is IReadOnlyList<object?> { Count: 0 }, "emailReceivers is " + TemplateSecurityTests.Describe(receivers));
    }

    private static void AssertRule(string name, string metric, string window, string measure, string aggregation, double threshold)
    {
        var rule = AlertRules[name];

        Assert.Contains($"Name == \"{metric}\"", TemplateSecurityTests.Describe(rule["query"]), StringComparison.Ordinal);
        Assert.Equal(window, rule["window"]);
        Assert.Equal("PT5M", rule["frequency"]);
        Assert.Equal(measure, rule["measure"]);
        Assert.Equal(aggregation, rule["aggregation"]);
        Assert.Equal(threshold, Convert.ToDouble(rule["threshold"], CultureInfo.InvariantCulture));
    }

    /// <summary>The query without its leading <c>let</c> statements and comment lines.</summary>
    private static string QueryBody(IReadOnlyDictionary<string, object?> rule) =>
        string.Join('\n', TemplateSecurityTests.Describe(rule["query"]).Split('\n').SkipWhile(l => l.StartsWith("let ", StringComparison.Ordinal) || l.StartsWith("//", StringComparison.Ordinal)));

    /// <summary>The alert rules by name, as the dashboard module's <c>rules</c> variable gives them (with the default parameters).</summary>
    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> AlertRules
    {
        get
        {
            var rule = Arm.Main.Single("Microsoft.Insights/scheduledQueryRules");
            var rules = rule.Scope.Variable("rules");
            Assert.True(rules is IReadOnlyList<object?>, "the dashboard's rules variable is " + TemplateSecurityTests.Describe(rules));
            return ((IReadOnlyList<object?>)rules!).Cast<IReadOnlyDictionary<string, object?>>().ToDictionary(r => TemplateSecurityTests.Describe(r["name"]));
        }
    }

    private static IEnumerable<string> WorkbookQueries()
    {
        using var workbook = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "infra", "monitoring", "workbook.json")));
        return workbook.RootElement.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("type").GetInt32() == 3)
            .Select(i => i.GetProperty("content").GetProperty("query").GetString()!)
            .ToList();
    }

    /// <summary>Every quoted <c>hub.*</c> or <c>http.*</c> name in a query that the contract lists neither as a metric nor as an attribute.</summary>
    private static IEnumerable<string> UnknownNames(string query) =>
        Regex.Matches(query, "\"((?:hub|http)\\.[a-z0-9_.]+)\"").Select(m => m.Groups[1].Value)
            .Where(n => !Contract.Metrics.Contains(n) && !Contract.Attributes.Contains(n))
            .Select(n => $"{n} in: {query}");

    private static class Contract
    {
        private static readonly Lazy<(HashSet<string> Metrics, HashSet<string> Attributes)> Loaded = new(Load);

        public static IReadOnlySet<string> Metrics => Loaded.Value.Metrics;

        public static IReadOnlySet<string> Attributes => Loaded.Value.Attributes;

        private static (HashSet<string>, HashSet<string>) Load()
        {
            using var contract = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "infra", "monitoring", "metrics.json")));
            var metrics = new HashSet<string>(StringComparer.Ordinal);
            var attributes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var metric in contract.RootElement.GetProperty("metrics").EnumerateArray())
            {
                metrics.Add(metric.GetProperty("name").GetString()!);
                attributes.UnionWith(metric.GetProperty("attributes").EnumerateObject().Select(a => a.Name));
            }

            return (metrics, attributes);
        }
    }
}

/// <summary>The compiled main template, built once for all the tests that read it.</summary>
internal static class Arm
{
    private static readonly Lazy<ArmScope> Built = new(() => new ArmScope(Bicep.BuildMainTemplate(), "main", parent: null, parameterValues: null));

    public static ArmScope Main => Built.Value;
}

/// <summary>A value an expression gives only at deployment (a reference, a resource id, a guid ...), with its ARM text.</summary>
internal sealed record Unresolved(string Expression)
{
    public override string ToString() => $"[{Expression}]";
}

internal sealed record ArmOutput(ArmScope Scope, string Name, JsonElement Value)
{
    public override string ToString() => $"{Scope.Path} output {Name}";
}

/// <summary>One resource of a template or of a nested (module) deployment.</summary>
internal sealed record ArmResource(ArmScope Scope, JsonElement Json)
{
    public string Type => Json.GetProperty("type").GetString()!;

    public string RawName => Json.GetProperty("name").GetString()!;

    /// <summary>False when its condition is false with the default parameters.</summary>
    public bool Deployed => !Json.TryGetProperty("condition", out var condition) || Scope.Evaluate(condition) is not false;

    public object? Properties => Json.TryGetProperty("properties", out var properties) ? Scope.Evaluate(properties) : null;

    /// <summary>A value under <c>properties</c>, by a dotted path (ARM names are case-insensitive).</summary>
    public object? Property(string path)
    {
        var value = Properties;
        foreach (var part in path.Split('.'))
        {
            value = value is IReadOnlyDictionary<string, object?> map ? map.GetValueOrDefault(part) : null;
        }

        return value;
    }

    public void AssertProperty(string path, object expected)
    {
        var actual = Property(path);
        Assert.True(Equals(expected, actual), $"{this}: properties.{path} is {TemplateSecurityTests.Describe(actual)}, expected {TemplateSecurityTests.Describe(expected)}");
    }

    public override string ToString() => $"{Scope.Path}: {Type} {RawName}";
}

/// <summary>
/// A template and where its parameters come from: the default values at the top, the module's parameter values (worked
/// out in the parent deployment) below. Evaluates the ARM expressions the Bicep compiler writes as far as they can be
/// without Azure; the rest stays <see cref="Unresolved"/>.
/// </summary>
internal sealed class ArmScope
{
    private readonly JsonElement template;
    private readonly ArmScope? parent;
    private readonly JsonElement? parameterValues;

    public ArmScope(JsonElement template, string path, ArmScope? parent, JsonElement? parameterValues)
    {
        this.template = template;
        this.parent = parent;
        this.parameterValues = parameterValues;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Every resource here and in every nested deployment below.</summary>
    public IEnumerable<ArmResource> Resources => Scopes.SelectMany(s => Elements(s.template, "resources").Select(r => new ArmResource(s, r)));

    /// <summary>Every output here and in every nested deployment below.</summary>
    public IEnumerable<ArmOutput> Outputs =>
        Scopes.SelectMany(s => s.template.TryGetProperty("outputs", out var outputs)
            ? outputs.EnumerateObject().Select(o => new ArmOutput(s, o.Name, o.Value.GetProperty("value")))
            : []);

    /// <summary>Names of this template's secure parameters.</summary>
    public IEnumerable<string> SecureParameters =>
        template.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateObject().Where(p => p.Value.GetProperty("type").GetString()!.StartsWith("secure", StringComparison.OrdinalIgnoreCase)).Select(p => p.Name)
            : [];

    /// <summary>This template and every nested (module) deployment's template below it, depth first.</summary>
    private IEnumerable<ArmScope> Scopes
    {
        get
        {
            yield return this;
            foreach (var resource in Elements(template, "resources"))
            {
                if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                    && resource.GetProperty("properties").TryGetProperty("template", out var nested))
                {
                    var values = resource.GetProperty("properties").TryGetProperty("parameters", out var given) ? given : (JsonElement?)null;
                    var child = new ArmScope(nested, $"{Path}/{resource.GetProperty("name").GetString()}", this, values);
                    foreach (var scope in child.Scopes)
                    {
                        yield return scope;
                    }
                }
            }
        }
    }

    /// <summary>The only deployed resource of a type, anywhere in the template.</summary>
    public ArmResource Single(string type)
    {
        var found = Resources.Where(r => r.Type == type && r.Deployed).ToList();
        Assert.True(found.Count == 1, $"expected one {type} in the template, found {found.Count}: {string.Join(", ", found)}");
        return found[0];
    }

    public object? Variable(string name) =>
        template.TryGetProperty("variables", out var variables) && variables.TryGetProperty(name, out var value)
            ? Evaluate(value)
            : new Unresolved($"variables('{name}')");

    public object? Parameter(string name)
    {
        if (parent is not null && parameterValues is { } values && values.TryGetProperty(name, out var given) && given.TryGetProperty("value", out var value))
        {
            return parent.Evaluate(value);
        }

        return template.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty(name, out var declared) && declared.TryGetProperty("defaultValue", out var defaultValue)
            ? Evaluate(defaultValue)
            : new Unresolved($"parameters('{name}')");
    }

    /// <summary>A JSON value of the template with its expressions evaluated.</summary>
    public object? Evaluate(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => EvaluateString(value.GetString()!),
        JsonValueKind.Number => value.TryGetInt64(out var whole) ? (object)whole : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => p.Name, p => Evaluate(p.Value), StringComparer.OrdinalIgnoreCase),
        JsonValueKind.Array => value.EnumerateArray().Select(Evaluate).ToList(),
        _ => null,
    };

    private static IEnumerable<JsonElement> Elements(JsonElement template, string name) =>
        !template.TryGetProperty(name, out var items) ? []
        : items.ValueKind == JsonValueKind.Array ? items.EnumerateArray()
        : items.EnumerateObject().Select(p => p.Value); // languageVersion 2.0: resources by symbolic name

    private object? EvaluateString(string text)
    {
        if (text.StartsWith("[[", StringComparison.Ordinal))
        {
            return text[1..];
        }

        return text.StartsWith('[') && text.EndsWith(']') ? Evaluate(new ExpressionParser(text[1..^1]).Parse()) : text;
    }

    private object? Evaluate(ArmExpression expression) => expression switch
    {
        Literal literal => literal.Value,
        Member member => Evaluate(member.Target) is IReadOnlyDictionary<string, object?> map && map.TryGetValue(member.Name, out var found) ? found : new Unresolved(member.Text),
        Indexer index => (Evaluate(index.Target), Evaluate(index.Key)) switch
        {
            (IReadOnlyList<object?> list, long i) when i >= 0 && i < list.Count => list[(int)i],
            (IReadOnlyDictionary<string, object?> map, string key) when map.TryGetValue(key, out var found) => found,
            _ => new Unresolved(index.Text),
        },
        Call call => EvaluateCall(call),
        _ => new Unresolved(expression.Text),
    };

    private object? EvaluateCall(Call call)
    {
        switch (call.Name.ToLowerInvariant())
        {
            case "if":
                return Evaluate(call.Arguments[0]) is bool condition ? Evaluate(call.Arguments[condition ? 1 : 2]) : new Unresolved(call.Text);
            case "true":
                return true;
            case "false":
                return false;
            case "null":
                return null;
        }

        var arguments = call.Arguments.Select(Evaluate).ToList();
        if (arguments.Any(a => a is Unresolved) && call.Name is not ("createObject" or "createArray")
            || call.Name == "createObject" && Enumerable.Range(0, arguments.Count / 2).Any(i => arguments[2 * i] is not string))
        {
            return new Unresolved(call.Text);
        }

        return call.Name.ToLowerInvariant() switch
        {
            "parameters" when arguments is [string name] => Parameter(name),
            "variables" when arguments is [string name] => Variable(name),
            "createobject" => Enumerable.Range(0, arguments.Count / 2).ToDictionary(i => (string)arguments[2 * i]!, i => arguments[(2 * i) + 1], StringComparer.OrdinalIgnoreCase),
            "createarray" => arguments,
            "union" when arguments.All(a => a is IReadOnlyDictionary<string, object?>) => Union(arguments.Cast<IReadOnlyDictionary<string, object?>>()),
            "union" when arguments.All(a => a is IReadOnlyList<object?>) => arguments.Cast<IReadOnlyList<object?>>().SelectMany(l => l).Distinct().ToList(),
            "concat" when arguments.All(a => a is string) => string.Concat(arguments.Cast<string>()),
            "concat" when arguments.All(a => a is IReadOnlyList<object?>) => arguments.Cast<IReadOnlyList<object?>>().SelectMany(l => l).ToList(),
            "empty" when arguments is [var value] => value switch
            {
                null => true,
                string s => s.Length == 0,
                IReadOnlyDictionary<string, object?> map => map.Count == 0,
                IReadOnlyList<object?> list => list.Count == 0,
                _ => new Unresolved(call.Text),
            },
            "not" when arguments is [bool b] => !b,
            "and" when arguments.All(a => a is bool) => arguments.All(a => (bool)a!),
            "or" when arguments.All(a => a is bool) => arguments.Any(a => (bool)a!),
            "equals" when arguments is [var left, var right] && left is (string or bool or long or double) && right is (string or bool or long or double) => Equals(left, right),
            "string" when arguments is [string or bool or long or double] => TemplateSecurityTests.Describe(arguments[0]),
            "tolower" when arguments is [string s] => s.ToLowerInvariant(),
            "toupper" when arguments is [string s] => s.ToUpperInvariant(),
            "json" when arguments is [string s] => Evaluate(JsonDocument.Parse(s).RootElement.Clone()),
            "format" when arguments is [string format, ..] => (object?)Format(format, arguments.Skip(1).ToList()) ?? new Unresolved(call.Text),
            _ => new Unresolved(call.Text),
        };
    }

    private static Dictionary<string, object?> Union(IEnumerable<IReadOnlyDictionary<string, object?>> maps)
    {
        var union = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in maps.SelectMany(m => m))
        {
            union[key] = value;
        }

        return union;
    }

    /// <summary><c>format</c> with plain <c>{n}</c> placeholders; null for anything else.</summary>
    private static string? Format(string format, IReadOnlyList<object?> arguments)
    {
        var text = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if ((c == '{' || c == '}') && i + 1 < format.Length && format[i + 1] == c)
            {
                text.Append(c);
                i++;
            }
            else if (c == '{')
            {
                var end = format.IndexOf('}', i);
                if (end < 0 || !int.TryParse(format.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n >= arguments.Count
                    || arguments[n] is not (string or bool or long or double))
                {
                    return null;
                }

                text.Append(TemplateSecurityTests.Describe(arguments[n]));
                i = end;
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private abstract record ArmExpression(string Text);

    private sealed record Literal(object? Value, string Text) : ArmExpression(Text);

    private sealed record Call(string Name, IReadOnlyList<ArmExpression> Arguments, string Text) : ArmExpression(Text);

    private sealed record Member(ArmExpression Target, string Name, string Text) : ArmExpression(Text);

    private sealed record Indexer(ArmExpression Target, ArmExpression Key, string Text) : ArmExpression(Text);

    /// <summary>The ARM expression language: calls, 'strings' ('' for a quote), integers, <c>.member</c> and <c>[index]</c>.</summary>
    private sealed class ExpressionParser(string text)
    {
        private int position;

        public ArmExpression Parse()
        {
            var expression = ParseExpression();
            SkipSpace();
            if (position != text.Length)
            {
                throw new FormatException($"unexpected '{text[position..]}' in [{text}]");
            }

            return expression;
        }

        private ArmExpression ParseExpression()
        {
            SkipSpace();
            var start = position;
            var expression = ParsePrimary();
            while (true)
            {
                SkipSpace();
                if (TryTake('.'))
                {
                    var name = Identifier();
                    expression = new Member(expression, name, text[start..position]);
                }
                else if (TryTake('['))
                {
                    var key = ParseExpression();
                    Take(']');
                    expression = new Indexer(expression, key, text[start..position]);
                }
                else
                {
                    return expression;
                }
            }
        }

        private ArmExpression ParsePrimary()
        {
            var start = position;
            if (TryTake('\''))
            {
                var value = new StringBuilder();
                while (true)
                {
                    if (position >= text.Length)
                    {
                        throw new FormatException($"unterminated string in [{text}]");
                    }

                    var c = text[position++];
                    if (c == '\'' && position < text.Length && text[position] == '\'')
                    {
                        value.Append('\'');
                        position++;
                    }
                    else if (c == '\'')
                    {
                        return new Literal(value.ToString(), text[start..position]);
                    }
                    else
                    {
                        value.Append(c);
                    }
                }
            }

            if (position < text.Length && (char.IsAsciiDigit(text[position]) || text[position] == '-'))
            {
                position++;
                while (position < text.Length && char.IsAsciiDigit(text[position]))
                {
                    position++;
                }

                return new Literal(long.Parse(text[start..position], CultureInfo.InvariantCulture), text[start..position]);
            }

            var name = Identifier();
            SkipSpace();
            Take('(');
            var arguments = new List<ArmExpression>();
            SkipSpace();
            if (!TryTake(')'))
            {
                do
                {
                    arguments.Add(ParseExpression());
                    SkipSpace();
                }
                while (TryTake(','));

                Take(')');
            }

            return new Call(name, arguments, text[start..position]);
        }

        private string Identifier()
        {
            var start = position;
            while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] is '_' or '$' or '#'))
            {
                position++;
            }

            return position > start ? text[start..position] : throw new FormatException($"expected a name at {position} in [{text}]");
        }

        private void SkipSpace()
        {
            while (position < text.Length && char.IsWhiteSpace(text[position]))
            {
                position++;
            }
        }

        private bool TryTake(char c)
        {
            if (position < text.Length && text[position] == c)
            {
                position++;
                return true;
            }

            return false;
        }

        private void Take(char c)
        {
            if (!TryTake(c))
            {
                throw new FormatException($"expected '{c}' at {position} in [{text}]");
            }
        }
    }
}
