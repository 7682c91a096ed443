namespace MtaKit;

/// <summary>Fetches the body of a domain's MTA-STS policy (RFC 8461 section 3.3). The default is <see cref="HttpMtaStsPolicyFetcher"/>.</summary>
public interface IMtaStsPolicyFetcher
{
    /// <summary>Fetches <c>https://mta-sts.&lt;domain&gt;/.well-known/mta-sts.txt</c>.</summary>
    /// <param name="domain">The recipient domain (A-label form).</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>The body, or <see langword="null"/> with the reason logged by the implementation when there is no valid response (network faults are not exceptions).</returns>
    ValueTask<string?> FetchAsync(string domain, CancellationToken cancellationToken = default);
}
