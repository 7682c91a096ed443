using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MtaKit.Hosting.Tests.Relay;

/// <summary>How the fake downstream misbehaves.</summary>
public enum FakeBehaviour
{
    /// <summary>Accepts the connection and never says anything.</summary>
    Hang,

    /// <summary>451 to MAIL.</summary>
    DeferMail,

    /// <summary>450 to every RCPT.</summary>
    DeferRcpt,

    /// <summary>Answers DATA with 354, then closes the connection.</summary>
    DieAfter354,

    /// <summary>Answers DATA with 354, reads the message and never gives the final reply.</summary>
    HangAfterData,

    /// <summary>
    /// Takes one message per connection, then closes the connection without a reply when the next MAIL
    /// arrives (a server whose idle timeout fired just as a pooled connection was reused).
    /// </summary>
    CloseAtSecondMail,
}

/// <summary>A small scripted SMTP server on loopback for the failures a real server does not produce on demand.</summary>
internal sealed class FakeDownstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _loop;
    private int _sessions;
    private int _messages;

    public FakeDownstream(FakeBehaviour behaviour)
    {
        _listener.Start();
        _loop = AcceptLoopAsync(behaviour);
    }

    public string Hop => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Sessions => Volatile.Read(ref _sessions);

    /// <summary>Messages taken (<see cref="FakeBehaviour.CloseAtSecondMail"/> only).</summary>
    public int Messages => Volatile.Read(ref _messages);

    private async Task AcceptLoopAsync(FakeBehaviour behaviour)
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _sessions);
                lock (_clients)
                {
                    _clients.Add(client);
                }

                _ = ServeAsync(client, behaviour);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client, FakeBehaviour behaviour)
    {
        if (behaviour == FakeBehaviour.Hang)
        {
            return;
        }

        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            async Task Say(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), _stop.Token);
            await Say("220 fake.test ESMTP");
            var delivered = 0;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', ':')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO" or "LHLO":
                        await Say("250 fake.test");
                        break;
                    case "MAIL" when behaviour == FakeBehaviour.CloseAtSecondMail && delivered > 0:
                        client.Close();
                        return;
                    case "MAIL":
                        await Say(behaviour == FakeBehaviour.DeferMail ? "451 4.3.0 Try again later" : "250 2.1.0 Ok");
                        break;
                    case "DATA" when behaviour == FakeBehaviour.CloseAtSecondMail:
                        await Say("354 go ahead");
                        while (await reader.ReadLineAsync(_stop.Token) is { } body && body != ".")
                        {
                        }

                        delivered++;
                        Interlocked.Increment(ref _messages);
                        await Say("250 2.0.0 Ok: queued");
                        break;
                    case "RCPT":
                        await Say(behaviour == FakeBehaviour.DeferRcpt ? "450 4.2.0 Mailbox busy" : "250 2.1.5 Ok");
                        break;
                    case "DATA":
                        await Say("354 go ahead");
                        if (behaviour == FakeBehaviour.HangAfterData)
                        {
                            while (await reader.ReadLineAsync(_stop.Token) is { } _)
                            {
                            }
                        }

                        client.Close();
                        return;
                    case "QUIT":
                        await Say("221 2.0.0 Bye");
                        client.Close();
                        return;
                    default:
                        await Say("250 2.0.0 Ok");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        lock (_clients)
        {
            foreach (var c in _clients)
            {
                c.Dispose();
            }
        }

        _stop.Dispose();
    }
}
