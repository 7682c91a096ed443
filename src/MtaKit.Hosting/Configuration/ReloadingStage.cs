using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace MtaKit.Hosting.Configuration;

/// <summary>
/// A stage rebuilt from its configuration section when the configuration reloads. A transaction
/// keeps the version that was current at MAIL (its RCPT and data phases use it too); connect and
/// HELO use the current one. An invalid section is logged and the old stage kept. Phases the
/// inner stage does not implement pass straight through.
/// </summary>
internal sealed class ReloadingStage : IConnectStage, IHeloStage, IMailStage, IRcptStage, IDataStage, IDisposable
{
    private readonly string _section;
    private readonly Func<object> _build;
    private readonly ILogger _logger;
    private readonly IDisposable _subscription;
    private Version _current;

    /// <summary>Builds the first stage (throwing the start-up configuration error if invalid) and follows reloads.</summary>
    public ReloadingStage(IConfiguration mtaKit, string section, Func<object> build, ILogger logger)
    {
        _section = section;
        _build = build;
        _logger = logger;
        _current = new Version(1, build());
        _subscription = ChangeToken.OnChange(mtaKit.GetReloadToken, Reload);
    }

    /// <summary>The generation number of the stage new transactions take.</summary>
    public int Generation => Volatile.Read(ref _current).Number;

    public ValueTask<SmtpVerdict> OnConnectAsync(ConnectContext context, StageDelegate<ConnectContext> next)
        => Volatile.Read(ref _current).Stage is IConnectStage s ? s.OnConnectAsync(context, next) : next(context);

    public ValueTask<SmtpVerdict> OnHeloAsync(HeloContext context, StageDelegate<HeloContext> next)
        => Volatile.Read(ref _current).Stage is IHeloStage s ? s.OnHeloAsync(context, next) : next(context);

    public ValueTask<SmtpVerdict> OnMailAsync(MailContext context, StageDelegate<MailContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        var version = Volatile.Read(ref _current);
        if (!context.Transaction.Properties.TryGet<Snapshots>(out var snapshots))
        {
            snapshots = new Snapshots();
            context.Transaction.Properties.Set(snapshots);
        }

        snapshots.Versions[this] = version;
        return version.Stage is IMailStage s ? s.OnMailAsync(context, next) : next(context);
    }

    public ValueTask<SmtpVerdict> OnRcptAsync(RcptContext context, StageDelegate<RcptContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Of(context.Transaction).Stage is IRcptStage s ? s.OnRcptAsync(context, next) : next(context);
    }

    public ValueTask<SmtpVerdict> OnDataAsync(DataContext context, StageDelegate<DataContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Of(context.Transaction).Stage is IDataStage s ? s.OnDataAsync(context, next) : next(context);
    }

    public void Dispose() => _subscription.Dispose();

    private Version Of(SmtpTransaction transaction)
        => transaction.Properties.TryGet<Snapshots>(out var snapshots) && snapshots.Versions.TryGetValue(this, out var version) ? version : Volatile.Read(ref _current);

    private void Reload()
    {
        var old = Volatile.Read(ref _current);
        object stage;
        try
        {
            stage = _build();
        }
        catch (InvalidOperationException e)
        {
            ReloadLog.Rejected(_logger, _section, old.Number, e.Message.ReplaceLineEndings(" "));
            return;
        }

        var next = new Version(old.Number + 1, stage);
        Volatile.Write(ref _current, next);
        ReloadLog.Applied(_logger, _section, next.Number, stage.GetType().Name);
    }

    private sealed record Version(int Number, object Stage);

    // one per transaction for every reloading stage (the property bag holds one value per type)
    private sealed class Snapshots
    {
        public Dictionary<ReloadingStage, Version> Versions { get; } = [];
    }
}
