using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// Greylisting at RCPT (see <see cref="GreylistingOptions"/>): defers a new (client network, sender, recipient)
/// triplet with <c>451 4.7.1 Greylisted, try again in N seconds</c> and lets its retry through after the delay.
/// The null sender, authenticated clients and relay networks bypass it; a client network with
/// <see cref="GreylistingOptions.AutoAllowAfter"/> passes is no longer greylisted. State lives in an
/// <see cref="IHintsStore"/> under <c>gl:t:</c> (waiting triplets, value = first attempt in Unix ms),
/// <c>gl:p:</c> (passed triplets) and <c>gl:c:</c> (passes per client network).
/// </summary>
public sealed class GreylistingStage : IRcptStage
{
    private static readonly byte[] Passed = "1"u8.ToArray();
    private readonly GreylistingOptions _options;
    private readonly IHintsStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StorePolicyMetrics _metrics;

    /// <summary>Creates the stage.</summary>
    /// <param name="options">The options (validated here).</param>
    /// <param name="store">Where the triplets live.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="meterFactory">The meter factory for the <c>MtaKit</c> meter.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public GreylistingStage(GreylistingOptions options, IHintsStore store, TimeProvider? timeProvider = null, ILogger<GreylistingStage>? logger = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _store = store;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<GreylistingStage>.Instance;
        _metrics = StorePolicyMetrics.Get(meterFactory);
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpVerdict> OnRcptAsync(RcptContext context, StageDelegate<RcptContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var sender = context.Transaction.ReversePath;
        var address = context.Session.RemoteEndPoint.Address;
        if (!_options.Enabled || sender is null || context.Session.AuthenticatedUser is not null || _options.RelayNetworks.Any(n => n.Contains(address)))
        {
            Count("bypassed");
            return await next(context).ConfigureAwait(false);
        }

        var ct = context.Aborted;
        var network = ClientNetwork.Key(address, _options.Ipv4Prefix, _options.Ipv6Prefix);
        var clientKey = "gl:c:" + network;
        var passes = ParseLong(await _store.GetStringAsync(clientKey, ct).ConfigureAwait(false));
        if (_options.AutoAllowAfter > 0 && passes >= _options.AutoAllowAfter)
        {
            await _store.SetStringAsync(clientKey, passes.ToString(CultureInfo.InvariantCulture), _options.PassLifetime, ct).ConfigureAwait(false);
            Count("allowed-client");
            return await next(context).ConfigureAwait(false);
        }

        var senderText = sender.Address.ToLowerInvariant();
        var recipientText = context.Recipient.Address.ToLowerInvariant();
        var triplet = network + "|" + senderText + "|" + recipientText;
        var passKey = "gl:p:" + triplet;
        if (await _store.GetAsync(passKey, ct).ConfigureAwait(false) is not null)
        {
            await _store.SetAsync(passKey, Passed, _options.PassLifetime, ct).ConfigureAwait(false);
            Count("known");
            return await next(context).ConfigureAwait(false);
        }

        var waitKey = "gl:t:" + triplet;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var nowText = now.ToString(CultureInfo.InvariantCulture);
        var first = await _store.GetStringAsync(waitKey, ct).ConfigureAwait(false);
        if (first is null)
        {
            // Set-if-absent: two relays seeing the first attempt at once agree on one first-seen time.
            first = await _store.CompareAndSetStringAsync(waitKey, null, nowText, _options.UnconfirmedLifetime, ct).ConfigureAwait(false)
                ? nowText
                : await _store.GetStringAsync(waitKey, ct).ConfigureAwait(false) ?? nowText;
        }

        var waited = TimeSpan.FromMilliseconds(now - ParseLong(first));
        if (waited < _options.Delay)
        {
            var seconds = (long)Math.Ceiling((_options.Delay - waited).TotalSeconds);
            GreylistingLog.Deferred(_logger, network, senderText, recipientText, seconds);
            Count("deferred");
            return SmtpVerdict.Defer(451, "4.7.1", string.Create(CultureInfo.InvariantCulture, $"Greylisted, try again in {seconds} seconds"), "greylisted " + triplet);
        }

        await _store.SetAsync(passKey, Passed, _options.PassLifetime, ct).ConfigureAwait(false);
        await _store.DeleteAsync(waitKey, ct).ConfigureAwait(false);
        GreylistingLog.Passed(_logger, network, senderText, recipientText, waited);
        Count("passed");
        if (_options.AutoAllowAfter > 0)
        {
            await CountPassAsync(clientKey, network, ct).ConfigureAwait(false);
        }

        return await next(context).ConfigureAwait(false);
    }

    private async ValueTask CountPassAsync(string clientKey, string network, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var old = await _store.GetStringAsync(clientKey, cancellationToken).ConfigureAwait(false);
            var passes = ParseLong(old) + 1;
            if (await _store.CompareAndSetStringAsync(clientKey, old, passes.ToString(CultureInfo.InvariantCulture), _options.PassLifetime, cancellationToken).ConfigureAwait(false))
            {
                if (passes == _options.AutoAllowAfter)
                {
                    GreylistingLog.ClientAllowed(_logger, network, passes);
                }

                return;
            }
        }
    }

    private void Count(string result) => _metrics.Greylisting.Add(1, new KeyValuePair<string, object?>("result", result));

    private static long ParseLong(string? text)
        => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
}
