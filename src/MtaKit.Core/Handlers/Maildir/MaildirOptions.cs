using MtaKit.Routing;

namespace MtaKit.Handlers.Maildir;

/// <summary>Options of <see cref="MaildirMessageHandler"/>.</summary>
public sealed record MaildirOptions
{
    /// <summary>The Maildir root: each recipient gets <c>&lt;Root&gt;/&lt;address&gt;/{tmp,new,cur}</c>.</summary>
    public required string Root { get; init; }

    /// <summary>The domains delivered here.</summary>
    public IReadOnlyList<DomainPattern> Domains { get; init; } = [];

    /// <summary>The recipients delivered here; empty means every local part of <see cref="Domains"/>. Compared case-insensitively.</summary>
    public IReadOnlyCollection<string> Recipients { get; init; } = [];

    /// <summary>The host name in Maildir file names. <value>The default value is the machine's host name.</value></summary>
    public string HostName { get; init; } = System.Net.Dns.GetHostName();
}
