using System.Net;

namespace MtaKit.Scanning;

/// <summary>
/// A message to scan and the SMTP envelope facts that spam scanners use (client address, HELO,
/// reverse path, recipients, queue id, authenticated user). Immutable.
/// </summary>
public sealed class ScanRequest
{
    /// <summary>Creates a request for <paramref name="message"/>.</summary>
    /// <param name="message">The message bytes; read once per scanner, concurrently.</param>
    public ScanRequest(IMessageContent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Message = message;
    }

    /// <summary>The message bytes.</summary>
    public IMessageContent Message { get; }

    /// <summary>The SMTP client's address, or null when unknown.</summary>
    public IPAddress? ClientAddress { get; init; }

    /// <summary>The SMTP client's host name (reverse DNS), or null when unknown.</summary>
    public string? ClientHostName { get; init; }

    /// <summary>The EHLO/HELO argument, or null.</summary>
    public string? Helo { get; init; }

    /// <summary>The reverse path (MAIL FROM address, without angle brackets; empty for the null sender), or null when unknown.</summary>
    public string? ReversePath { get; init; }

    /// <summary>The forward paths (RCPT TO addresses, without angle brackets).</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    /// <summary>The queue id MtaKit gave the transaction, for the scanners' logs.</summary>
    public string? QueueId { get; init; }

    /// <summary>The SMTP AUTH identity, or null for an unauthenticated session.</summary>
    public string? AuthenticatedUser { get; init; }
}
