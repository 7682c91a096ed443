using System.Text;
using MtaKit.IO;

namespace MtaKit.Handlers.Maildir;

/// <summary>
/// A final-destination message handler: writes each message into one Maildir per recipient
/// (tmp, fsync, rename into new, fsync of the directory) before answering 250. Unknown recipients
/// get 550 5.1.1. Folder names are derived from the address so that no address can reach outside
/// <see cref="MaildirOptions.Root"/>. Quarantined messages go to the <c>.quarantine</c> Maildir.
/// </summary>
public sealed class MaildirMessageHandler : IMessageHandler
{
    private static long _sequence;
    private readonly MaildirOptions _options;
    private readonly string _root;
    private readonly HashSet<string> _recipients;

    /// <summary>Creates the handler (the root is created when missing).</summary>
    public MaildirMessageHandler(MaildirOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _root = Path.GetFullPath(options.Root);
        Directory.CreateDirectory(_root);
        _recipients = new HashSet<string>(options.Recipients.Select(r => Mailbox.TryParse(r, out var m, out _) ? Key(m) : r.ToLowerInvariant()), StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public ValueTask<IMessageTransaction> BeginTransactionAsync(MailContext context) => new(new Transaction(this));

    /// <summary>The Maildir folder for a recipient: always a direct child of the root.</summary>
    public string GetMaildirPath(Mailbox recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        var path = Path.GetFullPath(Path.Combine(_root, FolderName(recipient)));
        if (Path.GetDirectoryName(path) != _root.TrimEnd(Path.DirectorySeparatorChar))
        {
            throw new InvalidOperationException("Maildir folder escaped the root."); // unreachable by construction; a second line of defence
        }

        return path;
    }

    /// <summary>
    /// A file-system-safe folder name for an address: lower case; letters, digits and <c>.-_+=@</c> kept;
    /// every other byte of its UTF-8 form (and a leading dot) written as <c>%XX</c>.
    /// </summary>
    public static string FolderName(Mailbox recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        var text = Key(recipient);
        var sb = new StringBuilder(text.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            var safe = b < 128 && (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '+' or '=' or '@' || (c == '.' && sb.Length > 0));
            if (safe)
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static string Key(Mailbox m) => m.LocalPart.ToLowerInvariant() + "@" + m.AsciiDomain;

    private bool Accepts(Mailbox recipient)
    {
        if (!_options.Domains.Any(d => d.Matches(recipient.AsciiDomain)))
        {
            return false;
        }

        return _recipients.Count == 0 || _recipients.Contains(Key(recipient));
    }

    private async Task WriteAsync(string maildir, IMessageContent message, CancellationToken cancellationToken)
    {
        var tmp = Path.Combine(maildir, "tmp");
        var @new = Path.Combine(maildir, "new");
        if (!Directory.Exists(@new))
        {
            Directory.CreateDirectory(tmp);
            Directory.CreateDirectory(@new);
            Directory.CreateDirectory(Path.Combine(maildir, "cur"));
            DurableFile.FlushDirectory(maildir);
            DurableFile.FlushDirectory(_root);
        }

        var now = DateTimeOffset.UtcNow;
        var name = string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{now.ToUnixTimeSeconds()}.M{now.Ticks % 10_000_000 / 10}P{Environment.ProcessId}Q{Interlocked.Increment(ref _sequence)}.{_options.HostName},S={message.Length}");
        await DurableFile.WriteAsync(
            tmp,
            Path.Combine(@new, name),
            async (stream, ct) =>
            {
                using var source = message.OpenRead();
                await source.CopyToAsync(stream, ct).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private sealed class Transaction(MaildirMessageHandler owner) : IMessageTransaction
    {
        public ValueTask<SmtpVerdict> AddRecipientAsync(RcptContext context)
            => new(owner.Accepts(context.Recipient) ? SmtpVerdict.Accept() : SmtpVerdict.Reject(550, "5.1.1", "User unknown", "no such mailbox"));

        public async ValueTask<SmtpVerdict> DeliverAsync(DataContext context)
        {
            var targets = context.Transaction.QuarantineReason is not null
                ? [Path.Combine(owner._root, ".quarantine")]
                : context.Transaction.Recipients.Select(r => owner.GetMaildirPath(r.Address)).Distinct().ToList();
            try
            {
                foreach (var maildir in targets)
                {
                    await owner.WriteAsync(maildir, context.Message, context.Aborted).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return SmtpVerdict.Defer(451, "4.3.0", "Mailbox temporarily unavailable", "maildir write failed: " + e.Message);
            }

            return SmtpVerdict.Accept(new SmtpReply(250, "2.0.0", $"Ok: delivered as {context.Transaction.Id}"));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
