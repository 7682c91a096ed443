using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit.Scanning;

/// <summary>
/// Creates the data-scan stage (an <see cref="IDataStage"/>) for a pipeline built in code; hosts use
/// <c>UseScanning()</c> from MtaKit.Hosting instead.
/// </summary>
/// <example>
/// <code>
/// var options = new ScanningOptionsBuilder().AddClamd("10.0.0.5:3310").AddSpamd("10.0.0.7:783").Build();
/// var scanners = ScannerSetFactory.Create(options);
/// var pipeline = new SmtpPipelineBuilder().Use(ScanningStage.Create(scanners, options)).Build();
/// </code>
/// </example>
public static class ScanningStage
{
    /// <summary>The log category of the stage.</summary>
    public const string LogCategory = "MtaKit.Scanning.ScanStage";

    /// <summary>Creates the stage.</summary>
    /// <param name="scanners">The scanners (from <see cref="ScannerSetFactory.Create"/>, which validated <paramref name="options"/>); the stage does not own them.</param>
    /// <param name="options">The stage's settings: <see cref="ScanningOptions.Spam"/> (tag action, subject rewriting) and <see cref="ScanningOptions.TooLargePolicy"/>.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    public static IDataStage Create(ScannerSet scanners, ScanningOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(scanners);
        ArgumentNullException.ThrowIfNull(options);
        return new ScanStage(scanners, options, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(LogCategory));
    }
}
