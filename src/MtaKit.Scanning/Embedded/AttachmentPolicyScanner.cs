namespace MtaKit.Scanning;

/// <summary>
/// Blocks attachments by file extension and MIME type, also for the files inside attached zip
/// archives, and blocks archives with encrypted entries (which no scanner can look into). Settings
/// come from <see cref="EmbeddedOptions"/>. Thread-safe.
/// </summary>
public sealed class AttachmentPolicyScanner : IScanner
{
    private readonly HashSet<string> _extensions;
    private readonly HashSet<string> _contentTypes;
    private readonly EmbeddedOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Func<MessageParts, TimeSpan, ScanResult?> _inspect;
    private readonly Func<TimeSpan, ScanResult> _clean;

    /// <summary>Creates a scanner.</summary>
    /// <param name="options">The blocked extensions and types and the archive rules; the defaults when null.</param>
    /// <param name="timeProvider">The clock for elapsed times.</param>
    public AttachmentPolicyScanner(EmbeddedOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new EmbeddedOptions();
        _extensions = new((_options.BlockedExtensions ?? EmbeddedOptions.DefaultBlockedExtensions).Select(e => e.Trim().TrimStart('.')), StringComparer.OrdinalIgnoreCase);
        _contentTypes = new((_options.BlockedContentTypes ?? EmbeddedOptions.DefaultBlockedContentTypes).Select(t => t.Trim()), StringComparer.OrdinalIgnoreCase);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _inspect = Inspect;
        _clean = e => ScanResult.Clean(Name, e);
    }

    /// <inheritdoc />
    public string Name => "embedded:attachments";

    /// <inheritdoc />
    public ValueTask<ScanResult> ScanAsync(ScanRequest request, CancellationToken cancellationToken)
        => EmbeddedScan.RunAsync(Name, request, _options.MaxMessageSize, _timeProvider, _inspect, _clean, cancellationToken);

    private ScanResult? Inspect(MessageParts parts, TimeSpan elapsed)
    {
        foreach (var part in parts.Parts)
        {
            if (part.ArchiveDepth > 0 && !_options.ScanArchives)
            {
                continue;
            }

            if (part.IsEncrypted && _options.BlockEncryptedArchives)
            {
                return ScanResult.Blocked(Name, elapsed, $"encrypted archive entry {part.Description} cannot be scanned");
            }

            var extension = Path.GetExtension(part.FileName)?.TrimStart('.');
            if (!string.IsNullOrEmpty(extension) && _extensions.Contains(extension))
            {
                return ScanResult.Blocked(Name, elapsed, $"{part.Description}: file type .{extension.ToLowerInvariant()} is not accepted");
            }

            if (part.ArchiveDepth == 0 && _contentTypes.Contains(part.ContentType))
            {
                return ScanResult.Blocked(Name, elapsed, $"{part.Description}: content type {part.ContentType} is not accepted");
            }
        }

        return null;
    }
}
