namespace MtaKit;

/// <summary>A DKIM signing key of one domain (<c>MtaKit:Dkim:Keys:&lt;i&gt;</c>): RSA (rsa-sha256) or Ed25519 (ed25519-sha256), read from a PEM file.</summary>
public sealed record DkimSigningKey
{
    /// <summary>The signing domain (<c>d=</c>); it signs mail whose From domain is this domain or one of its subdomains.</summary>
    public required string Domain { get; init; }

    /// <summary>The selector (<c>s=</c>): the public key is published at <c>&lt;selector&gt;._domainkey.&lt;domain&gt;</c>.</summary>
    public required string Selector { get; init; }

    /// <summary>The PEM private key: PKCS#8 (<c>BEGIN PRIVATE KEY</c>, RSA or Ed25519) or PKCS#1 (<c>BEGIN RSA PRIVATE KEY</c>).</summary>
    public required string PrivateKeyPath { get; init; }
}
