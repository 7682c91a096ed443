using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Text;
using Microsoft.Extensions.Logging;
using MtaKit.Messages;
using MtaKit.Protocol;

namespace MtaKit.Server;

/// <summary>One SMTP session: reads commands, runs the stage chains, writes replies.</summary>
internal sealed partial class SmtpConnection
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private readonly ServerRuntime _server;
    private readonly ListenerRuntime _listener;
    private readonly SmtpLimits _limits;
    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private readonly CancellationTokenSource _sessionCts;
    private readonly ITimer _timer;
    private readonly byte[] _line;
    private Stream _stream;
    private PipeReader _reader;
    private PipeWriter _writer;
    private SmtpSession _session = null!;
    private SmtpTransaction? _tx;
    private IMessageTransaction? _handlerTx;
    private MessageBuffer? _bdatBuffer;
    private bool _bdatFailed;
    private int _lineLength;
    private int _errors;
    private int _discardedRecipients;
    private bool _rejectedAtGreeting;
    private bool _close;
    private string _closeReason = "client closed";
    private long _readStarted;
    private TimeSpan _readTimeout;
    private volatile bool _idle;
    private volatile bool _drainWake;
    private bool _needMore;
    private bool _greeted;
    private long _dataStarted;
    private long _dataReceived;
    private bool _dataDeadline;
    private StringBuilder? _received;

    public SmtpConnection(ServerRuntime server, ListenerRuntime listener, Socket socket)
    {
        _server = server;
        _listener = listener;
        _limits = listener.Limits;
        _socket = socket;
        _network = new NetworkStream(socket, ownsSocket: true);
        _stream = _network;
        (_reader, _writer) = CreatePipes(_stream);
        _sessionCts = CancellationTokenSource.CreateLinkedTokenSource(server.Aborted);
        _timer = server.Time.CreateTimer(static s => ((SmtpConnection)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _line = ArrayPool<byte>.Shared.Rent(_limits.MaxCommandLineLength + 2);
    }

    private enum LineStatus
    {
        Ok,
        TooLong,
        Closed,
    }

    private IPAddress Client => _session.RemoteEndPoint.Address;

    public async Task RunAsync()
    {
        var entered = false;
        IPAddress key = IPAddress.None;
        using var abortRegistration = _server.Aborted.Register(static s => ((SmtpConnection)s!).Abort(), this);
        using var drainRegistration = _server.Draining.Register(static s => ((SmtpConnection)s!).OnDrain(), this);
        try
        {
            var remote = Normalise((IPEndPoint)_socket.RemoteEndPoint!);
            var local = Normalise((IPEndPoint)_socket.LocalEndPoint!);
            _session = new SmtpSession(QueueId.New(_server.Time), _listener.Options.Name, _server.Options.ServerName, remote, local, _server.Time.GetUtcNow(), _sessionCts.Token);
            var earlyTalker = false;
            if (_listener.Options.ProxyProtocol)
            {
                var proxied = await ReadProxyHeaderAsync().ConfigureAwait(false);
                if (proxied is null)
                {
                    return;
                }

                // Bytes behind the header count as early talk only when the check is on (GreetingDelay > 0).
                earlyTalker = proxied.Value && _listener.Options.GreetingDelay > TimeSpan.Zero;
            }

            var refusal = _listener.Connections.TryEnter(Client, _limits, out key);
            if (refusal is not null)
            {
                ServerLog.ConnectionRefused(_server.Logger, _listener.Options.Name, Client, refusal);
                _server.Metrics.Connections.Add(1, SmtpMetrics.Tags("listener", _listener.Options.Name, "outcome", "refused"));
                WriteGreeting(new SmtpReply(421, "4.7.0", char.ToUpperInvariant(refusal[0]) + refusal[1..] + ": try again later"));
                await FlushAsync().ConfigureAwait(false);
                _closeReason = refusal;
                return;
            }

            entered = true;
            _server.Metrics.Connections.Add(1, SmtpMetrics.Tags("listener", _listener.Options.Name, "outcome", "accepted"));
            _server.Metrics.ActiveConnections.Add(1, new KeyValuePair<string, object?>("listener", _listener.Options.Name));
            ServerLog.Connected(_server.Logger, _session.Id, _listener.Options.Name, Client, _session.RemoteEndPoint.Port);
            if (_listener.Options.ImplicitTls && !await HandshakeAsync().ConfigureAwait(false))
            {
                return;
            }

            if (_listener.Options.GreetingDelay > TimeSpan.Zero && !earlyTalker)
            {
                await Task.Delay(_listener.Options.GreetingDelay, _server.Time, _sessionCts.Token).ConfigureAwait(false);
                earlyTalker = _socket.Available > 0 || (_reader.TryRead(out var pending) && Consume(pending));
            }

            if (earlyTalker)
            {
                _rejectedAtGreeting = true;
                WriteGreeting(Replies.EarlyTalker.Reply);
                ServerLog.Verdict(_server.Logger, _session.Id, Client, "connect", Replies.EarlyTalker.Reply, "early talker");
            }
            else
            {
                var verdict = await RunStageAsync(_server.Connect, new ConnectContext(_session, _server.Services), "connect").ConfigureAwait(false);
                if (!await GreetAsync(verdict).ConfigureAwait(false))
                {
                    return;
                }
            }

            while (!_close)
            {
                // Publish idleness before looking at the drain flag: a drain that starts in between
                // then either sees us idle (and wakes the read) or is seen here.
                _idle = _tx is null;
                Interlocked.MemoryBarrier();
                if (_server.Draining.IsCancellationRequested && _tx is null)
                {
                    _idle = false;
                    WriteRaw(Replies.ShuttingDown);
                    _closeReason = "server stopping";
                    break;
                }

                var status = await ReadLineAsync(CommandTimeout).ConfigureAwait(false);
                _idle = false;
                if (status == LineStatus.Closed)
                {
                    break;
                }

                if (status == LineStatus.TooLong)
                {
                    WriteError(Replies.LineTooLong, "(too long)");
                    continue;
                }

                await DispatchAsync().ConfigureAwait(false);
            }

            await FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or AuthenticationException)
        {
            _closeReason = _server.Aborted.IsCancellationRequested ? "server stopped" : "connection lost: " + e.GetType().Name;
        }
        finally
        {
            await EndTransactionAsync().ConfigureAwait(false);
            if (entered)
            {
                _listener.Connections.Leave(key);
                _server.Metrics.ActiveConnections.Add(-1, new KeyValuePair<string, object?>("listener", _listener.Options.Name));
            }

            if (_session is not null)
            {
                ServerLog.Disconnected(_server.Logger, _session.Id, Client, _session.MessageCount, _errors, _closeReason);
                foreach (var observer in _server.Pipeline.DisconnectObservers)
                {
                    try
                    {
                        await observer.OnDisconnectAsync(_session).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        ServerLog.StageFault(_server.Logger, e, _session.Id, "disconnect");
                    }
                }
            }

            await _sessionCts.CancelAsync().ConfigureAwait(false);
            await _timer.DisposeAsync().ConfigureAwait(false);
            try
            {
                await _reader.CompleteAsync().ConfigureAwait(false);
                await _writer.CompleteAsync().ConfigureAwait(false);
                if (_stream != _network)
                {
                    await _stream.DisposeAsync().ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException or AuthenticationException)
            {
                // The peer is gone; nothing left to tell it.
            }

            await _network.DisposeAsync().ConfigureAwait(false);
            _sessionCts.Dispose();
            ArrayPool<byte>.Shared.Return(_line);
        }
    }

    private TimeSpan CommandTimeout => _listener.IsOverloaded ? _limits.OverloadCommandTimeout : _limits.CommandTimeout;

    private static IPEndPoint Normalise(IPEndPoint endPoint)
        => endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    private static (PipeReader, PipeWriter) CreatePipes(Stream stream)
        => (PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 8192, minimumReadSize: 2048, leaveOpen: true)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true)));

    private bool Consume(ReadResult pending)
    {
        var any = !pending.Buffer.IsEmpty;
        _reader.AdvanceTo(pending.Buffer.Start, pending.Buffer.End);
        _needMore = true;
        return any;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> GreetAsync(SmtpVerdict verdict)
    {
        switch (verdict.Kind)
        {
            case VerdictKind.Reject:
                _rejectedAtGreeting = true;
                WriteGreeting(new SmtpReply(554, (EnhancedStatusCode?)null, verdict.Reply!.Lines));
                ServerLog.Verdict(_server.Logger, _session.Id, Client, "connect", verdict.Reply, verdict.Reason);
                return true;
            case VerdictKind.Defer or VerdictKind.Disconnect:
                var reply = new SmtpReply(421, (EnhancedStatusCode?)null, verdict.Reply!.Lines);
                WriteGreeting(reply);
                ServerLog.Verdict(_server.Logger, _session.Id, Client, "connect", verdict.Reply, verdict.Reason);
                await FlushAsync().ConfigureAwait(false);
                _closeReason = "refused at connect";
                return false;
            default:
                _greeted = true;
                _writer.Write(_server.Greeting);
                return true;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask DispatchAsync()
    {
        var line = _line.AsSpan(0, _lineLength);
        if (line.Contains((byte)0))
        {
            WriteError(Replies.NulInCommand, "(NUL)");
            return;
        }

        var verb = SmtpCommandParser.ParseVerb(line, out var argumentBytes);
        if (_rejectedAtGreeting && verb != SmtpVerb.Quit)
        {
            WriteError(Replies.RejectedSession, CommandText());
            return;
        }

        if (_server.Draining.IsCancellationRequested && _tx is null && verb != SmtpVerb.Quit)
        {
            WriteRaw(Replies.ShuttingDown);
            _closeReason = "server stopping";
            _close = true;
            return;
        }

        string argument;
        try
        {
            argument = argumentBytes.IsEmpty ? string.Empty : StrictUtf8.GetString(argumentBytes);
        }
        catch (DecoderFallbackException)
        {
            WriteError(Replies.NotUtf8, "(invalid UTF-8)");
            return;
        }

        switch (verb)
        {
            case SmtpVerb.Ehlo:
            case SmtpVerb.Helo:
                await HeloAsync(argument, verb == SmtpVerb.Ehlo).ConfigureAwait(false);
                break;
            case SmtpVerb.Mail:
                await MailAsync(argument).ConfigureAwait(false);
                break;
            case SmtpVerb.Rcpt:
                await RcptAsync(argument).ConfigureAwait(false);
                break;
            case SmtpVerb.Data:
                await DataAsync(argument).ConfigureAwait(false);
                break;
            case SmtpVerb.Bdat:
                await BdatAsync(argumentBytes.ToArray()).ConfigureAwait(false);
                break;
            case SmtpVerb.Rset:
                await EndTransactionAsync().ConfigureAwait(false);
                _bdatFailed = false;
                WriteRaw(Replies.Ok);
                break;
            case SmtpVerb.Noop:
                WriteRaw(Replies.Ok);
                break;
            case SmtpVerb.Quit:
                WriteRaw(Replies.Bye);
                _closeReason = "quit";
                _close = true;
                break;
            case SmtpVerb.Vrfy:
                WriteRaw(Replies.Vrfy);
                break;
            case SmtpVerb.Help:
                WriteRaw(Replies.Help);
                break;
            case SmtpVerb.StartTls:
                await StartTlsAsync(argument).ConfigureAwait(false);
                break;
            case SmtpVerb.Auth:
                await AuthAsync(argument).ConfigureAwait(false);
                break;
            case SmtpVerb.Expn:
                WriteError(Replies.NotImplemented, CommandText());
                break;
            default:
                WriteError(Replies.Unrecognized, CommandText());
                break;
        }
    }

    private string CommandText()
    {
        var text = Encoding.UTF8.GetString(_line, 0, Math.Min(_lineLength, 100));
        return text.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase) ? "AUTH ..." : text;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask HeloAsync(string argument, bool extended)
    {
        var name = argument.Trim();

        // A CR inside the line would break the reply's "Hello" line (and used to fault the session).
        if (name.Length == 0 || name.AsSpan().IndexOfAny(' ', '\r', '\n') >= 0)
        {
            WriteError(Replies.HeloSyntax, CommandText());
            return;
        }

        var verdict = await RunStageAsync(_server.Helo, new HeloContext(_session, _server.Services, name, extended), "helo").ConfigureAwait(false);
        if (!verdict.IsPositive)
        {
            // RFC 5321 4.1.4: a refused EHLO leaves the session in the state it was in.
            WriteVerdict(verdict, "helo");
            return;
        }

        await EndTransactionAsync().ConfigureAwait(false);
        _bdatFailed = false;

        _session.HeloName = name;
        _session.IsExtended = extended;
        if (!extended)
        {
            WriteReply(new SmtpReply(250, (EnhancedStatusCode?)null, _server.Options.ServerName));
            return;
        }

        // "250-<server> Hello <name>" then the extension lines, encoded once per listener and session state.
        var tail = EhloExtensions();
        WriteAscii(tail.Length == 0 ? "250 "u8 : "250-"u8);
        WriteUtf8(_server.Options.ServerName);
        WriteAscii(" Hello "u8);
        WriteUtf8(name);
        WriteAscii("\r\n"u8);
        _writer.Write(tail);
    }

    /// <summary>The EHLO reply's lines after the first: they vary only with TLS state and whether the client may use the extra MAIL parameters.</summary>
    private byte[] EhloExtensions()
    {
        var index = (_session.IsSecure ? 2 : 0) + (ExtraParametersAllowed ? 1 : 0);
        return _listener.EhloExtensions[index] ??= BuildEhloExtensions();
    }

    private byte[] BuildEhloExtensions()
    {
        var ext = _listener.Options.Extensions;
        var lines = new List<string>(12);
        if ((ext & SmtpExtensions.Pipelining) != 0) lines.Add("PIPELINING");
        if ((ext & SmtpExtensions.Size) != 0) lines.Add("SIZE " + _limits.MaxMessageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if ((ext & SmtpExtensions.EightBitMime) != 0) lines.Add("8BITMIME");
        if ((ext & SmtpExtensions.Chunking) != 0) lines.Add("CHUNKING");
        if ((ext & SmtpExtensions.BinaryMime) != 0) lines.Add("BINARYMIME");
        if ((ext & SmtpExtensions.SmtpUtf8) != 0) lines.Add("SMTPUTF8");
        if ((ext & SmtpExtensions.Dsn) != 0) lines.Add("DSN");
        if ((ext & SmtpExtensions.EnhancedStatusCodes) != 0) lines.Add("ENHANCEDSTATUSCODES");
        if (_listener.Certificates is not null && !_session.IsSecure) lines.Add("STARTTLS");
        if (AuthOffered) lines.Add("AUTH PLAIN LOGIN");
        if (ExtraParametersAllowed) lines.AddRange(_listener.Options.ExtraMailParameters);
        if (lines.Count == 0)
        {
            return [];
        }

        // The first line (the greeting with the client's name) is written separately: only the tail is cached.
        var wire = new SmtpReply(250, (EnhancedStatusCode?)null, ["x", .. lines]).ToWireString();
        return Encoding.UTF8.GetBytes(wire[(wire.IndexOf('\n', StringComparison.Ordinal) + 1)..]);
    }

    private void WriteAscii(ReadOnlySpan<byte> bytes) => _writer.Write(bytes);

    private void WriteUtf8(string text)
    {
        var span = _writer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _writer.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private bool ExtraParametersAllowed => _listener.Options.ExtraMailParameters.Count > 0 && _listener.Options.ExtraMailParametersFrom.Any(n => n.Contains(Client));

    private bool AuthOffered => _server.Authenticator is not null && (_session.IsSecure || !_listener.Options.RequireTlsForAuth);

    private bool Has(SmtpExtensions extension) => (_listener.Options.Extensions & extension) != 0;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask MailAsync(string argument)
    {
        if (_session.HeloName is null)
        {
            WriteError(Replies.HeloFirst, CommandText());
            return;
        }

        if (_tx is not null)
        {
            WriteError(Replies.NestedMail, CommandText());
            return;
        }

        if (_listener.Options.RequireTls && !_session.IsSecure)
        {
            WriteError(Replies.TlsRequired, CommandText());
            return;
        }

        if (_listener.Options.RequireAuth && _session.AuthenticatedUser is null)
        {
            WriteError(Replies.AuthRequired, CommandText());
            return;
        }

        if (_session.MessageCount >= _limits.MaxMessagesPerConnection)
        {
            WriteRaw(Replies.TooManyMessages);
            _closeReason = "too many messages";
            _close = true;
            return;
        }

        if (!SmtpCommandParser.TrySplitPath(argument, "FROM:", out var path, out var parameterText, out _))
        {
            WriteError(Replies.MailSyntax, CommandText());
            return;
        }

        Mailbox? sender = null;
        if (path.Length > 0 && !Mailbox.TryParse(path, out sender, out _))
        {
            WriteError(Replies.BadSender, CommandText());
            return;
        }

        if (sender is { IsPostmasterWithoutDomain: true })
        {
            WriteError(Replies.BadSender, CommandText());
            return;
        }

        var (parameters, error) = ParseMailParameters(parameterText);
        if (error is not null)
        {
            WriteError(error, CommandText());
            return;
        }

        if (sender is { IsInternational: true } && !parameters!.SmtpUtf8)
        {
            WriteError(Replies.Utf8NotAllowed, CommandText());
            return;
        }

        var tx = new SmtpTransaction(QueueId.New(_server.Time), sender, parameters!, _server.Time.GetUtcNow());
        var context = new MailContext(_session, _server.Services, tx);
        var verdict = await RunStageAsync(_server.Mail, context, "mail").ConfigureAwait(false);
        if (verdict.IsPositive)
        {
            try
            {
                _handlerTx = await _server.Handler.BeginTransactionAsync(context).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !_sessionCts.IsCancellationRequested)
            {
                ServerLog.StageFault(_server.Logger, e, _session.Id, "mail-handler");
                WriteError(Replies.StageFault, "MAIL");
                return;
            }

            tx.Properties.Set(_handlerTx);
            _tx = tx;
            _bdatFailed = false;
            WriteVerdict(verdict, "mail", Replies.SenderOk);
            return;
        }

        WriteVerdict(verdict, "mail");
    }

    private (MailParameters? Parameters, PreparedReply? Error) ParseMailParameters(string text)
    {
        if (text.Length == 0)
        {
            return (MailParameters.None, null);
        }

        var result = new MailParameters();
        Dictionary<string, string?>? extensions = null;
        string? first = null;
        HashSet<string>? seen = null; // only from the second parameter on (the usual MAIL has one, SIZE)
        foreach (var (name, value) in SmtpCommandParser.SplitParameters(text))
        {
            if (first is null)
            {
                first = name;
            }
            else if (!(seen ??= new(StringComparer.Ordinal) { first }).Add(name))
            {
                return (null, new PreparedReply(501, "5.5.4", $"Duplicate parameter {name}"));
            }

            switch (name)
            {
                case "SIZE" when Has(SmtpExtensions.Size):
                    if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size))
                    {
                        return (null, new PreparedReply(501, "5.5.4", "Bad SIZE parameter"));
                    }

                    if (size > _limits.MaxMessageSize)
                    {
                        return (null, Replies.TooBig);
                    }

                    result = result with { Size = size };
                    break;
                case "BODY":
                    var body = value?.ToUpperInvariant() switch
                    {
                        "7BIT" => BodyType.SevenBit,
                        "8BITMIME" when Has(SmtpExtensions.EightBitMime) => BodyType.EightBitMime,
                        "BINARYMIME" when Has(SmtpExtensions.BinaryMime) => BodyType.BinaryMime,
                        _ => BodyType.Unspecified,
                    };
                    if (body == BodyType.Unspecified)
                    {
                        return (null, new PreparedReply(501, "5.5.4", "Unsupported BODY type"));
                    }

                    result = result with { Body = body };
                    break;
                case "SMTPUTF8" when Has(SmtpExtensions.SmtpUtf8) && value is null:
                    result = result with { SmtpUtf8 = true };
                    break;
                case "RET" when Has(SmtpExtensions.Dsn):
                    var ret = value?.ToUpperInvariant() switch { "FULL" => DsnReturn.Full, "HDRS" => DsnReturn.Headers, _ => DsnReturn.Unspecified };
                    if (ret == DsnReturn.Unspecified)
                    {
                        return (null, new PreparedReply(501, "5.5.4", "Bad RET parameter"));
                    }

                    result = result with { Return = ret };
                    break;
                case "ENVID" when Has(SmtpExtensions.Dsn):
                    if (value is null || value.Length > 100 || !SmtpCommandParser.TryDecodeXtext(value, out var envid))
                    {
                        return (null, new PreparedReply(501, "5.5.4", "Bad ENVID parameter"));
                    }

                    result = result with { EnvelopeId = envid };
                    break;
                case "AUTH" when _server.Authenticator is not null:
                    if (value is null || !SmtpCommandParser.TryDecodeXtext(value, out var auth))
                    {
                        return (null, new PreparedReply(501, "5.5.4", "Bad AUTH parameter"));
                    }

                    result = result with { Auth = auth };
                    break;
                default:
                    if (!ExtraParametersAllowed || !_listener.Options.ExtraMailParameters.Contains(name, StringComparer.Ordinal))
                    {
                        return (null, new PreparedReply(555, "5.5.4", $"Unsupported parameter {name}"));
                    }

                    (extensions ??= new(StringComparer.Ordinal))[name] = value;
                    break;
            }
        }

        return (extensions is null ? result : result with { Extensions = extensions }, null);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RcptAsync(string argument)
    {
        if (_tx is null)
        {
            WriteError(Replies.NeedMail, CommandText());
            return;
        }

        if (!SmtpCommandParser.TrySplitPath(argument, "TO:", out var path, out var parameterText, out var sourceRoute))
        {
            WriteError(Replies.RcptSyntax, CommandText());
            return;
        }

        if (!Mailbox.TryParse(path, out var recipient, out _))
        {
            WriteError(Replies.BadRecipient, CommandText());
            return;
        }

        if (recipient.IsInternational && !_tx.Parameters.SmtpUtf8)
        {
            WriteError(Replies.Utf8NotAllowed, CommandText());
            return;
        }

        var parameters = RcptParameters.None;
        foreach (var (name, value) in SmtpCommandParser.SplitParameters(parameterText))
        {
            if (name == "NOTIFY" && Has(SmtpExtensions.Dsn) && value is not null && TryParseNotify(value, out var notify))
            {
                parameters = parameters with { Notify = notify };
            }
            else if (name == "ORCPT" && Has(SmtpExtensions.Dsn) && value is not null && value.IndexOf(';', StringComparison.Ordinal) is > 0 and var semi
                     && SmtpCommandParser.TryDecodeXtext(value[(semi + 1)..], out var orcpt))
            {
                parameters = parameters with { OriginalRecipientType = value[..semi], OriginalRecipient = orcpt };
            }
            else
            {
                WriteError(name is "NOTIFY" or "ORCPT" && Has(SmtpExtensions.Dsn) ? new PreparedReply(501, "5.5.4", $"Bad {name} parameter") : new PreparedReply(555, "5.5.4", $"Unsupported parameter {name}"), CommandText());
                return;
            }
        }

        if (_tx.Recipients.Count >= _limits.MaxRecipients)
        {
            WriteError(Replies.TooManyRecipients, CommandText());
            return;
        }

        var context = new RcptContext(_session, _server.Services, _tx, recipient, parameters, sourceRoute);
        var verdict = await RunStageAsync(_server.Rcpt, context, "rcpt").ConfigureAwait(false);
        var reached = context.TerminalReached;
        context.TerminalReached = false;
        if (!reached && verdict.Kind == VerdictKind.Accept)
        {
            // A stage accepted without calling next: relay control and the handler still decide.
            var final = await RunStageAsync(_server.RcptTerminalAsync, context, "rcpt").ConfigureAwait(false);
            context.TerminalReached = false;
            if (final.Kind != VerdictKind.Accept)
            {
                verdict = final;
            }
        }

        if (verdict.Kind == VerdictKind.Discard)
        {
            _discardedRecipients++;
        }

        if (verdict.Kind == VerdictKind.Accept)
        {
            var reply = verdict.Reply ?? Replies.RecipientOk.Reply;
            var accepted = new Recipient(recipient, parameters, reply);
            context.Properties.CopyTo(accepted.Properties);
            _tx.AddRecipient(accepted);
        }

        WriteVerdict(verdict, "rcpt", Replies.RecipientOk);
    }

    private static bool TryParseNotify(string value, out DsnNotify notify)
    {
        notify = DsnNotify.Unspecified;
        foreach (var part in value.Split(','))
        {
            notify |= part.ToUpperInvariant() switch
            {
                "NEVER" => DsnNotify.Never,
                "SUCCESS" => DsnNotify.Success,
                "FAILURE" => DsnNotify.Failure,
                "DELAY" => DsnNotify.Delay,
                _ => (DsnNotify)(-1),
            };
        }

        return (int)notify > 0 && ((notify & DsnNotify.Never) == 0 || notify == DsnNotify.Never);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask DataAsync(string argument)
    {
        if (argument.Length > 0)
        {
            WriteError(Replies.NoArguments, CommandText());
            return;
        }

        if (_tx is null)
        {
            WriteError(Replies.NeedMail, CommandText());
            return;
        }

        if (_tx.Recipients.Count == 0 && _discardedRecipients == 0)
        {
            WriteError(Replies.NeedRcpt, CommandText());
            return;
        }

        if (_tx.Parameters.Body == BodyType.BinaryMime || _bdatBuffer is not null)
        {
            WriteError(Replies.BinaryNeedsBdat, CommandText());
            return;
        }

        WriteRaw(Replies.StartData);
        var buffer = new MessageBuffer(_limits.MemoryBufferThreshold, _server.Options.TempDirectory);
        var decoder = new DataDecoder(buffer, _limits.MaxMessageSize);
        StartDataTransfer();
        bool complete;
        try
        {
            complete = await ReadDataAsync(decoder).ConfigureAwait(false);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }

        if (!complete)
        {
            buffer.Dispose();
            _close = true;
            return;
        }

        if (decoder.Overflow)
        {
            buffer.Dispose();
            await FailTransactionAsync(Replies.TooBig, "message too big").ConfigureAwait(false);
            return;
        }

        if (decoder.SawBareLineEnding && _listener.Options.BareLineEndings == BareLineEndingPolicy.Reject)
        {
            buffer.Dispose();
            await FailTransactionAsync(Replies.BareLineEnding, "bare CR or LF in DATA").ConfigureAwait(false);
            return;
        }

        await CompleteMessageAsync(buffer).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask BdatAsync(byte[] argument)
    {
        if (!SmtpCommandParser.TryParseBdat(argument, out var size, out var last))
        {
            WriteError(Replies.BdatSyntax, CommandText());
            return;
        }

        if (_bdatBuffer is null)
        {
            // The rate is measured over the whole message (every chunk of it), so tiny chunks do not reset it.
            StartDataTransfer();
        }

        if (!Has(SmtpExtensions.Chunking))
        {
            await SkipBytesAsync(size).ConfigureAwait(false);
            WriteError(Replies.Unrecognized, CommandText());
            return;
        }

        if (_tx is null || (_tx.Recipients.Count == 0 && _discardedRecipients == 0) || _bdatFailed)
        {
            if (!await SkipBytesAsync(size).ConfigureAwait(false))
            {
                return;
            }

            WriteError(_bdatFailed ? Replies.BdatAfterFailure : _tx is null ? Replies.NeedMail : Replies.NeedRcpt, CommandText());
            return;
        }

        _bdatBuffer ??= new MessageBuffer(_limits.MemoryBufferThreshold, _server.Options.TempDirectory);
        var overflow = _bdatBuffer.Length + size > _limits.MaxMessageSize;
        if (!await ReadChunkAsync(size, overflow ? null : _bdatBuffer).ConfigureAwait(false))
        {
            return;
        }

        if (overflow)
        {
            _bdatFailed = true;
            await FailTransactionAsync(Replies.TooBig, "message too big (BDAT)").ConfigureAwait(false);
            return;
        }

        if (!last)
        {
            WriteReply(new SmtpReply(250, "2.0.0", $"{size} bytes received"));
            return;
        }

        var buffer = _bdatBuffer;
        _bdatBuffer = null;
        await CompleteMessageAsync(buffer).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask CompleteMessageAsync(MessageBuffer buffer)
    {
        var tx = _tx!;
        var started = _server.Time.GetTimestamp();
        if (tx.Recipients.Count == 0)
        {
            // Every recipient was discarded by a stage: the client was told 250, so the message is taken and dropped.
            buffer.Dispose();
            WriteReply(new SmtpReply(250, "2.0.0", $"Ok: queued as {tx.Id}"));
            ServerLog.Verdict(_server.Logger, _session.Id, Client, "data", Replies.Ok.Reply, "discarded: no recipient left");
            await EndTransactionAsync().ConfigureAwait(false);
            return;
        }

        using var message = new ReceivedMessage(buffer);
        message.PrependHeader("Received", BuildReceivedHeader(tx));
        var context = new DataContext(_session, _server.Services, tx, message);
        var verdict = await RunStageAsync(_server.Data, context, "data").ConfigureAwait(false);
        if (verdict.Kind is VerdictKind.Accept or VerdictKind.Quarantine && !tx.Properties.Remove<TerminalReached>())
        {
            // A stage accepted or asked for quarantine without calling next: the handler still takes
            // the message (a 250 is never given for mail nobody took responsibility for).
            if (verdict.Kind == VerdictKind.Quarantine)
            {
                tx.QuarantineReason = verdict.Reason;
            }

            var delivered = await RunStageAsync(ServerRuntime.DataTerminalAsync, context, "data-handler").ConfigureAwait(false);
            verdict = delivered.IsPositive && verdict.Kind == VerdictKind.Accept && verdict.Reply is not null ? verdict : delivered;
        }

        var reply = verdict.Reply ?? (verdict.IsPositive ? new SmtpReply(250, "2.0.0", $"Ok: queued as {tx.Id}") : Replies.StageFault.Reply);
        if (verdict.IsPositive)
        {
            _session.MessageCount++;
            WriteReply(reply);
        }
        else
        {
            WriteVerdict(verdict, "data");
        }

        var tags = SmtpMetrics.Tags("listener", _listener.Options.Name, "verdict", verdict.Kind.ToString());
        _server.Metrics.Transactions.Add(1, tags);
        _server.Metrics.MessageSize.Record(message.OriginalLength, new KeyValuePair<string, object?>("listener", _listener.Options.Name));
        _server.Metrics.TransactionDuration.Record(_server.Time.GetElapsedTime(started).TotalMilliseconds, tags);
        if (_server.Logger.IsEnabled(LogLevel.Information))
        {
            // The recipient list is joined only when the line is written (not per message at Warning).
            LogTransaction(tx, message, verdict, reply, started);
        }

        await EndTransactionAsync().ConfigureAwait(false);
    }

    private void LogTransaction(SmtpTransaction tx, Messages.ReceivedMessage message, SmtpVerdict verdict, SmtpReply reply, long started)
        => ServerLog.Transaction(
            _server.Logger,
            tx.Id,
            _session.Id,
            Client,
            _session.HeloName,
            tx.ReversePath?.Address ?? string.Empty,
            string.Join(',', tx.Recipients.Select(r => r.Address.Address)),
            message.OriginalLength,
            verdict.Kind,
            reply,
            verdict.Reason,
            (long)_server.Time.GetElapsedTime(started).TotalMilliseconds);

    private string BuildReceivedHeader(SmtpTransaction tx)
    {
        // One builder per connection, reused by each of its messages.
        var sb = (_received ??= new StringBuilder(256)).Clear();
        sb.Append("from ").Append(Sanitise(_session.HeloName ?? "unknown")).Append(" ([").Append(Client).Append("])");
        if (_session.IsSecure)
        {
            sb.Append("\r\n\t(using ").Append(TlsName(_session.TlsProtocol)).Append(" with cipher ").Append(_session.TlsCipher).Append(')');
        }

        sb.Append("\r\n\tby ").Append(_server.Options.ServerName).Append(" (MtaKit) with ").Append(_session.IsExtended ? (tx.Parameters.SmtpUtf8 ? "UTF8SMTP" : "ESMTP") : "SMTP");
        if (_session.IsExtended && _session.IsSecure) sb.Append('S');
        if (_session.IsExtended && _session.AuthenticatedUser is not null) sb.Append('A');
        sb.Append(" id ").Append(tx.Id);
        if (tx.Recipients.Count == 1)
        {
            sb.Append("\r\n\tfor <").Append(tx.Recipients[0].Address.Address).Append('>');
        }

        sb.Append("; ").Append(_server.FormatDate(_server.Time.GetUtcNow()));
        return sb.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> SanitisedChars = System.Buffers.SearchValues.Create("()\\");

    private static string TlsName(SslProtocols p) => p switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
        _ => p.ToString(),
    };

    private static string Sanitise(string text)
    {
        if (!text.AsSpan().ContainsAny(SanitisedChars) && !text.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            return text; // the usual HELO name: nothing to replace, no copy
        }

        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(c is < '!' or > '~' or '(' or ')' or '\\' ? '_' : c);
        }

        return sb.ToString();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FailTransactionAsync(PreparedReply reply, string reason)
    {
        WriteError(reply, reason);
        ServerLog.Verdict(_server.Logger, _session.Id, Client, "data", reply.Reply, reason);
        await EndTransactionAsync().ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask EndTransactionAsync()
    {
        var handlerTx = _handlerTx;
        _handlerTx = null;
        _tx = null;
        _discardedRecipients = 0;
        _bdatBuffer?.Dispose();
        _bdatBuffer = null;
        if (handlerTx is not null)
        {
            try
            {
                await handlerTx.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                ServerLog.StageFault(_server.Logger, e, _session.Id, "handler-dispose");
            }
        }
    }

    private async Task StartTlsAsync(string argument)
    {
        if (argument.Length > 0)
        {
            WriteError(Replies.NoArguments, CommandText());
            return;
        }

        if (_session.IsSecure)
        {
            WriteError(Replies.AlreadyTls, CommandText());
            return;
        }

        if (_listener.Certificates is null)
        {
            WriteError(Replies.TlsUnavailable, CommandText());
            return;
        }

        WriteRaw(Replies.StartTls);
        await FlushAsync().ConfigureAwait(false);

        // RFC 3207 section 6: anything the client pipelined after STARTTLS is plaintext injection.
        if (_reader.TryRead(out var leftover))
        {
            _reader.AdvanceTo(leftover.Buffer.End);
        }

        if (await HandshakeAsync().ConfigureAwait(false))
        {
            await EndTransactionAsync().ConfigureAwait(false);
            _session.HeloName = null;
            _session.IsExtended = false;

            // RFC 3207 4.2: forget what the client told us in plaintext, including a plaintext AUTH.
            _session.AuthenticatedUser = null;
        }
    }

    private async Task<bool> HandshakeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _writer.CompleteAsync().ConfigureAwait(false);
        var ssl = new SslStream(_network, leaveInnerStreamOpen: true);
        var tls = _listener.Options.Tls!;
        string? sni = null;
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateSelectionCallback = (_, host) =>
            {
                sni = host;
                return _listener.Certificates!.Select(host);
            },
            EnabledSslProtocols = tls.MinimumProtocol == SslProtocols.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_sessionCts.Token);
        timeout.CancelAfter(tls.HandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(options, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            ServerLog.TlsFailed(_server.Logger, _session.Id, Client, e.Message);
            await ssl.DisposeAsync().ConfigureAwait(false);
            _closeReason = "TLS handshake failed";
            _close = true;
            (_reader, _writer) = CreatePipes(Stream.Null);
            return false;
        }

        _stream = ssl;
        (_reader, _writer) = CreatePipes(ssl);
        _needMore = false;
        _session.IsSecure = true;
        _session.TlsProtocol = ssl.SslProtocol;
        _session.TlsCipher = ssl.NegotiatedCipherSuite.ToString();
        _session.TlsServerName = sni;
        return true;
    }

    private async Task AuthAsync(string argument)
    {
        if (_server.Authenticator is null)
        {
            WriteError(Replies.AuthUnavailable, "AUTH");
            return;
        }

        if (_session.HeloName is null || !_session.IsExtended)
        {
            WriteError(Replies.HeloFirst, "AUTH");
            return;
        }

        if (_session.AuthenticatedUser is not null)
        {
            WriteError(Replies.AlreadyAuthenticated, "AUTH");
            return;
        }

        if (_tx is not null)
        {
            WriteError(Replies.AuthInTransaction, "AUTH");
            return;
        }

        var parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        var mechanism = parts.Length > 0 ? parts[0].ToUpperInvariant() : string.Empty;
        if (mechanism is not ("PLAIN" or "LOGIN"))
        {
            WriteError(Replies.AuthMechanism, "AUTH");
            return;
        }

        if (!_session.IsSecure && _listener.Options.RequireTlsForAuth)
        {
            WriteError(Replies.AuthNeedsTls, "AUTH");
            return;
        }

        string? user, password;
        if (mechanism == "PLAIN")
        {
            var initial = parts.Length > 1 ? parts[1] : await ChallengeAsync(string.Empty).ConfigureAwait(false);
            if (initial is null)
            {
                return;
            }

            var decoded = Decode(initial == "=" ? string.Empty : initial);
            var fields = decoded?.Split('\0');
            if (fields is not { Length: 3 })
            {
                WriteError(Replies.AuthBase64, "AUTH");
                return;
            }

            (user, password) = (fields[1], fields[2]);
        }
        else
        {
            var u = parts.Length > 1 ? parts[1] : await ChallengeAsync("VXNlcm5hbWU6").ConfigureAwait(false);
            if (u is null)
            {
                return;
            }

            user = Decode(u);
            var p = user is null ? null : await ChallengeAsync("UGFzc3dvcmQ6").ConfigureAwait(false);
            if (user is null || p is null)
            {
                if (user is null)
                {
                    WriteError(Replies.AuthBase64, "AUTH");
                }

                return;
            }

            password = Decode(p);
            if (password is null)
            {
                WriteError(Replies.AuthBase64, "AUTH");
                return;
            }
        }

        var refusal = await _server.Authenticator.CheckAttemptAsync(_session, user, _sessionCts.Token).ConfigureAwait(false);
        if (refusal is not null)
        {
            ServerLog.Auth(_server.Logger, _session.Id, Client, user, mechanism, false);
            ServerLog.ProtocolError(_server.Logger, _session.Id, Client, refusal, "AUTH");
            WriteReply(refusal);
            CountError();
            return;
        }

        var ok = await _server.Authenticator.AuthenticateAsync(_session, user, password, _sessionCts.Token).ConfigureAwait(false);
        ServerLog.Auth(_server.Logger, _session.Id, Client, user, mechanism, ok);
        if (ok)
        {
            _session.AuthenticatedUser = user;
            WriteRaw(Replies.AuthOk);
        }
        else
        {
            WriteError(Replies.AuthFailed, "AUTH");
        }
    }

    private async Task<string?> ChallengeAsync(string challenge)
    {
        WriteReply(new SmtpReply(334, (EnhancedStatusCode?)null, challenge));
        var status = await ReadLineAsync(CommandTimeout).ConfigureAwait(false);
        if (status == LineStatus.Closed)
        {
            _close = true;
            return null;
        }

        var text = status == LineStatus.Ok ? Encoding.ASCII.GetString(_line, 0, _lineLength) : "*";
        if (text == "*")
        {
            WriteError(Replies.AuthCancelled, "AUTH");
            return null;
        }

        return text;
    }

    private static string? Decode(string base64)
    {
        try
        {
            return StrictUtf8.GetString(Convert.FromBase64String(base64));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SmtpVerdict> RunStageAsync<TContext>(StageDelegate<TContext> chain, TContext context, string phase)
    {
        try
        {
            return await chain(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_sessionCts.IsCancellationRequested)
        {
            ServerLog.StageFault(_server.Logger, e, _session.Id, phase);
            return SmtpVerdict.Defer(Replies.StageFault.Reply, "stage fault: " + e.GetType().Name);
        }
    }

    private void WriteVerdict(SmtpVerdict verdict, string phase, PreparedReply? positiveDefault = null)
    {
        if (verdict.IsPositive)
        {
            if (verdict.Reply is null && positiveDefault is not null)
            {
                WriteRaw(positiveDefault);
            }
            else
            {
                WriteReply(verdict.Reply ?? Replies.Ok.Reply);
            }

            return;
        }

        var reply = verdict.Reply ?? Replies.StageFault.Reply;
        ServerLog.Verdict(_server.Logger, _session.Id, Client, phase, reply, verdict.Reason);
        _server.Metrics.Rejections.Add(1, SmtpMetrics.Tags("phase", phase, "code", reply.Code));
        if (verdict.Kind == VerdictKind.Disconnect)
        {
            WriteReply(reply);
            _closeReason = "disconnected by stage: " + verdict.Reason;
            _close = true;
            return;
        }

        WriteReply(reply);
        CountError();
    }

    private void WriteError(PreparedReply reply, string command)
    {
        ServerLog.ProtocolError(_server.Logger, _session.Id, Client, reply.Reply, command);
        WriteRaw(reply);
        CountError();
    }

    private void CountError()
    {
        if (++_errors >= _limits.MaxErrors && !_close)
        {
            WriteRaw(Replies.TooManyErrors);
            _closeReason = "too many errors";
            _close = true;
        }
    }

    private void WriteGreeting(SmtpReply reply)
    {
        _greeted = true;
        WriteReply(reply);
    }

    private void WriteRaw(PreparedReply reply) => _writer.Write(reply.Bytes);

    private void WriteReply(SmtpReply reply) => reply.WriteTo(_writer);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushAsync()
    {
        if (_writer.UnflushedBytes > 0)
        {
            await _writer.FlushAsync(_sessionCts.Token).ConfigureAwait(false);
        }
    }
}
