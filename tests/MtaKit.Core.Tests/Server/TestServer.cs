using System.Collections.Concurrent;
using System.Net;
using MtaKit.Routing;
using MtaKit.Server;

namespace MtaKit.Core.Tests.Server;

/// <summary>A real server on a loopback port with an in-memory handler that records what it accepted.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private TestServer(SmtpServer server, CollectingHandler handler)
    {
        Server = server;
        Handler = handler;
    }

    public SmtpServer Server { get; }

    public CollectingHandler Handler { get; }

    public IPEndPoint EndPoint => Server.GetEndPoint("test");

    public static async Task<TestServer> StartAsync(
        Func<SmtpListenerOptions, SmtpListenerOptions>? listener = null,
        Func<SmtpServerOptions, SmtpServerOptions>? server = null,
        SmtpPipeline? pipeline = null,
        ISmtpAuthenticator? authenticator = null,
        CollectingHandler? handler = null,
        TimeProvider? time = null,
        Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null)
    {
        var l = new SmtpListenerOptions { Name = "test", EndPoint = new IPEndPoint(IPAddress.Loopback, 0) };
        var o = new SmtpServerOptions { ServerName = "mx.test", Listeners = [listener?.Invoke(l) ?? l] };
        o = server?.Invoke(o) ?? o;
        handler ??= new CollectingHandler();
        var relay = new RelayControl(new RelayControlOptions { LocalDomains = [DomainPattern.Parse("example.test"), DomainPattern.Parse("*.example.test")] });
        var s = new SmtpServer(o, handler, pipeline, relay, authenticator, loggerFactory, time);
        await s.StartAsync();
        return new TestServer(s, handler);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Accepts every recipient (unless told otherwise) and keeps the delivered messages in memory.</summary>
internal sealed class CollectingHandler : IMessageHandler
{
    public ConcurrentQueue<DeliveredMessage> Messages { get; } = new();

    public Func<RcptContext, SmtpVerdict>? OnRecipient { get; set; }

    public Func<DataContext, ValueTask>? BeforeDeliver { get; set; }

    public int OpenTransactions;

    public ValueTask<IMessageTransaction> BeginTransactionAsync(MailContext context)
    {
        Interlocked.Increment(ref OpenTransactions);
        return new(new Tx(this));
    }

    private sealed class Tx(CollectingHandler owner) : IMessageTransaction
    {
        public ValueTask<SmtpVerdict> AddRecipientAsync(RcptContext context)
            => new(owner.OnRecipient?.Invoke(context) ?? SmtpVerdict.Accept());

        public async ValueTask<SmtpVerdict> DeliverAsync(DataContext context)
        {
            if (owner.BeforeDeliver is not null)
            {
                await owner.BeforeDeliver(context);
            }

            using var stream = context.Message.OpenRead();
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            owner.Messages.Enqueue(new DeliveredMessage(
                context.Transaction.Id,
                context.Transaction.ReversePath?.Address ?? "",
                [.. context.Transaction.Recipients.Select(r => r.Address.Address)],
                copy.ToArray(),
                context.Transaction.Parameters,
                context.Transaction.QuarantineReason,
                context.Session.RemoteEndPoint));
            return SmtpVerdict.Accept();
        }

        public ValueTask DisposeAsync()
        {
            Interlocked.Decrement(ref owner.OpenTransactions);
            return ValueTask.CompletedTask;
        }
    }
}

internal sealed record DeliveredMessage(string QueueId, string Sender, string[] Recipients, byte[] Bytes, MailParameters Parameters, string? Quarantine, IPEndPoint Client)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Bytes);

    /// <summary>The message without the Received header the engine prepended.</summary>
    public string Original
    {
        get
        {
            var t = Text;
            var end = t.IndexOf("\r\n", t.IndexOf("; ", StringComparison.Ordinal), StringComparison.Ordinal);
            return t[(end + 2)..];
        }
    }
}
