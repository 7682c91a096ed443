namespace MtaKit.Queueing;

/// <summary>Options of <see cref="DsnComposer"/>.</summary>
public sealed record DsnOptions
{
    /// <summary>This MTA's host name, for <c>Reporting-MTA</c> and the message id.</summary>
    public required string ReportingMta { get; init; }

    /// <summary>The DSN's From address.</summary>
    /// <value>The default value is <c>MAILER-DAEMON@</c> followed by <see cref="ReportingMta"/>.</value>
    public string? FromAddress { get; init; }

    /// <summary>Messages larger than this are returned as headers only, whatever RET asked.</summary>
    /// <value>The default value is 1 MiB.</value>
    public long MaxReturnedBytes { get; init; } = 1024 * 1024;
}
