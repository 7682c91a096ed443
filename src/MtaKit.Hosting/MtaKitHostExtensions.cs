using Microsoft.Extensions.Hosting;

namespace MtaKit.Hosting;

/// <summary>Running an MtaKit host from a sample or service's <c>Main</c>.</summary>
public static class MtaKitHostExtensions
{
    /// <summary>
    /// Runs the host until it stops. A configuration problem found at start is printed to standard
    /// error (every problem, each naming its key) and gives exit code 2 instead of a stack trace.
    /// </summary>
    /// <returns>0 after a normal stop, 2 for invalid configuration.</returns>
    public static async Task<int> RunMtaKitAsync(this IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Invalid MtaKit configuration", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }
    }
}
