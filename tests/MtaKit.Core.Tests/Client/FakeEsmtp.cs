using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MtaKit.Core.Tests.Client;

/// <summary>A message as a fake server received it.</summary>
internal sealed record ReceivedMessage(string Mail, IReadOnlyList<string> Rcpts, byte[] Wire, byte[] Content, bool Bdat);

/// <summary>A configurable ESMTP/LMTP server behaviour for <see cref="FakeSmtpServer"/>.</summary>
internal sealed class FakeEsmtp
{
    public string Greeting { get; init; } = "220 fake.example.test ESMTP";

    public IReadOnlyList<string> Extensions { get; init; } = ["PIPELINING", "SIZE 10000000", "8BITMIME", "ENHANCEDSTATUSCODES", "DSN", "SMTPUTF8"];

    public bool Lmtp { get; init; }

    /// <summary>Reply to EHLO/LHLO instead of the extension list (e.g. "502 5.5.1 no").</summary>
    public string? EhloReply { get; init; }

    public Func<string, string> RcptReply { get; init; } = _ => "250 2.1.5 Ok";

    /// <summary>Reply after the end of data; for LMTP called once per accepted recipient.</summary>
    public Func<string, string> DataReply { get; init; } = _ => "250 2.0.0 Ok: queued as 4AbCdE";

    public ConcurrentQueue<ReceivedMessage> Messages { get; } = new();

    /// <summary>Offers STARTTLS with this certificate.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Extensions announced after STARTTLS (default: <see cref="Extensions"/>).</summary>
    public IReadOnlyList<string>? TlsExtensions { get; init; }

    /// <summary>After "220 go ahead" closes the socket instead of the TLS handshake.</summary>
    public bool BreakTlsHandshake { get; init; }

    /// <summary>Plaintext sent in the same write as the STARTTLS reply (a STARTTLS command injection).</summary>
    public string? InjectAfterStartTls { get; init; }

    /// <summary>The credentials AUTH PLAIN/LOGIN accept.</summary>
    public (string User, string Password)? Credentials { get; init; }

    /// <summary>The TLS SNI names the server saw.</summary>
    public ConcurrentQueue<string> ServerNames { get; } = new();

    public ConcurrentQueue<string> AuthenticatedUsers { get; } = new();

    public async Task RunAsync(FakeSmtpSession s)
    {
        await s.ReplyAsync(Greeting);
        string? mail = null;
        var rcpts = new List<string>();
        var bdat = new MemoryStream();
        var bdatWire = new MemoryStream();
        var tls = false;
        while (await s.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO" or "LHLO":
                    if (EhloReply is not null)
                    {
                        await s.ReplyAsync(EhloReply);
                        break;
                    }

                    var sb = new StringBuilder();
                    var offered = tls ? TlsExtensions ?? Extensions : Extensions;
                    var lines = new[] { "fake.example.test" }.Concat(offered).Concat(Certificate is not null && !tls ? ["STARTTLS"] : []).ToArray();
                    for (var i = 0; i < lines.Length; i++)
                    {
                        sb.Append(i == lines.Length - 1 ? "250 " : "250-").Append(lines[i]).Append("\r\n");
                    }

                    await s.WriteAsync(sb.ToString());
                    break;
                case "STARTTLS":
                    await s.WriteAsync("220 2.0.0 Ready to start TLS\r\n" + InjectAfterStartTls);
                    if (BreakTlsHandshake)
                    {
                        s.Abort();
                        return;
                    }

                    var ssl = new SslStream(s.Stream);
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificateSelectionCallback = (_, name) =>
                        {
                            ServerNames.Enqueue(name ?? string.Empty);
                            return Certificate!;
                        },
                    });
                    s.Stream = ssl;
                    tls = true;
                    break;
                case "AUTH":
                    await AuthAsync(s, line);
                    break;
                case "HELO":
                    await s.ReplyAsync("250 fake.example.test");
                    break;
                case "MAIL":
                    mail = line;
                    rcpts.Clear();
                    await s.ReplyAsync("250 2.1.0 Ok");
                    break;
                case "RCPT":
                    var reply = RcptReply(line);
                    if (reply.StartsWith('2'))
                    {
                        rcpts.Add(line);
                    }

