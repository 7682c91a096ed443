namespace MtaKit;

/// <summary>A stage of the connect phase: runs after PROXY and before the greeting.</summary>
public interface IConnectStage
{
    /// <summary>Judges a new connection. A reject gives a 554 greeting (then only QUIT is served); a defer or disconnect gives 421 and closes.</summary>
    ValueTask<SmtpVerdict> OnConnectAsync(ConnectContext context, StageDelegate<ConnectContext> next);
}

/// <summary>A stage of the HELO/EHLO phase.</summary>
public interface IHeloStage
{
    /// <summary>Judges the HELO/EHLO name.</summary>
    ValueTask<SmtpVerdict> OnHeloAsync(HeloContext context, StageDelegate<HeloContext> next);
}

/// <summary>A stage of the MAIL phase.</summary>
public interface IMailStage
{
    /// <summary>Judges the reverse path and MAIL parameters.</summary>
    ValueTask<SmtpVerdict> OnMailAsync(MailContext context, StageDelegate<MailContext> next);
}

/// <summary>A stage of the RCPT phase. The engine's relay control and the message handler run after every RCPT stage.</summary>
public interface IRcptStage
{
    /// <summary>Judges one recipient.</summary>
    ValueTask<SmtpVerdict> OnRcptAsync(RcptContext context, StageDelegate<RcptContext> next);
}

/// <summary>A stage of the data phase: the whole message is received, the final reply not yet given.</summary>
public interface IDataStage
{
    /// <summary>Judges the message. Calling <c>next</c> delivers it (through the message handler) and returns the handler's verdict.</summary>
    ValueTask<SmtpVerdict> OnDataAsync(DataContext context, StageDelegate<DataContext> next);
}

/// <summary>Told when a connection ends, whatever the reason.</summary>
public interface IDisconnectObserver
{
    /// <summary>Called once per connection after it closed.</summary>
    ValueTask OnDisconnectAsync(SmtpSession session);
}
