namespace MtaKit.Core.Tests.Server;

/// <summary>A stage for every phase made of delegates; a phase without a delegate just calls next.</summary>
internal sealed class TestStage : IConnectStage, IHeloStage, IMailStage, IRcptStage, IDataStage
{
    public Func<ConnectContext, StageDelegate<ConnectContext>, ValueTask<SmtpVerdict>>? Connect { get; init; }

    public Func<HeloContext, StageDelegate<HeloContext>, ValueTask<SmtpVerdict>>? Helo { get; init; }

    public Func<MailContext, StageDelegate<MailContext>, ValueTask<SmtpVerdict>>? Mail { get; init; }

    public Func<RcptContext, StageDelegate<RcptContext>, ValueTask<SmtpVerdict>>? Rcpt { get; init; }

    public Func<DataContext, StageDelegate<DataContext>, ValueTask<SmtpVerdict>>? Data { get; init; }

    public static SmtpPipeline Pipeline(params object[] stages)
    {
        var builder = new SmtpPipelineBuilder();
        foreach (var s in stages)
        {
            builder.Use(s);
        }

        return builder.Build();
    }

    public ValueTask<SmtpVerdict> OnConnectAsync(ConnectContext context, StageDelegate<ConnectContext> next) => Connect is null ? next(context) : Connect(context, next);

    public ValueTask<SmtpVerdict> OnHeloAsync(HeloContext context, StageDelegate<HeloContext> next) => Helo is null ? next(context) : Helo(context, next);

    public ValueTask<SmtpVerdict> OnMailAsync(MailContext context, StageDelegate<MailContext> next) => Mail is null ? next(context) : Mail(context, next);

    public ValueTask<SmtpVerdict> OnRcptAsync(RcptContext context, StageDelegate<RcptContext> next) => Rcpt is null ? next(context) : Rcpt(context, next);

    public ValueTask<SmtpVerdict> OnDataAsync(DataContext context, StageDelegate<DataContext> next) => Data is null ? next(context) : Data(context, next);
}

/// <summary>Checks AUTH credentials against one user and password.</summary>
internal sealed class TestAuthenticator(string user = "alice", string password = "secret") : ISmtpAuthenticator
{
    public ValueTask<bool> AuthenticateAsync(SmtpSession session, string userName, string password1, CancellationToken cancellationToken)
        => new(userName == user && password1 == password);
}
