using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace MtaKit.Scanning;

/// <summary>Parses rspamd's HTTP reply (status line, headers, JSON body) into a result.</summary>
internal static class RspamdReplyParser
{
    /// <summary>Parses a whole HTTP/1.1 response read until the server closed the connection.</summary>
    public static ScanResult ParseHttp(ReadOnlySpan<byte> response, IReadOnlySet<string> spamActions, string scanner, TimeSpan elapsed)
    {
        var headerEnd = response.IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0)
        {
            return ScanResult.Error(scanner, elapsed, response.IsEmpty ? "rspamd closed the connection without a reply" : "incomplete HTTP reply from rspamd");
        }

        var head = Encoding.ASCII.GetString(response[..headerEnd]).Split("\r\n");
        var body = response[(headerEnd + 4)..];
        var status = head[0].Split(' ', 3);
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(status[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return ScanResult.Error(scanner, elapsed, "not an HTTP reply: " + head[0], transient: false);
        }

        var chunked = false;
        foreach (var line in head.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line.AsSpan(0, colon).Trim();
            var value = line.AsSpan(colon + 1).Trim();
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                chunked = true;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length <= body.Length)
            {
                body = body[..length];
            }
        }

        byte[]? dechunked = null;
        if (chunked && !TryDechunk(body, out dechunked))
        {
            return ScanResult.Error(scanner, elapsed, "malformed chunked reply from rspamd");
        }

        var json = dechunked ?? body;
        if (code != 200)
        {
            var text = TryRead(json, out var error) && error!.Error is { } e ? e : Encoding.UTF8.GetString(json[..Math.Min(json.Length, 200)]);
            return ScanResult.Error(scanner, elapsed, $"rspamd: HTTP {code}: {text}", transient: code >= 500);
        }

        return ParseJson(json, spamActions, scanner, elapsed);
    }

    /// <summary>Parses the JSON body of a <c>/checkv2</c> reply.</summary>
    public static ScanResult ParseJson(ReadOnlySpan<byte> json, IReadOnlySet<string> spamActions, string scanner, TimeSpan elapsed)
    {
        // JsonElement decodes strings lazily: reject invalid UTF-8 once, here, rather than throw later
        if (!Utf8.IsValid(json) || !TryRead(json, out var reply) || reply is null)
        {
            return ScanResult.Error(scanner, elapsed, "rspamd reply is not valid JSON", transient: false);
        }

        if (reply.Error is { } error)
        {
            return ScanResult.Error(scanner, elapsed, "rspamd: " + error);
        }

        if (reply.Action is null)
        {
            return ScanResult.Error(scanner, elapsed, "rspamd reply has no action", transient: false);
        }

        var isSpam = spamActions.Contains(reply.Action);
        var report = new SpamReport
        {
            Score = reply.Score,
            RequiredScore = reply.RequiredScore,
            IsSpam = isSpam,
            Action = reply.Action,
            Symbols = reply.Symbols is null ? [] : [.. reply.Symbols.Select(s => new SpamSymbol(s.Value.Name ?? s.Key, s.Value.Score))],
            HeaderEdits = reply.Milter is { ValueKind: JsonValueKind.Object } milter ? ParseMilter(milter) : [],
            SmtpMessage = reply.Messages is not null && reply.Messages.TryGetValue("smtp_message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null,
        };
        return isSpam ? ScanResult.SpamFound(scanner, elapsed, report) : ScanResult.Clean(scanner, elapsed, report);
    }

    /// <summary>
    /// The <c>milter</c> block: <c>remove_headers: {"X-Spam": 0}</c> (0 = all occurrences, n = the n-th),
    /// <c>add_headers: {"X-Spam": "Yes" | {"value": "Yes", "order": 0} | [ ... ]}</c>.
    /// </summary>
    internal static HeaderEdit[] ParseMilter(JsonElement milter)
    {
        var edits = new List<HeaderEdit>();
        if (milter.TryGetProperty("remove_headers", out var remove) && remove.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in remove.EnumerateObject())
            {
                var index = header.Value.ValueKind == JsonValueKind.Number && header.Value.TryGetInt32(out var i) ? i : 0;
                edits.Add(new HeaderEdit(HeaderEditKind.Remove, header.Name, null, index));
            }
        }

        if (milter.TryGetProperty("add_headers", out var add) && add.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in add.EnumerateObject())
            {
                if (header.Value.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in header.Value.EnumerateArray())
                    {
                        AddOne(header.Name, item);
                    }
                }
                else
                {
                    AddOne(header.Name, header.Value);
                }
            }
        }

        return [.. edits];

        void AddOne(string name, JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    edits.Add(new HeaderEdit(HeaderEditKind.Add, name, value.GetString()));
                    break;
                case JsonValueKind.Object when value.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String:
                    var order = value.TryGetProperty("order", out var o) && o.ValueKind == JsonValueKind.Number && o.TryGetInt32(out var n) ? n : 0;
                    edits.Add(new HeaderEdit(HeaderEditKind.Add, name, v.GetString(), order));
                    break;
            }
        }
    }

    private static bool TryRead(ReadOnlySpan<byte> json, out RspamdReply? reply)
    {
        try
        {
            reply = JsonSerializer.Deserialize(json, RspamdJsonContext.Default.RspamdReply);
            return true;
        }
        catch (JsonException)
        {
            reply = null;
            return false;
        }
    }

    private static bool TryDechunk(ReadOnlySpan<byte> body, out byte[]? result)
    {
        using var output = new MemoryStream();
        result = null;
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return false;
            }

            var sizeText = Encoding.ASCII.GetString(body[..lineEnd]).Split(';')[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0 || (long)lineEnd + 2 + size > body.Length)
            {
                return false;
            }

            if (size == 0)
            {
                result = output.ToArray();
                return true;
            }

            output.Write(body.Slice(lineEnd + 2, size));
            body = body[(lineEnd + 2 + size)..];
            if (body.StartsWith("\r\n"u8))
            {
                body = body[2..];
            }
        }
    }
}
