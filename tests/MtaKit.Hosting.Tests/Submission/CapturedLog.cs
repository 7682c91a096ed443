using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MtaKit.Hosting.Tests.Submission;

/// <summary>Keeps every log event of a host (event id and formatted message) for assertions.</summary>
internal sealed class CapturedLog : ILoggerProvider
{
    public ConcurrentQueue<(int EventId, string Message)> Events { get; } = new();

    public bool Has(int eventId, string contains)
        => Events.Any(e => e.EventId == eventId && e.Message.Contains(contains, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner.Events.Enqueue((eventId.Id, formatter(state, exception)));
    }
}
