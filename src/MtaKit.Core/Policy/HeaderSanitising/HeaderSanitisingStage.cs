using System.Diagnostics.Metrics;

namespace MtaKit;

/// <summary>
/// Removes forged trust headers from an incoming message before later data stages add ours (RFC 8601
/// section 5): <c>Authentication-Results</c> carrying our authserv-id, <c>Received-SPF</c>, <c>X-Spam-*</c>,
/// and any configured names. Compose it FIRST among data stages: stages run in the order they are added,
/// and a stage added before it would have its headers judged against forged ones.
/// </summary>
public sealed class HeaderSanitisingStage : IDataStage
{
    private const string StageName = "sanitise";
    private readonly HeaderSanitisingOptions _options;
    private readonly string[] _names;
    private readonly string[] _prefixes;
    private readonly PolicyMetrics _metrics;

    /// <summary>Creates the stage.</summary>
    /// <param name="options">The options.</param>
    /// <param name="meterFactory">Creates the "MtaKit" meter; a shared one by default.</param>
    public HeaderSanitisingStage(HeaderSanitisingOptions? options = null, IMeterFactory? meterFactory = null)
    {
        _options = options ?? new HeaderSanitisingOptions();
        var names = new List<string>(_options.RemoveHeaders.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()));
        if (_options.RemoveReceivedSpf)
        {
            names.Add("Received-SPF");
        }

        if (_options.RemoveSpamHeaders)
        {
            names.Add("X-Spam-*");
        }

        _names = [.. names.Where(n => !n.EndsWith('*'))];
        _prefixes = [.. names.Where(n => n.EndsWith('*')).Select(n => n[..^1])];
        _metrics = new PolicyMetrics(meterFactory);
    }

    /// <inheritdoc/>
    public ValueTask<SmtpVerdict> OnDataAsync(DataContext context, StageDelegate<DataContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var authServId = _options.AuthServId ?? context.Session.ServerName;
        var present = context.Headers.Select(h => h.Field).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var removed = false;
        foreach (var field in present)
        {
            if (field.Equals("Authentication-Results", StringComparison.OrdinalIgnoreCase))
            {
                if (context.Headers.Any(h => h.Field.Equals(field, StringComparison.OrdinalIgnoreCase) && IsOurs(h.Value, authServId)))
                {
                    context.RemoveHeaders(field, value => IsOurs(value, authServId));
                    removed = true;
                }
            }
            else if (_names.Contains(field, StringComparer.OrdinalIgnoreCase)
                || _prefixes.Any(p => field.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                context.RemoveHeaders(field);
                removed = true;
            }
        }

        if (removed)
        {
            _metrics.Count(StageName, "removed");
        }

        return next(context);
    }

    /// <summary>True when an <c>Authentication-Results</c> value starts with <paramref name="authServId"/> (CFWS and a version allowed).</summary>
    internal static bool IsOurs(string value, string authServId)
    {
        var text = StripComments(value).Trim();
        var end = text.IndexOfAny([';', ' ', '\t', '\r', '\n']);
        var id = end < 0 ? text : text[..end];
        return id.TrimEnd('.').Equals(authServId.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);
    }

    private static string StripComments(string value)
    {
        var sb = new System.Text.StringBuilder(value.Length);
        var depth = 0;
        foreach (var c in value)
        {
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
