using System.Collections.Concurrent;
using System.Xml.Linq;
using Mellanrum.Hub.Sources;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Tests.Sources;

/// <summary>A key ring in memory, as the table keeps it: one XML text per key.</summary>
internal sealed class MemoryXmlRepository : IXmlRepository
{
    private readonly ConcurrentDictionary<string, string> _elements = new();

    public Exception? Failure { get; set; }

    public IReadOnlyDictionary<string, string> Stored => _elements;

    public IReadOnlyCollection<XElement> GetAllElements() =>
        Failure is { } failure ? throw failure : _elements.Values.Select(x => XElement.Parse(x)).ToArray();

    public void StoreElement(XElement element, string friendlyName) =>
        _elements[friendlyName] = element.ToString(SaveOptions.DisableFormatting);
}

/// <summary>A fixed KEK under a chosen name, for tests that are not about where the KEK comes from.</summary>
internal sealed class FixedKek(string name, KeyEncryptionKey key) : IKeyEncryptionKeySource
{
    public string Name => name;

    public Task LoadAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public KeyEncryptionKey Current() => key;

    public KeyEncryptionKey? Find(string version) => version == key.Version ? key : null;

    public static KeyRingKeks Keks(byte fill, string version = "v1") =>
        new([new FixedKek("keyvault", new KeyEncryptionKey("keyvault", version, Enumerable.Repeat(fill, 32).ToArray()))]);
}

internal sealed record LogLine(LogLevel Level, string Message);

/// <summary>Collects what is logged, formatted.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<LogLine> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue(new LogLine(logLevel, formatter(state, exception)));
}
