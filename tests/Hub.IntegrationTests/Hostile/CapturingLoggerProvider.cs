using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.IntegrationTests.Hostile;

/// <summary>One log entry as any sink could write it: the message, every value of its state and scopes, the exception.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, string Text);

/// <summary>
/// Keeps every log entry of a host, every category at every level from Trace up (its filter rule is its own, so the
/// host's "Warning" default does not apply to it): the formatted message, each key and value of the state (what a
/// structured sink like Application Insights stores beside the message), each scope (request path, trace ids) and the
/// whole exception, as one text to search.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<CapturedLog> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private static void AppendState(StringBuilder text, object? state)
    {
        if (state is IEnumerable<KeyValuePair<string, object?>> values)
        {
            foreach (var (key, value) in values)
            {
                text.Append(" | ").Append(key).Append('=').Append(value is not string && value is System.Collections.IEnumerable many ? string.Join(",", many.Cast<object?>()) : value);
            }
        }
        else if (state is not null)
        {
            text.Append(" | ").Append(state);
        }
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            var text = new StringBuilder(message);
            AppendState(text, state);
            provider._scopes.ForEachScope((scope, builder) =>
            {
                builder.Append(" | scope: ").Append(scope);
                AppendState(builder, scope);
            }, text);
            if (exception is not null)
            {
                text.Append(" | ").Append(exception);
            }

            provider.Entries.Enqueue(new CapturedLog(category, logLevel, eventId, message, text.ToString()));
        }
    }
}
