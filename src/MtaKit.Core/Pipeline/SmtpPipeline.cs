namespace MtaKit;

/// <summary>
/// The stages of every phase, in the order they were added. Build one with <see cref="SmtpPipelineBuilder"/>.
/// Immutable and shared by all sessions.
/// </summary>
public sealed class SmtpPipeline
{
    internal SmtpPipeline(
        IReadOnlyList<IConnectStage> connect,
        IReadOnlyList<IHeloStage> helo,
        IReadOnlyList<IMailStage> mail,
        IReadOnlyList<IRcptStage> rcpt,
        IReadOnlyList<IDataStage> data,
        IReadOnlyList<IDisconnectObserver> disconnect)
    {
        ConnectStages = connect;
        HeloStages = helo;
        MailStages = mail;
        RcptStages = rcpt;
        DataStages = data;
        DisconnectObservers = disconnect;
    }

    /// <summary>An empty pipeline: the engine's own checks and the message handler only.</summary>
    public static SmtpPipeline Empty { get; } = new SmtpPipelineBuilder().Build();

    /// <summary>The connect stages.</summary>
    public IReadOnlyList<IConnectStage> ConnectStages { get; }

    /// <summary>The HELO/EHLO stages.</summary>
    public IReadOnlyList<IHeloStage> HeloStages { get; }

    /// <summary>The MAIL stages.</summary>
    public IReadOnlyList<IMailStage> MailStages { get; }

    /// <summary>The RCPT stages (before the engine's relay control).</summary>
    public IReadOnlyList<IRcptStage> RcptStages { get; }

    /// <summary>The data stages (before the message handler).</summary>
    public IReadOnlyList<IDataStage> DataStages { get; }

    /// <summary>The disconnect observers.</summary>
    public IReadOnlyList<IDisconnectObserver> DisconnectObservers { get; }
}

/// <summary>Collects stages; a stage object joins every phase whose interface it implements.</summary>
public sealed class SmtpPipelineBuilder
{
    private readonly List<IConnectStage> _connect = [];
    private readonly List<IHeloStage> _helo = [];
    private readonly List<IMailStage> _mail = [];
    private readonly List<IRcptStage> _rcpt = [];
    private readonly List<IDataStage> _data = [];
    private readonly List<IDisconnectObserver> _disconnect = [];

    /// <summary>Adds a stage to every phase it implements (<see cref="IConnectStage"/>, <see cref="IHeloStage"/>, ...).</summary>
    /// <exception cref="ArgumentException">The object implements no stage interface.</exception>
    public SmtpPipelineBuilder Use(object stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        var any = false;
        if (stage is IConnectStage c) { _connect.Add(c); any = true; }
        if (stage is IHeloStage h) { _helo.Add(h); any = true; }
        if (stage is IMailStage m) { _mail.Add(m); any = true; }
        if (stage is IRcptStage r) { _rcpt.Add(r); any = true; }
        if (stage is IDataStage d) { _data.Add(d); any = true; }
        if (stage is IDisconnectObserver o) { _disconnect.Add(o); any = true; }
        return any ? this : throw new ArgumentException($"{stage.GetType().Name} implements no stage interface (IConnectStage, IHeloStage, IMailStage, IRcptStage, IDataStage, IDisconnectObserver).", nameof(stage));
    }

    /// <summary>Freezes the stages into a pipeline.</summary>
    public SmtpPipeline Build() => new([.. _connect], [.. _helo], [.. _mail], [.. _rcpt], [.. _data], [.. _disconnect]);
}