                    await s.ReplyAsync(reply);
                    break;
                case "DATA":
                    if (mail is null || rcpts.Count == 0)
                    {
                        await s.ReplyAsync("554 5.5.1 Error: no valid recipients");
                        break;
                    }

                    await s.ReplyAsync("354 End data with <CR><LF>.<CR><LF>");
                    var wire = await s.ReadDataAsync();
                    Messages.Enqueue(new ReceivedMessage(mail, [.. rcpts], wire, Unstuff(wire), false));
                    await FinishAsync(s, rcpts);
                    mail = null;
                    break;
                case "BDAT":
                    var parts = line.Split(' ');
                    var size = int.Parse(parts[1], CultureInfo.InvariantCulture);
                    var chunk = await s.ReadBytesAsync(size);
                    bdat.Write(chunk);
                    bdatWire.Write(Encoding.ASCII.GetBytes(line + "\r\n"));
                    bdatWire.Write(chunk);
                    if (parts.Length > 2 && parts[2].Equals("LAST", StringComparison.OrdinalIgnoreCase))
                    {
                        Messages.Enqueue(new ReceivedMessage(mail ?? "", [.. rcpts], bdatWire.ToArray(), bdat.ToArray(), true));
                        bdat.SetLength(0);
                        bdatWire.SetLength(0);
                        await FinishAsync(s, rcpts);
                        mail = null;
                    }
                    else
                    {
                        await s.ReplyAsync(string.Create(CultureInfo.InvariantCulture, $"250 2.0.0 {size} octets received"));
                    }

                    break;
                case "RSET":
                    mail = null;
                    rcpts.Clear();
                    await s.ReplyAsync("250 2.0.0 Ok");
                    break;
                case "NOOP":
                    await s.ReplyAsync("250 2.0.0 Ok");
                    break;
                case "QUIT":
                    await s.ReplyAsync("221 2.0.0 Bye");
                    return;
                default:
                    await s.ReplyAsync("502 5.5.2 Error: command not recognized");
                    break;
            }
        }
    }

    private async Task AuthAsync(FakeSmtpSession s, string line)
    {
        static string Decode(string? b64) => Encoding.UTF8.GetString(Convert.FromBase64String(b64 ?? string.Empty));
        var parts = line.Split(' ');
        string user, password;
        if (parts[1].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
        {
            var fields = Decode(parts[2]).Split('\0');
            (user, password) = (fields[1], fields[2]);
        }
        else
        {
            await s.ReplyAsync("334 VXNlcm5hbWU6");
            user = Decode(await s.ReadLineAsync());
            await s.ReplyAsync("334 UGFzc3dvcmQ6");
            password = Decode(await s.ReadLineAsync());
        }

        if (Credentials is { } c && c.User == user && c.Password == password)
        {
            AuthenticatedUsers.Enqueue(parts[1].ToUpperInvariant() + " " + user);
            await s.ReplyAsync("235 2.7.0 Authentication successful");
        }
        else
        {
            await s.ReplyAsync("535 5.7.8 Error: authentication failed");
        }
    }

    private async Task FinishAsync(FakeSmtpSession s, List<string> rcpts)
    {
        if (Lmtp)
        {
            foreach (var rcpt in rcpts)
            {
                await s.ReplyAsync(DataReply(rcpt));
            }
        }
        else
        {
            await s.ReplyAsync(DataReply(string.Empty));
        }

        rcpts.Clear();
    }

    /// <summary>Undoes dot-stuffing and removes the terminator, as a server does.</summary>
    public static byte[] Unstuff(byte[] wire)
    {
        var text = wire.AsSpan(0, wire.Length - 3); // drop ".\r\n"
        var result = new MemoryStream();
        var lineStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            if (lineStart && text[i] == '.')
            {
                lineStart = false;
                continue;
            }

            result.WriteByte(text[i]);
            lineStart = text[i] == '\n';
        }

        return result.ToArray();
    }
}

/// <summary>An in-memory message.</summary>
internal sealed class BytesContent(byte[] bytes) : IMessageContent
{
    public BytesContent(string text)
        : this(Encoding.UTF8.GetBytes(text))
    {
    }

    public byte[] Bytes => bytes;

    public long Length => bytes.Length;

    public Stream OpenRead() => new MemoryStream(bytes, writable: false);
}
