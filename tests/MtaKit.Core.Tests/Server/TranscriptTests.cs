using System.Globalization;
using System.Text;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

/// <summary>
/// Replays the golden transcripts in TestData/Transcripts against a default test server. Format, one
/// item a line: <c>C: text</c> sends text + CRLF; <c>C! text</c> sends text with escapes (\r \n \0 \\
/// \xHH) and nothing added; consecutive C lines go out in ONE write (a pipelined batch). <c>S: text</c>
/// expects that exact reply line (a trailing <c>*</c> matches any rest); <c>S: &lt;closed&gt;</c>
/// expects the server to close. <c>#</c> starts a comment.
/// </summary>
public sealed class TranscriptTests
{
    public static TheoryData<string> Transcripts()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Folder, "*.txt").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(f));
        }

        return data;
    }

    private static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "TestData", "Transcripts");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }

                candidate = Path.Combine(dir.FullName, "tests", "MtaKit.Core.Tests", "TestData", "Transcripts");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException("TestData/Transcripts not found above " + AppContext.BaseDirectory);
        }
    }

    [Fact]
    public void Transcripts_Exist()
        => Assert.True(Transcripts().Count >= 5);

    [Theory]
    [MemberData(nameof(Transcripts))]
    public async Task Transcript_Replayed_RepliesMatchExactly(string name)
    {
        var lines = await File.ReadAllLinesAsync(Path.Combine(Folder, name + ".txt"));
        await using var server = await TestServer.StartAsync();
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        var batch = new List<byte>();
        var lineNo = 0;
        foreach (var raw in lines)
        {
            lineNo++;
            if (raw.Length == 0 || raw.StartsWith('#'))
            {
                continue;
            }

            var kind = raw[..2];
            var text = raw.Length > 3 ? raw[3..] : string.Empty;
            switch (kind)
            {
                case "C:":
                    batch.AddRange(Encoding.UTF8.GetBytes(text + "\r\n"));
                    break;
                case "C!":
                    batch.AddRange(Unescape(text));
                    break;
                case "S:":
                    if (batch.Count > 0)
                    {
                        await c.SendRawAsync([.. batch]);
                        batch.Clear();
                    }

                    var got = await c.ReadLineAsync();
                    if (text == "<closed>")
                    {
                        Assert.True(got is null, $"{name}:{lineNo}: expected close, got '{got}'\n{c.Transcript}");
                    }
                    else if (text.EndsWith('*'))
                    {
                        Assert.True(got is not null && got.StartsWith(text[..^1], StringComparison.Ordinal), $"{name}:{lineNo}: expected '{text}', got '{got}'\n{c.Transcript}");
                    }
                    else
                    {
                        Assert.True(got == text, $"{name}:{lineNo}: expected '{text}', got '{got}'\n{c.Transcript}");
                    }

                    break;
                default:
                    throw new FormatException($"{name}:{lineNo}: unknown line kind '{kind}'");
            }
        }
    }

    private static byte[] Unescape(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
                continue;
            }

            var e = text[++i];
            switch (e)
            {
                case 'r': bytes.Add((byte)'\r'); break;
                case 'n': bytes.Add((byte)'\n'); break;
                case '0': bytes.Add(0); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case 'x':
                    bytes.Add(byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                default: throw new FormatException("bad escape \\" + e);
            }
        }

        return [.. bytes];
    }
}
