namespace MtaKit.Hosting.Tests.Relay;

/// <summary>A connect stage that counts SMTP sessions at a Mailstore (connection reuse shows here).</summary>
internal sealed class SessionCounter : IConnectStage
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public ValueTask<SmtpVerdict> OnConnectAsync(ConnectContext context, StageDelegate<ConnectContext> next)
    {
        Interlocked.Increment(ref _count);
        return next(context);
    }
}
