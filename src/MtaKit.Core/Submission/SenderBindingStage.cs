using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;

namespace MtaKit;

/// <summary>
/// Binds an authenticated user to the senders granted to it (<see cref="SenderBindingOptions"/>): MAIL FROM outside
/// the grant, the null sender, and (at DATA) a From header naming an address outside the grant get 553 5.7.1; a
/// message without a From header gets 550 5.6.0; recipients beyond the cap get 550 5.5.3. Unauthenticated sessions
/// pass untouched: a listener with <c>RequireAuth</c> refuses their MAIL with 530 5.7.0 before any stage runs.
/// </summary>
public sealed class SenderBindingStage : IMailStage, IRcptStage, IDataStage
{
    private const string StageName = "sender-binding";
    private readonly Dictionary<string, Grant> _grants;
    private readonly SenderBindingOptions _options;
    private readonly ILogger _logger;
    private readonly PolicyMetrics _metrics;

    /// <summary>Creates the stage.</summary>
    /// <param name="options">The grants (validated here).</param>
    /// <param name="logger">The logger.</param>
    /// <param name="meterFactory">Creates the "MtaKit" meter (<c>mtakit.policy.verdicts</c>, stage <c>sender-binding</c>); a shared one by default.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SenderBindingStage(SenderBindingOptions options, ILogger<SenderBindingStage>? logger = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _logger = logger ?? NullLogger<SenderBindingStage>.Instance;
        _metrics = new PolicyMetrics(meterFactory);
        _grants = new Dictionary<string, Grant>(StringComparer.OrdinalIgnoreCase);
        foreach (var (user, list) in options.Senders)
        {
            var grant = _grants.TryGetValue(user, out var g) ? g : _grants[user] = new Grant();
            foreach (var item in list)
            {
                (item.StartsWith('@') ? grant.Domains : grant.Addresses).Add(item.TrimStart('@'));
            }
        }
    }

    /// <summary>Returns whether <paramref name="userName"/> may send as <paramref name="address"/>.</summary>
    /// <param name="userName">The authenticated user.</param>
    /// <param name="address">The sender address.</param>
    public bool MaySendAs(string userName, string address)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(address);
        if (_options.AllowOwnAddress && userName.Contains('@', StringComparison.Ordinal) && userName.Equals(address, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!_grants.TryGetValue(userName, out var grant))
        {
            return false;
        }

        var at = address.LastIndexOf('@');
        return grant.Addresses.Contains(address) || (at > 0 && grant.Domains.Contains(address[(at + 1)..]));
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpVerdict> OnMailAsync(MailContext context, StageDelegate<MailContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.Session.AuthenticatedUser is not { } user)
        {
            return await next(context).ConfigureAwait(false);
        }

        var sender = context.ReversePath?.Address ?? string.Empty;
        if (sender.Length == 0 || !MaySendAs(user, sender))
        {
            SubmissionLog.SenderRefused(_logger, user, context.Session.RemoteEndPoint.Address.ToString(), sender, "MAIL FROM");
            _metrics.Count(StageName, "reject");
            return SmtpVerdict.Reject(553, "5.7.1", $"Sender address <{sender}> not allowed for authenticated user", "sender not granted to " + user);
        }

        return await next(context).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpVerdict> OnRcptAsync(RcptContext context, StageDelegate<RcptContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (_options.MaxRecipientsPerMessage > 0 && context.Session.AuthenticatedUser is not null
            && context.Transaction.Recipients.Count >= _options.MaxRecipientsPerMessage)
        {
            SubmissionLog.TooManyRecipients(_logger, context.Session.AuthenticatedUser, context.Session.RemoteEndPoint.Address.ToString(), _options.MaxRecipientsPerMessage);
            _metrics.Count(StageName, "reject");
            return SmtpVerdict.Reject(550, "5.5.3", $"Too many recipients: at most {_options.MaxRecipientsPerMessage} per message", "recipient cap");
        }

        return await next(context).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpVerdict> OnDataAsync(DataContext context, StageDelegate<DataContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!_options.CheckFromHeader || context.Session.AuthenticatedUser is not { } user)
        {
            return await next(context).ConfigureAwait(false);
        }

        var from = context.Headers[HeaderId.From];
        if (from is null || !InternetAddressList.TryParse(from, out var list) || list.Mailboxes.FirstOrDefault() is null)
        {
            _metrics.Count(StageName, "reject");
            return SmtpVerdict.Reject(550, "5.6.0", "Message has no valid From header", "no From header");
        }

        foreach (var mailbox in list.Mailboxes)
        {
            if (!MaySendAs(user, mailbox.Address))
            {
                SubmissionLog.SenderRefused(_logger, user, context.Session.RemoteEndPoint.Address.ToString(), mailbox.Address, "From header");
                _metrics.Count(StageName, "reject");
                return SmtpVerdict.Reject(553, "5.7.1", $"From address <{mailbox.Address}> not allowed for authenticated user", "From not granted to " + user);
            }
        }

        return await next(context).ConfigureAwait(false);
    }

    private sealed class Grant
    {
        public HashSet<string> Addresses { get; } = new(StringComparer.OrdinalIgnoreCase);

        public HashSet<string> Domains { get; } = new(StringComparer.OrdinalIgnoreCase);
    }
}
