using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MtaKit.Redis.Tests;

/// <summary>Keeps every log entry so tests can check event ids and messages.</summary>
internal sealed class CollectingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, int EventId, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));

    public int Count(int eventId) => Entries.Count(e => e.EventId == eventId);
}
