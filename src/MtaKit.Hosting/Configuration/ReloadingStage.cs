using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace MtaKit.Hosting.Configuration;

/// <summary>
/// A stage rebuilt from its configuration section when the configuration reloads. A transaction
/// keeps the version that was current at MAIL (its RCPT and data phases use it too); connect and
/// HELO use the current one. An invalid section is logged and the old stage kept. Phases the
/// inner stage does not implement pass straight through.
/// </summary>
internal sealed class ReloadingStage : IConnectStage, IHeloStage, IMailStage, IRcptStage, IDataStage, IDisposable
{
    private readonly Reloadable<object> _stage;

    /// <summary>Builds the first stage (throwing the start-up configuration error if invalid) and follows reloads.</summary>
    public ReloadingStage(IConfiguration mtaKit, string section, Func<object> build, ILogger logger)
    {
        _stage = new Reloadable<object>(mtaKit, section, _ => build(), stage => stage.GetType().Name, logger);
    }

    /// <summary>The generation of the stage new transactions take.</summary>
    public int Generation => _stage.Generation;

    public ValueTask<SmtpVerdict> OnConnectAsync(ConnectContext context, StageDelegate<ConnectContext> next)
        => _stage.Current is IConnectStage s ? s.OnConnectAsync(context, next) : next(context);

    public ValueTask<SmtpVerdict> OnHeloAsync(HeloContext context, StageDelegate<HeloContext> next)
        => _stage.Current is IHeloStage s ? s.OnHeloAsync(context, next) : next(context);

    public ValueTask<SmtpVerdict> OnMailAsync(MailContext context, StageDelegate<MailContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        var stage = _stage.Current;
        if (!context.Transaction.Properties.TryGet<Snapshots>(out var snapshots))
        {
            snapshots = new Snapshots();
            context.Transaction.Properties.Set(snapshots);
        }

        snapshots.Set(this, stage);
        return stage is IMailStage s ? s.OnMailAsync(context, next) : next(context);
    }

    public ValueTask<SmtpVerdict> OnRcptAsync(RcptContext context, StageDelegate<RcptContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Of(context.Transaction) is IRcptStage s ? s.OnRcptAsync(context, next) : next(context);
    }

    public ValueTask<SmtpVerdict> OnDataAsync(DataContext context, StageDelegate<DataContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Of(context.Transaction) is IDataStage s ? s.OnDataAsync(context, next) : next(context);
    }

    public void Dispose() => _stage.Dispose();

    private object Of(SmtpTransaction transaction)
        => transaction.Properties.TryGet<Snapshots>(out var snapshots) && snapshots.TryGet(this, out var stage) ? stage : _stage.Current;

    // One per transaction for every reloading stage (the property bag holds one value per type). A host
    // has one or two reloading stages: a short list scanned by reference, not a dictionary per transaction.
    private sealed class Snapshots
    {
        private readonly List<KeyValuePair<ReloadingStage, object>> _stages = new(2);

        public void Set(ReloadingStage key, object stage)
        {
            var i = IndexOf(key);
            if (i >= 0)
            {
                _stages[i] = new(key, stage);
            }
            else
            {
                _stages.Add(new(key, stage));
            }
        }

        public bool TryGet(ReloadingStage key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out object? stage)
        {
            var i = IndexOf(key);
            stage = i >= 0 ? _stages[i].Value : null;
            return stage is not null;
        }

        private int IndexOf(ReloadingStage key)
        {
            for (var i = 0; i < _stages.Count; i++)
            {
                if (ReferenceEquals(_stages[i].Key, key))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
