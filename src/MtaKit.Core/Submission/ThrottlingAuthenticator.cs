using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// Throttles AUTH failures per client network and per user name through an <see cref="IHintsStore"/> (shared by a
/// cluster with a shared store): a wrong password gets 535 5.7.8 (from the engine) and is counted; once a network
/// or a user name reaches its limit in the window, every AUTH attempt from that network or as that user gets
/// 454 4.7.0 without the password being checked, until the window has passed. Wraps the authenticator that checks passwords.
/// </summary>
public sealed class ThrottlingAuthenticator : ISmtpAuthenticator
{
    private static readonly SmtpReply Throttled = new(454, "4.7.0", "Too many failed authentication attempts, try again later");
    private static readonly byte[] Marker = [1];

    private readonly ISmtpAuthenticator _inner;
    private readonly IHintsStore _store;
    private readonly AuthThrottleOptions _options;
    private readonly ILogger _logger;
    private readonly PolicyMetrics _metrics;

    /// <summary>Creates the throttle around <paramref name="inner"/>.</summary>
    /// <param name="inner">The authenticator that checks the passwords.</param>
    /// <param name="store">Where the failures are counted.</param>
    /// <param name="options">The limits (validated here).</param>
    /// <param name="logger">The logger.</param>
    /// <param name="meterFactory">Creates the "MtaKit" meter (<c>mtakit.policy.verdicts</c>, stage <c>auth</c>); a shared one by default.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ThrottlingAuthenticator(ISmtpAuthenticator inner, IHintsStore store, AuthThrottleOptions? options = null, ILogger<ThrottlingAuthenticator>? logger = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(store);
        options ??= new AuthThrottleOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _inner = inner;
        _store = store;
        _options = options;
        _logger = logger ?? NullLogger<ThrottlingAuthenticator>.Instance;
        _metrics = new PolicyMetrics(meterFactory);
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpReply?> CheckAttemptAsync(SmtpSession session, string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(userName);
        var network = Network(session);
        if (_options.MaxFailuresPerIp > 0 && await _store.GetAsync(BlockKey("ip", network), cancellationToken).ConfigureAwait(false) is not null)
        {
            SubmissionLog.AuthThrottled(_logger, userName, session.RemoteEndPoint.Address.ToString(), "client " + network);
            _metrics.Count("auth", "throttled");
            return Throttled;
        }

        if (_options.MaxFailuresPerUser > 0 && await _store.GetAsync(BlockKey("user", UserKey(userName)), cancellationToken).ConfigureAwait(false) is not null)
        {
            SubmissionLog.AuthThrottled(_logger, userName, session.RemoteEndPoint.Address.ToString(), "user");
            _metrics.Count("auth", "throttled");
            return Throttled;
        }

        return await _inner.CheckAttemptAsync(session, userName, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> AuthenticateAsync(SmtpSession session, string userName, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(userName);
        if (await _inner.AuthenticateAsync(session, userName, password, cancellationToken).ConfigureAwait(false))
        {
            _metrics.Count("auth", "pass");
            return true;
        }

        _metrics.Count("auth", "reject");

        var network = Network(session);
        var ipFailures = await CountAsync("ip", network, _options.MaxFailuresPerIp, cancellationToken).ConfigureAwait(false);
        var userFailures = await CountAsync("user", UserKey(userName), _options.MaxFailuresPerUser, cancellationToken).ConfigureAwait(false);
        SubmissionLog.AuthFailed(_logger, userName, session.RemoteEndPoint.Address.ToString(), ipFailures, userFailures);
        return false;
    }

    private async ValueTask<long> CountAsync(string kind, string subject, int limit, CancellationToken cancellationToken)
    {
        if (limit == 0)
        {
            return 0;
        }

        var count = await _store.IncrementAsync("authfail:" + kind + ":" + subject, _options.Window, 1, cancellationToken).ConfigureAwait(false);
        if (count >= limit)
        {
            await _store.SetAsync(BlockKey(kind, subject), Marker, _options.Window, cancellationToken).ConfigureAwait(false);
        }

        return count;
    }

    private string Network(SmtpSession session) => ClientNetwork.Key(session.RemoteEndPoint.Address, _options.Ipv4Prefix, _options.Ipv6Prefix);

    private static string BlockKey(string kind, string subject) => "authblock:" + kind + ":" + subject;

    private static string UserKey(string userName) => userName.ToLowerInvariant();
}
