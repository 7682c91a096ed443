namespace MtaKit;

/// <summary>Options of DKIM signing (<see cref="DkimSigningStage"/>); bound from <c>MtaKit:Dkim:Keys</c> and <c>MtaKit:Dkim:SignedHeaders</c>.</summary>
public sealed record DkimSigningOptions
{
    /// <summary>The header fields signed when present, by default (RFC 6376 5.4.1's recommendations; From is always signed).</summary>
    public static IReadOnlyList<string> DefaultSignedHeaders { get; } =
    [
        "From", "Reply-To", "Subject", "Date", "To", "Cc", "Message-ID", "In-Reply-To", "References",
        "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "List-Unsubscribe", "List-Unsubscribe-Post",
    ];

    /// <summary>The keys; a domain may have several (for example one RSA and one Ed25519), and the message is signed with each.</summary>
    /// <value>The default is none.</value>
    public IReadOnlyList<DkimSigningKey> Keys { get; init; } = [];

    /// <summary>The header fields to sign (<c>h=</c>), when present in the message.</summary>
    /// <value>The default is <see cref="DefaultSignedHeaders"/>.</value>
    public IReadOnlyList<string> SignedHeaders { get; init; } = DefaultSignedHeaders;

    /// <summary>Returns the problems with these options, one line each (empty when valid).</summary>
    /// <param name="prefix">The configuration path named in the messages.</param>
    public IReadOnlyList<string> Validate(string prefix = "MtaKit:Dkim:")
    {
        var errors = new List<string>();
        for (var i = 0; i < Keys.Count; i++)
        {
            var key = Keys[i];
            if (string.IsNullOrWhiteSpace(key.Domain) || key.Domain.Contains('@', StringComparison.Ordinal) || key.Domain.Contains(' ', StringComparison.Ordinal))
            {
                errors.Add($"{prefix}Keys:{i}:Domain must be a domain name (was '{key.Domain}').");
            }

            if (string.IsNullOrWhiteSpace(key.Selector) || key.Selector.AsSpan().ContainsAny(" ;="))
            {
                errors.Add($"{prefix}Keys:{i}:Selector must be a selector name (was '{key.Selector}').");
            }

            if (string.IsNullOrWhiteSpace(key.PrivateKeyPath) || !File.Exists(key.PrivateKeyPath))
            {
                errors.Add($"{prefix}Keys:{i}:PrivateKeyPath must name a PEM key file (was '{key.PrivateKeyPath}').");
            }
        }

        if (!SignedHeaders.Any(h => h.Equals("From", StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"{prefix}SignedHeaders must include From (RFC 6376 5.4).");
        }

        if (SignedHeaders.Any(h => h.Equals("DKIM-Signature", StringComparison.OrdinalIgnoreCase) || h.Equals("Received", StringComparison.OrdinalIgnoreCase) || h.Equals("Return-Path", StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"{prefix}SignedHeaders must not include DKIM-Signature, Received or Return-Path (added or changed in transit).");
        }

        return errors;
    }
}
