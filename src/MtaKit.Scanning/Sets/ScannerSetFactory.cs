using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit.Scanning;

/// <summary>Builds a <see cref="ScannerSet"/> (one pool per configured scanner kind, plus the embedded scanners) from <see cref="ScanningOptions"/>.</summary>
public static class ScannerSetFactory
{
    /// <summary>Validates <paramref name="options"/> and builds the scanners (reading the signature file, if any, synchronously: call it at start-up).</summary>
    /// <param name="options">The bound options.</param>
    /// <param name="timeProvider">The clock for timeouts and rests; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Creates the pools' loggers.</param>
    /// <param name="random">The source of weighted choices (seed it in tests).</param>
    /// <exception cref="InvalidOperationException">The options are not valid; the message lists every problem by configuration key.</exception>
    /// <exception cref="FormatException">The embedded signature file has an invalid line.</exception>
    public static ScannerSet Create(ScanningOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid scanning options:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        var time = timeProvider ?? TimeProvider.System;
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("MtaKit.Scanning.ScannerPool");
        var scanners = new List<IScanner>();
        AddPool(scanners, "clamd", options.Clamd, options, time, random, logger, e => new ClamdClient(new ClamdClientOptions
        {
            EndPoint = ScannerAddress.Parse(e.Address, ClamdClientOptions.DefaultPort),
            ConnectTimeout = options.ConnectTimeout,
            ReadTimeout = options.Timeout,
            MaxStreamLength = options.Clamd.MaxMessageSize,
        }, time));
        AddPool(scanners, "spamd", options.Spamd, options, time, random, logger, e => new SpamdClient(new SpamdClientOptions
        {
            EndPoint = ScannerAddress.Parse(e.Address, SpamdClientOptions.DefaultPort),
            ConnectTimeout = options.ConnectTimeout,
            ReadTimeout = options.Timeout,
            MaxMessageSize = options.Spamd.MaxMessageSize ?? SpamdClientOptions.DefaultMaxMessageSize,
        }, time));
        AddPool(scanners, "rspamd", options.Rspamd, options, time, random, logger, e =>
        {
            ScanningOptions.TryRspamdUrl(e.Address, out var url, out _);
            var client = new RspamdClientOptions { Url = url!, ConnectTimeout = options.ConnectTimeout, ReadTimeout = options.Timeout };
            return new RspamdClient(options.Rspamd.MaxMessageSize is { } max ? client with { MaxMessageSize = max } : client, time);
        });

        var embedded = options.Embedded;
        if (embedded.Enabled)
        {
            var signatures = embedded.SignatureFile is { } file ? SignatureSet.Load(file) : SignatureSet.BuiltIn;
            scanners.Add(new SignatureScanner(signatures, embedded.MaxMessageSize, time));
            if (embedded.Gtube)
            {
                scanners.Add(new GtubeScanner(options.Spam.TagScore, embedded.MaxMessageSize, time));
            }

            if (embedded.AttachmentPolicy)
            {
                scanners.Add(new AttachmentPolicyScanner(embedded, time));
            }
        }

        return new ScannerSet(scanners, options.Spam, options.FailPolicy);
    }

    private static void AddPool(List<IScanner> scanners, string kind, ScannerEndpointGroup group, ScanningOptions options, TimeProvider time, Random? random, ILogger logger, Func<ScannerEndpointOptions, IScanner> create)
    {
        if (group.Endpoints.Count == 0)
        {
            return;
        }

        var members = group.Endpoints.Select(e => new ScannerPoolMember(create(e)) { Weight = e.Weight, Priority = e.Priority, MaxConcurrency = e.MaxConcurrency });
        scanners.Add(new ScannerPool(new ScannerPoolOptions { Name = kind, ScanTimeout = options.Timeout, TotalBudget = options.TotalTimeout }, members, time, random, logger));
    }
}
