using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Cronos;
using Mellanrum.Hub.WorkerHost.Rpc;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Mellanrum.Hub.WorkerHost;

/// <summary>
/// What the Functions host puts in an <c>InvocationRequest</c> for each trigger this host supports: the trigger's input
/// binding and the trigger metadata (binding data), converted as the host converts them (strings stay strings, other
/// values become JSON).
/// </summary>
internal static class TriggerData
{
    /// <summary>Every invocation carries one; without it the worker fails with a NullReferenceException.</summary>
    public static RpcTraceContext TraceContext()
    {
        var trace = new RpcTraceContext
        {
            TraceParent = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01",
            TraceState = string.Empty,
        };
        trace.Attributes["ProcessId"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        return trace;
    }

    /// <summary>
    /// An HTTP trigger for a worker that proxies HTTP (<c>HttpUri</c>): the input is an empty <c>RpcHttp</c> (the request
    /// itself goes over HTTP), the binding data holds the route values, <c>Query</c> and <c>Headers</c>; the request
    /// object itself (<c>$request</c> and the binding's name) only when the worker did not declare
    /// <c>RpcHttpTriggerMetadataRemoved</c>.
    /// </summary>
    public static void Http(InvocationRequest invocation, WorkerBinding trigger, Uri target, HttpRequestMessage request, RouteValueDictionary routeValues, bool includeRequestInMetadata)
    {
        invocation.InputData.Add(new ParameterBinding { Name = trigger.Name, Data = new TypedData { Http = new RpcHttp() } });
        foreach (var (name, value) in routeValues)
        {
            if (value is not null)
            {
                invocation.TriggerMetadata[name] = new TypedData { String = Convert.ToString(value, CultureInfo.InvariantCulture) };
            }
        }

        invocation.TriggerMetadata["Query"] = Json(Query(target));
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        invocation.TriggerMetadata["Headers"] = Json(headers);
        if (includeRequestInMetadata)
        {
            invocation.TriggerMetadata["$request"] = new TypedData { Http = new RpcHttp() };
            invocation.TriggerMetadata[trigger.Name] = new TypedData { Http = new RpcHttp() };
        }
    }

    /// <summary>
    /// A storage queue trigger: the message as a string, and the binding data of the WebJobs queue extension
    /// (<c>QueueTrigger</c>, <c>DequeueCount</c>, <c>Id</c>, <c>InsertionTime</c>, <c>ExpirationTime</c>,
    /// <c>NextVisibleTime</c>, <c>PopReceipt</c>).
    /// </summary>
    public static void Queue(InvocationRequest invocation, WorkerBinding trigger, string message, long dequeueCount, DateTimeOffset now)
    {
        invocation.InputData.Add(new ParameterBinding { Name = trigger.Name, Data = new TypedData { String = message } });
        invocation.TriggerMetadata["QueueTrigger"] = new TypedData { String = message };
        invocation.TriggerMetadata["DequeueCount"] = Json(dequeueCount);
        invocation.TriggerMetadata["Id"] = new TypedData { String = Guid.NewGuid().ToString() };
        invocation.TriggerMetadata["InsertionTime"] = Json(now);
        invocation.TriggerMetadata["ExpirationTime"] = Json(now.AddDays(7));
        invocation.TriggerMetadata["NextVisibleTime"] = Json(now.AddMinutes(10));
        invocation.TriggerMetadata["PopReceipt"] = new TypedData { String = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)) };
    }

    /// <summary>A timer trigger: <c>TimerInfo</c> as JSON, its schedule status computed from the (resolved) schedule.</summary>
    public static void Timer(InvocationRequest invocation, WorkerBinding trigger, string schedule, bool isPastDue, DateTimeOffset now)
    {
        var timer = new
        {
            Schedule = new { AdjustForDST = true },
            ScheduleStatus = new { Last = now, Next = NextOccurrence(schedule, now), LastUpdated = now },
            IsPastDue = isPastDue,
        };
        invocation.InputData.Add(new ParameterBinding { Name = trigger.Name, Data = Json(timer) });
    }

    /// <summary>Route values of <paramref name="path"/> under <c>{routePrefix}/{route}</c>; null when it does not match.</summary>
    public static RouteValueDictionary? MatchRoute(string routePrefix, string route, Uri path)
    {
        var template = string.IsNullOrEmpty(routePrefix) ? route : $"{routePrefix.Trim('/')}/{route}";
        var matcher = new TemplateMatcher(TemplateParser.Parse(template), new RouteValueDictionary());
        var values = new RouteValueDictionary();
        return matcher.TryMatch(PathString.FromUriComponent(path), values) ? values : null;
    }

    /// <summary>Resolves <c>%Setting%</c> expressions as the host does, from the app settings.</summary>
    public static string Resolve(string expression, IReadOnlyDictionary<string, string?> settings)
    {
        var parts = expression.Split('%');
        if (parts.Length % 2 == 0)
        {
            throw new FormatException($"Unbalanced % in '{expression}'.");
        }

        for (var i = 1; i < parts.Length; i += 2)
        {
            var name = parts[i];
            parts[i] = settings.TryGetValue(name, out var value) || settings.TryGetValue(name.Replace(":", "__", StringComparison.Ordinal), out value)
                ? value ?? string.Empty
                : throw new KeyNotFoundException($"The app setting '{name}' that '{expression}' names is not set.");
        }

        return string.Concat(parts);
    }

    private static DateTimeOffset NextOccurrence(string schedule, DateTimeOffset now)
    {
        if (TimeSpan.TryParse(schedule, CultureInfo.InvariantCulture, out var interval))
        {
            return now + interval;
        }

        var format = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        return CronExpression.Parse(schedule, format).GetNextOccurrence(now, TimeZoneInfo.Utc) ?? now;
    }

    private static Dictionary<string, string> Query(Uri uri) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query)
            .ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    private static TypedData Json<T>(T value) => new() { Json = JsonSerializer.Serialize(value) };
}
