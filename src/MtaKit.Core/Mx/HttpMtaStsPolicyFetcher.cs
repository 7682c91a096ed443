using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// Fetches MTA-STS policies over HTTPS with a validated certificate (RFC 8461 section 3.3): status 200 only,
/// redirects not followed, media type <c>text/plain</c>, at most 64 KiB, bounded in time.
/// </summary>
public sealed class HttpMtaStsPolicyFetcher : IMtaStsPolicyFetcher, IDisposable
{
    /// <summary>The largest policy body accepted.</summary>
    public const int MaxBodyLength = 64 * 1024;

    private readonly HttpClient _client;
    private readonly ILogger _logger;

    /// <summary>Creates a fetcher.</summary>
    /// <param name="handler">The HTTP handler, or <see langword="null"/> for one that validates certificates against the system store and never follows redirects.</param>
    /// <param name="timeout">The budget of one fetch; <see langword="null"/> for 30 seconds.</param>
    /// <param name="logger">Where fetch failures are logged.</param>
    public HttpMtaStsPolicyFetcher(HttpMessageHandler? handler = null, TimeSpan? timeout = null, ILogger? logger = null)
    {
        _client = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(15) }, disposeHandler: true)
        {
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
            MaxResponseContentBufferSize = MaxBodyLength,
        };
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The port of the policy host (443; tests use another).</summary>
    /// <value>The default value is 443.</value>
    public int Port { get; init; } = 443;

    /// <inheritdoc/>
    public async ValueTask<string?> FetchAsync(string domain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var uri = new UriBuilder(Uri.UriSchemeHttps, "mta-sts." + DnsName.Normalize(domain), Port, "/.well-known/mta-sts.txt").Uri;
        try
        {
            using var response = await _client.GetAsync(uri, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                MtaStsLog.FetchFailed(_logger, domain, uri, $"HTTP {(int)response.StatusCode}");
                return null;
            }

            if (!string.Equals(response.Content.Headers.ContentType?.MediaType, "text/plain", StringComparison.OrdinalIgnoreCase))
            {
                MtaStsLog.FetchFailed(_logger, domain, uri, $"media type {response.Content.Headers.ContentType?.MediaType ?? "(none)"} is not text/plain");
                return null;
            }

            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            MtaStsLog.FetchFailed(_logger, domain, uri, e.Message);
            return null;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();
}
