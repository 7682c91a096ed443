using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// One SMTP or LMTP client session to a peer, for relaying: an incremental transaction
/// (<see cref="MailAsync"/>, <see cref="RcptAsync"/> one by one,
/// <see cref="DataAsync"/>) for cutthrough, or a pipelined one-shot <see cref="SendAsync"/>.
/// Message bytes are streamed exactly (dot-stuffed for DATA, raw for BDAT).
/// </summary>
/// <remarks>
/// Network faults, timeouts and protocol errors never escape as exceptions: the method returns a
/// transient reply the client made (451 4.4.2, or 4.5.0 for a protocol error) and the connection
/// becomes unusable (<see cref="IsUsable"/> false). Exceptions are thrown only for misuse (a
/// command out of order, an invalid address) and for the caller's own cancellation. Not thread-safe:
/// one operation at a time.
/// </remarks>
public sealed partial class SmtpClientConnection : IAsyncDisposable
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    private readonly SmtpClientOptions _options;
    private readonly TimeProvider _time;
    private readonly CommandDeadline _deadline;
    private CommandDeadline? _dataBudget;
    private readonly StringBuilder _line = new(256);
    private readonly Encoder _lineEncoder = Utf8.GetEncoder();
    private readonly ILogger _logger;
    private readonly Socket _socket;
    private readonly SmtpReplyReader _reader;
    private readonly List<SmtpClientRecipient> _accepted = [];
    private Stream _stream;
    private byte[] _commands = new byte[1024];
    private int _commandsLength;
    private CancellationTokenSource? _transaction;
    private SmtpClientMailParameters _mailParameters = SmtpClientMailParameters.Empty;
    private bool _mailSmtpUtf8;
    private int _recipientsTried;

    private SmtpClientConnection(SmtpClientEndpoint endpoint, SmtpClientOptions options, ILogger logger, Socket socket)
    {
        Endpoint = endpoint;
        _options = options;
        _time = options.TimeProvider;
        _deadline = new CommandDeadline(_time);
        _logger = logger;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new SmtpReplyReader(_stream);
        Greeting = new SmtpReply(220, (EnhancedStatusCode?)null, string.Empty);
        Capabilities = SmtpPeerCapabilities.None;
    }

    /// <summary>The peer this connection talks to.</summary>
    public SmtpClientEndpoint Endpoint { get; }

    /// <summary>The peer's greeting.</summary>
    public SmtpReply Greeting { get; private set; }

    /// <summary>The extensions from the last EHLO/LHLO reply (after STARTTLS, the one sent over TLS).</summary>
    public SmtpPeerCapabilities Capabilities { get; private set; }

    /// <summary>Whether the session runs over TLS.</summary>
    public bool IsEncrypted { get; private set; }

    /// <summary>Whether AUTH succeeded.</summary>
    public bool IsAuthenticated { get; private set; }

    /// <summary>False after a fault (<see cref="Fault"/>), QUIT or dispose: every command then returns the fault reply.</summary>
    public bool IsUsable => Fault is null && !IsClosed;

    /// <summary>The transient reply the client made when the connection failed, or <see langword="null"/>.</summary>
    public SmtpReply? Fault { get; private set; }

    /// <summary>True between a positive MAIL reply and the end of the transaction (data replies or RSET).</summary>
    public bool InTransaction => _transaction is not null;

    /// <summary>How many transactions reached the end of data on this connection.</summary>
    public int CompletedTransactions { get; private set; }

    /// <summary>The recipients accepted at RCPT in the open transaction, in order.</summary>
    public IReadOnlyList<SmtpClientRecipient> AcceptedRecipients => _accepted;

    private bool IsClosed { get; set; }

    private bool IsLmtp => _options.Protocol == SmtpClientProtocol.Lmtp;

    /// <summary>Connects, reads the greeting, says EHLO (or LHLO; HELO when EHLO gets a 5xx), and does STARTTLS and AUTH as the options say.</summary>
    /// <param name="endpoint">The peer.</param>
    /// <param name="options">The route's options; validated here.</param>
    /// <param name="cancellationToken">Cancels the attempt (then <see cref="OperationCanceledException"/> is thrown).</param>
    /// <returns>A ready connection, or the reply that explains the failure; network faults are results, not exceptions.</returns>
    public static Task<SmtpConnectResult> ConnectAsync(SmtpClientEndpoint endpoint, SmtpClientOptions options, CancellationToken cancellationToken)
        => ConnectAsync(endpoint, options, null, cancellationToken);

    /// <summary>Connects as <see cref="ConnectAsync(SmtpClientEndpoint, SmtpClientOptions, CancellationToken)"/>, logging to <paramref name="logger"/>.</summary>
    /// <param name="endpoint">The peer.</param>
    /// <param name="options">The route's options; validated here.</param>
    /// <param name="logger">Where connection events are logged, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the attempt (then <see cref="OperationCanceledException"/> is thrown).</param>
    public static async Task<SmtpConnectResult> ConnectAsync(SmtpClientEndpoint endpoint, SmtpClientOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return await ConnectValidatedAsync(endpoint, options, logger ?? NullLogger.Instance, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Connects with options already validated (by the caller or a pool).</summary>
    internal static async Task<SmtpConnectResult> ConnectValidatedAsync(SmtpClientEndpoint endpoint, SmtpClientOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var (result, tlsFailed) = await ConnectOnceAsync(endpoint, options, options.TlsMode, logger, cancellationToken).ConfigureAwait(false);
        if (tlsFailed && options.TlsMode == SmtpClientTlsMode.Opportunistic)
        {
            SmtpClientLog.TlsFallback(logger, endpoint);
            (result, _) = await ConnectOnceAsync(endpoint, options, SmtpClientTlsMode.None, logger, cancellationToken).ConfigureAwait(false);
        }

        SmtpClientMetrics.Connections.Add(1, new KeyValuePair<string, object?>("outcome", result.Succeeded ? "success" : "failure"));
        if (!result.Succeeded)
        {
            SmtpClientLog.ConnectFailed(logger, endpoint, result.Reply);
        }

        return result;
    }

    private static async Task<(SmtpConnectResult Result, bool TlsFailed)> ConnectOnceAsync(
        SmtpClientEndpoint endpoint, SmtpClientOptions options, SmtpClientTlsMode tlsMode, ILogger logger, CancellationToken cancellationToken)
    {
        var socket = endpoint.UnixSocketPath is not null
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : endpoint.Address is { } address
                ? new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.UnixSocketPath is null)
            {
                // Commands are written whole; without this a small write waits on the peer's delayed ACK.
                socket.NoDelay = true;
            }

            EndPoint target = endpoint.UnixSocketPath is { } path ? new UnixDomainSocketEndPoint(path)
                : endpoint.Address is { } ip ? new IPEndPoint(ip, endpoint.Port)
                : new DnsEndPoint(endpoint.HostName!, endpoint.Port);
            using var timer = new CancellationTokenSource(options.ConnectTimeout, options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            await socket.ConnectAsync(target, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            return (Failed(new SmtpReply(451, new EnhancedStatusCode(4, 4, 1), $"Connection to {endpoint} timed out after {Seconds(options.ConnectTimeout)}")), false);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            socket.Dispose();
            var reason = ex is SocketException se ? se.SocketErrorCode.ToString() : ex.Message;
            return (Failed(new SmtpReply(451, new EnhancedStatusCode(4, 4, 1), $"Connection to {endpoint} failed: {reason}")), false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new SmtpClientConnection(endpoint, options, logger, socket);
        try
        {
            return await connection.HandshakeAsync(tlsMode, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            connection.Abort();
            throw;
        }
    }

    private static SmtpConnectResult Failed(SmtpReply reply, bool isPeerReply = false) => new(null, reply, isPeerReply);

    private async Task<(SmtpConnectResult Result, bool TlsFailed)> HandshakeAsync(SmtpClientTlsMode tlsMode, CancellationToken cancellationToken)
    {
        var greeting = await ExchangeAsync(flush: false, _options.GreetingTimeout, "waiting for the greeting", cancellationToken).ConfigureAwait(false);
        Greeting = greeting;
        if (Fault is not null)
        {
            return (Failed(Fault), false);
        }

        if (greeting.Code != 220)
        {
            return (await FailAsync(greeting, true, cancellationToken).ConfigureAwait(false), false);
        }

        var hello = await HelloAsync(cancellationToken).ConfigureAwait(false);
        if (!hello.IsPositive)
        {
            return (await FailAsync(hello, Fault is null, cancellationToken).ConfigureAwait(false), false);
        }

        if (tlsMode != SmtpClientTlsMode.None)
        {
            if (!Capabilities.StartTls)
            {
                if (tlsMode == SmtpClientTlsMode.Required)
                {
                    return (await FailAsync(new SmtpReply(451, new EnhancedStatusCode(4, 7, 4), $"TLS is required, but {Endpoint} does not offer STARTTLS"), false, cancellationToken).ConfigureAwait(false), false);
                }
            }
            else
            {
                var reply = await CommandAsync("STARTTLS", _options.CommandTimeout, "waiting for the reply to STARTTLS", cancellationToken).ConfigureAwait(false);
                if (reply.Code != 220)
                {
                    if (tlsMode == SmtpClientTlsMode.Required || Fault is not null)
                    {
                        return (await FailAsync(reply, Fault is null, cancellationToken).ConfigureAwait(false), false);
                    }
                }
                else
                {
                    var failure = await StartTlsAsync(tlsMode == SmtpClientTlsMode.Required && _options.ValidateCertificate, cancellationToken).ConfigureAwait(false);
                    if (failure is not null)
                    {
                        return (Failed(failure), true);
                    }

                    hello = await HelloAsync(cancellationToken).ConfigureAwait(false);
                    if (!hello.IsPositive)
                    {
                        return (await FailAsync(hello, Fault is null, cancellationToken).ConfigureAwait(false), false);
                    }
                }
            }
        }

        if (_options.Credentials is { } credentials)
        {
            var failure = await AuthenticateAsync(credentials, cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                return (await FailAsync(failure.Value.Reply, failure.Value.IsPeerReply, cancellationToken).ConfigureAwait(false), false);
            }
        }

        SmtpClientLog.Connected(_logger, Endpoint, IsEncrypted, string.Join(' ', Capabilities.Keywords));
        return (new SmtpConnectResult(this, hello, true), false);
    }

    private async Task<SmtpConnectResult> FailAsync(SmtpReply reply, bool isPeerReply, CancellationToken cancellationToken)
    {
        await QuitAsync(cancellationToken).ConfigureAwait(false);
        return Failed(reply, isPeerReply);
    }

    private async ValueTask<SmtpReply> HelloAsync(CancellationToken cancellationToken)
    {
        var verb = IsLmtp ? "LHLO " : "EHLO ";
        var reply = await CommandAsync(verb + _options.HeloName, _options.CommandTimeout, $"waiting for the reply to {verb.Trim()}", cancellationToken).ConfigureAwait(false);
        if (reply.IsPositive)
        {
            Capabilities = SmtpPeerCapabilities.Parse(reply);
            return reply;
        }

        Capabilities = SmtpPeerCapabilities.None;
        if (reply.IsPermanent && !IsLmtp && Fault is null)
        {
            return await CommandAsync("HELO " + _options.HeloName, _options.CommandTimeout, "waiting for the reply to HELO", cancellationToken).ConfigureAwait(false);
        }

        return reply;
    }

    private async ValueTask<SmtpReply?> StartTlsAsync(bool validate, CancellationToken cancellationToken)
    {
        if (_reader.HasBufferedData)
        {
            // Plaintext the peer sent after 220 would otherwise be read as if it came over TLS (CVE-2011-0411 class).
            return SetFault(new SmtpClientProtocolException("The peer sent data after its STARTTLS reply."), "starting TLS", _options.CommandTimeout);
        }

        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        var tls = new SslClientAuthenticationOptions
        {
            TargetHost = Endpoint.HostName ?? Endpoint.Address?.ToString() ?? "localhost",
#pragma warning disable CA5398 // RFC 8996/8314: TLS 1.2 is the minimum; 1.3 preferred.
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
#pragma warning restore CA5398
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = validate ? null : AcceptAnyCertificate,
        };
        if (validate && _options.TrustedRootCertificates is { } roots)
        {
            tls.CertificateChainPolicy = new System.Security.Cryptography.X509Certificates.X509ChainPolicy
            {
                TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust,
                RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            };
            tls.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }

        using var timer = new CancellationTokenSource(_options.CommandTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await ssl.AuthenticateAsClientAsync(tls, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            Abort();
            throw;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or OperationCanceledException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            var reason = ex is OperationCanceledException ? $"timed out after {Seconds(_options.CommandTimeout)}" : ex.Message;
            var reply = new SmtpReply(451, new EnhancedStatusCode(4, 7, 5), $"TLS handshake with {Endpoint} failed: {reason}");
            MarkFault(reply, ex);
            return reply;
        }

        _stream = ssl;
        _reader.Reset(ssl);
        IsEncrypted = true;
        return null;
    }

    // Opportunistic TLS (RFC 7435) and routes configured without validation encrypt without authenticating.
#pragma warning disable CA5359
    private static bool AcceptAnyCertificate(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate, System.Security.Cryptography.X509Certificates.X509Chain? chain, SslPolicyErrors errors) => true;
#pragma warning restore CA5359

    private async ValueTask<(SmtpReply Reply, bool IsPeerReply)?> AuthenticateAsync(SmtpClientCredentials credentials, CancellationToken cancellationToken)
    {
        if (!IsEncrypted && !_options.AllowAuthWithoutTls)
        {
            return (new SmtpReply(451, new EnhancedStatusCode(4, 7, 0), $"Not sending credentials to {Endpoint} without TLS (AllowAuthWithoutTls is off)"), false);
        }

        static string B64(string s) => Convert.ToBase64String(Utf8.GetBytes(s));
        SmtpReply reply;
        if (Capabilities.AuthMechanisms.Contains("PLAIN"))
        {
            reply = await CommandAsync("AUTH PLAIN " + B64("\0" + credentials.UserName + "\0" + credentials.Password), _options.CommandTimeout, "waiting for the reply to AUTH PLAIN", cancellationToken).ConfigureAwait(false);
        }
        else if (Capabilities.AuthMechanisms.Contains("LOGIN"))
        {
            reply = await CommandAsync("AUTH LOGIN", _options.CommandTimeout, "waiting for the reply to AUTH LOGIN", cancellationToken).ConfigureAwait(false);
            if (reply.Code == 334)
            {
                reply = await CommandAsync(B64(credentials.UserName), _options.CommandTimeout, "waiting for the reply to the AUTH LOGIN user name", cancellationToken).ConfigureAwait(false);
            }

            if (reply.Code == 334)
            {
                reply = await CommandAsync(B64(credentials.Password), _options.CommandTimeout, "waiting for the reply to the AUTH LOGIN password", cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            return (new SmtpReply(451, new EnhancedStatusCode(4, 7, 0), $"{Endpoint} offers neither AUTH PLAIN nor AUTH LOGIN"), false);
        }

        if (reply.Code == 235)
        {
            IsAuthenticated = true;
            return null;
        }

        if (reply.Code == 334 && Fault is null)
        {
            // A challenge we cannot answer: cancel the exchange and fail as a protocol error.
            await CommandAsync("*", _options.CommandTimeout, "cancelling AUTH", cancellationToken).ConfigureAwait(false);
            return (new SmtpReply(451, new EnhancedStatusCode(4, 7, 0), $"Unexpected AUTH challenge from {Endpoint}: {reply}"), false);
        }

        return (reply, Fault is null);
    }

    /// <summary>Sends RSET: ends an open transaction (also a cheap health check of a pooled connection).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<SmtpReply> RsetAsync(CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync("RSET", _options.CommandTimeout, "waiting for the reply to RSET", cancellationToken).ConfigureAwait(false);
        EndTransaction();
        return reply;
    }

    /// <summary>Sends NOOP.</summary>
    public ValueTask<SmtpReply> NoopAsync(CancellationToken cancellationToken = default)
        => CommandAsync("NOOP", _options.CommandTimeout, "waiting for the reply to NOOP", cancellationToken);

    /// <summary>Sends QUIT (when the connection is usable) and closes it. Never throws for network faults.</summary>
    public async ValueTask QuitAsync(CancellationToken cancellationToken = default)
    {
        if (IsUsable)
        {
            await CommandAsync("QUIT", _options.CommandTimeout, "waiting for the reply to QUIT", cancellationToken).ConfigureAwait(false);
        }

        Abort();
    }

    /// <summary>Closes the connection without QUIT.</summary>
    public ValueTask DisposeAsync()
    {
        Abort();
        _deadline.Dispose();
        _dataBudget?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A deadline over a whole transaction step for the connection's user (the relay's data budget), reused by its transactions.</summary>
    internal CommandDeadline DataBudget => _dataBudget ??= new CommandDeadline(_time);

    /// <summary>Whether the socket still looks open, without a round trip (for a pooled connection).</summary>
    internal bool LooksAlive()
    {
        if (!IsUsable)
        {
            return false;
        }

        try
        {
            // Readable with nothing to read means the peer closed; unread bytes mean it broke the protocol.
            return !_socket.Poll(0, SelectMode.SelectRead) && !_reader.HasBufferedData;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private void Abort()
    {
        if (IsClosed)
        {
            return;
        }

        IsClosed = true;

        // The accepted recipients stay: DataAsync reports the fault for each of them.
        _transaction?.Dispose();
        _transaction = null;
        _stream.Dispose();
        _socket.Dispose();
    }

    private void StartTransaction()
    {
        _transaction?.Dispose();
        _transaction = new CancellationTokenSource(_options.TransactionTimeout, _time);
        _accepted.Clear();
        _recipientsTried = 0;
    }

    private void EndTransaction()
    {
        _transaction?.Dispose();
        _transaction = null;
        _accepted.Clear();
        _mailParameters = SmtpClientMailParameters.Empty;
        _mailSmtpUtf8 = false;
    }

    private ValueTask<SmtpReply> CommandAsync(string command, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        if (Fault is not null)
        {
            return ValueTask.FromResult(Fault);
        }

        AppendCommand(command);
        return ExchangeAsync(flush: true, timeout, what, cancellationToken);
    }

    /// <summary>Appends a command built in <see cref="_line"/> (reused: no string per command).</summary>
    private void AppendCommand(StringBuilder command)
    {
        var needed = _commandsLength + Utf8.GetMaxByteCount(command.Length) + 2;
        if (needed > _commands.Length)
        {
            Array.Resize(ref _commands, Math.Max(needed, _commands.Length * 2));
        }

        // A stateful encoder: a surrogate pair split across two chunks still encodes as one character.
        _lineEncoder.Reset();
        foreach (var chunk in command.GetChunks())
        {
            _commandsLength += _lineEncoder.GetBytes(chunk.Span, _commands.AsSpan(_commandsLength), flush: false);
        }

        _commandsLength += _lineEncoder.GetBytes([], _commands.AsSpan(_commandsLength), flush: true);

        _commands[_commandsLength++] = (byte)'\r';
        _commands[_commandsLength++] = (byte)'\n';
    }

    private void AppendCommand(string command)
    {
        var needed = _commandsLength + Utf8.GetMaxByteCount(command.Length) + 2;
        if (needed > _commands.Length)
        {
            Array.Resize(ref _commands, Math.Max(needed, _commands.Length * 2));
        }

        _commandsLength += Utf8.GetBytes(command, _commands.AsSpan(_commandsLength));
        _commands[_commandsLength++] = (byte)'\r';
        _commands[_commandsLength++] = (byte)'\n';
    }

    /// <summary>Writes the pending commands (when <paramref name="flush"/>) and reads one reply; a fault becomes the fault reply.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SmtpReply> ExchangeAsync(bool flush, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        if (Fault is not null)
        {
            _commandsLength = 0;
            return Fault;
        }

        var token = _deadline.Arm(timeout, cancellationToken, _transaction?.Token ?? CancellationToken.None);
        try
        {
            if (flush && _commandsLength > 0)
            {
                var length = _commandsLength;
                _commandsLength = 0;
                await _stream.WriteAsync(_commands.AsMemory(0, length), token).ConfigureAwait(false);
            }

            return await _reader.ReadAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abort();
            throw;
        }
        catch (Exception ex) when (IsFault(ex))
        {
            return SetFault(ex, what, timeout);
        }
        finally
        {
            _deadline.Disarm();
        }
    }

    private static bool IsFault(Exception ex)
        => ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or AuthenticationException;

    private SmtpReply SetFault(Exception ex, string what, TimeSpan timeout)
    {
        var text = ex switch
        {
            OperationCanceledException when _transaction?.IsCancellationRequested == true
                => $"Transaction with {Endpoint} exceeded its budget of {Seconds(_options.TransactionTimeout)} while {what}",
            OperationCanceledException => $"Timed out after {Seconds(timeout)} while {what} ({Endpoint})",
            EndOfStreamException => $"Lost connection with {Endpoint} while {what}: the peer closed the connection",
            SmtpClientProtocolException => $"Protocol error from {Endpoint} while {what}: {ex.Message}",
            _ => $"Lost connection with {Endpoint} while {what}: {ex.Message}",
        };
        var code = ex is SmtpClientProtocolException ? new EnhancedStatusCode(4, 5, 0) : new EnhancedStatusCode(4, 4, 2);
        var reply = new SmtpReply(451, code, text.ReplaceLineEndings(" "));
        MarkFault(reply, ex);
        return reply;
    }

    private void MarkFault(SmtpReply reply, Exception? ex)
    {
        if (Fault is null)
        {
            Fault = reply;
            SmtpClientMetrics.Faults.Add(1);
            SmtpClientLog.ConnectionFault(_logger, Endpoint, reply, ex);
        }

        Abort();
    }

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} s");
}
