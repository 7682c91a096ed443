using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace MtaKit.Hosting.Configuration;

/// <summary>
/// A value built from configuration and rebuilt when the configuration reloads. The first build
/// must succeed (its problems stop the host at start); a later build with problems is logged
/// (7021) and the current value kept; a new value is logged (7020) and the replaced one handed
/// to <c>replaced</c> (to retire it once nothing uses it).
/// </summary>
/// <typeparam name="T">What is built (routes, a stage, a relay generation).</typeparam>
internal sealed class Reloadable<T> : IDisposable
    where T : class
{
    private readonly string _section;
    private readonly Func<List<string>, T?> _build;
    private readonly Func<T, string> _describe;
    private readonly Action<T>? _replaced;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly IDisposable _subscription;
    private T _current;
    private int _generation = 1;
    private bool _disposed;

    /// <param name="mtaKit">The <c>MtaKit</c> section (its reload token is the root's).</param>
    /// <param name="section">The key named in the log lines, e.g. <c>MtaKit:Routing</c>.</param>
    /// <param name="build">Reads and builds; adds problems (each naming its key) and returns <see langword="null"/> when there are any.</param>
    /// <param name="describe">A short summary of a built value for the log line.</param>
    /// <param name="logger">Where reloads are logged.</param>
    /// <param name="replaced">Called with a value once a newer one replaced it.</param>
    public Reloadable(IConfiguration mtaKit, string section, Func<List<string>, T?> build, Func<T, string> describe, ILogger logger, Action<T>? replaced = null)
    {
        _section = section;
        _build = build;
        _describe = describe;
        _replaced = replaced;
        _logger = logger;
        var errors = new List<string>();
        var first = build(errors); // at start a throwing builder stops the host with its own message
        ConfigurationErrors.ThrowIfAny(errors);
        _current = first ?? throw new InvalidOperationException($"Invalid MtaKit configuration: {section} could not be read.");
        _subscription = ChangeToken.OnChange(mtaKit.GetReloadToken, Reload);
    }

    /// <summary>The value in use now.</summary>
    public T Current => Volatile.Read(ref _current);

    /// <summary>1 for the value built at start, then one more per applied reload.</summary>
    public int Generation => Volatile.Read(ref _generation);

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        _subscription.Dispose();
    }

    private T? Build(List<string> errors)
    {
        try
        {
            return _build(errors);
        }
        catch (InvalidOperationException e)
        {
            // builders that validate by throwing the start-up configuration error
            errors.Add(e.Message.ReplaceLineEndings(" "));
            return null;
        }
    }

    private void Reload()
    {
        var errors = new List<string>();
        var next = Build(errors);
        T old;
        int generation;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (next is null || errors.Count > 0)
            {
                ReloadLog.Rejected(_logger, _section, _generation, string.Join(" | ", errors));
                return;
            }

            old = _current;
            generation = ++_generation;
            Volatile.Write(ref _current, next);
        }

        ReloadLog.Applied(_logger, _section, generation, _describe(next));
        _replaced?.Invoke(old);
    }
}
