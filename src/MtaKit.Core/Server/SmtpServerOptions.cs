namespace MtaKit.Server;

/// <summary>The server: its name, listeners and default limits. Immutable once the server starts.</summary>
public sealed record SmtpServerOptions
{
    /// <summary>This host's name in the greeting, EHLO reply and Received header. <value>The default value is the machine's host name.</value></summary>
    public string ServerName { get; init; } = System.Net.Dns.GetHostName();

    /// <summary>Text after the name in the 220 greeting. <value>The default value is <c>ESMTP MtaKit</c>.</value></summary>
    public string Banner { get; init; } = "ESMTP MtaKit";

    /// <summary>The listeners.</summary>
    public IReadOnlyList<SmtpListenerOptions> Listeners { get; init; } = [];

    /// <summary>Limits for listeners that set none of their own.</summary>
    public SmtpLimits Limits { get; init; } = SmtpLimits.Default;

    /// <summary>How long a graceful stop lets in-flight transactions run. <value>The default value is 30 seconds.</value></summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where large messages spill to disk while they are received. <value>The default value is the system temp directory.</value></summary>
    public string TempDirectory { get; init; } = Path.GetTempPath();

    /// <summary>Checks the options; returns one message per problem, naming the key.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ServerName) || ServerName.Any(char.IsWhiteSpace))
        {
            yield return "MtaKit:ServerName must be a host name without spaces.";
        }

        if (Listeners.Count == 0)
        {
            yield return "MtaKit:Listeners is empty: configure at least one, e.g. MtaKit:Listeners:smtp:Endpoint=127.0.0.1:2525.";
        }

        foreach (var group in Listeners.GroupBy(l => l.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return $"MtaKit:Listeners:{group.Key} is configured more than once.";
        }

        foreach (var e in Limits.Validate("MtaKit:Limits:"))
        {
            yield return e;
        }

        foreach (var listener in Listeners)
        {
            foreach (var e in listener.Validate())
            {
                yield return e;
            }
        }
    }
}
