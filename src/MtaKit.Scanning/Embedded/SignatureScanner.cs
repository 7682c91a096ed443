using System.Security.Cryptography;

namespace MtaKit.Scanning;

/// <summary>
/// An in-process signature scanner: looks for the byte patterns of a <see cref="SignatureSet"/>
/// in the raw message, in every decoded MIME part (so a base64 attachment is found) and in the
/// files of attached zip archives, and compares their SHA-256 hashes. A last line of defence or a
/// test aid next to clamd, not a replacement for it. Thread-safe.
/// </summary>
public sealed class SignatureScanner : IScanner
{
    private readonly SignatureSet _signatures;
    private readonly long _maxMessageSize;
    private readonly TimeProvider _timeProvider;
    private readonly Func<MessageParts, TimeSpan, ScanResult?> _inspect;
    private readonly Func<TimeSpan, ScanResult> _clean;

    /// <summary>Creates a scanner.</summary>
    /// <param name="signatures">The signatures; <see cref="SignatureSet.BuiltIn"/> (EICAR) when null.</param>
    /// <param name="maxMessageSize">Larger messages are skipped.</param>
    /// <param name="timeProvider">The clock for elapsed times.</param>
    public SignatureScanner(SignatureSet? signatures = null, long maxMessageSize = 25 * 1024 * 1024, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 1);
        _signatures = signatures ?? SignatureSet.BuiltIn;
        _maxMessageSize = maxMessageSize;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _inspect = Inspect;
        _clean = e => ScanResult.Clean(Name, e);
    }

    /// <inheritdoc />
    public string Name => "embedded:signatures";

    /// <inheritdoc />
    public ValueTask<ScanResult> ScanAsync(ScanRequest request, CancellationToken cancellationToken)
        => EmbeddedScan.RunAsync(Name, request, _maxMessageSize, _timeProvider, _inspect, _clean, cancellationToken);

    private ScanResult? Inspect(MessageParts parts, TimeSpan elapsed)
    {
        if (Match(parts.Raw.Span) is { } raw)
        {
            return ScanResult.Infected(Name, elapsed, raw);
        }

        foreach (var part in parts.Parts)
        {
            // a part that is a view of the raw body (no MIME parse) was searched with it
            if ((parts.MimeParsed || part.ArchiveDepth > 0) && Match(part.Content.Span) is { } name)
            {
                return ScanResult.Infected(Name, elapsed, name);
            }

            if (_signatures.HashCount > 0 && part.Content.Length > 0
                && _signatures.Hashes.TryGetValue(Convert.ToHexStringLower(SHA256.HashData(part.Content.Span)), out var hashed))
            {
                return ScanResult.Infected(Name, elapsed, hashed);
            }
        }

        return null;
    }

    private string? Match(ReadOnlySpan<byte> data)
    {
        foreach (var (name, pattern) in _signatures.Patterns)
        {
            if (data.IndexOf(pattern) >= 0)
            {
                return name;
            }
        }

        return null;
    }
}
