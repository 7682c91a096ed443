using System.Diagnostics;
using System.Security.Cryptography;

namespace MtaKit.Fuzz;

/// <summary>
/// The fallback when afl-fuzz is not available: a seeded, deterministic mutation loop run in
/// process for a time budget. No coverage feedback (inputs that reach new code are not favoured),
/// so it finds shallow bugs only; every input that throws is written to the findings directory.
/// </summary>
internal static class MutationLoop
{
    private static readonly byte[] Interesting = "\0\r\n .:@<>\"\\[](),;%!=+\t\x7f\xff\xc3\xa9"u8.ToArray();

    private static readonly string[] Tokens =
    [
        "MAIL FROM:", "RCPT TO:", "BDAT ", " LAST", "<", ">", "@", "\"", "\\", "[IPv6:", "::", "]", "SIZE=", "BODY=8BITMIME",
        "ORCPT=rfc822;", "+2B", "NOTIFY=", "PROXY TCP4 ", "PROXY TCP6 ", "PROXY UNKNOWN", "\r\n\r\n\0\r\nQUIT\n", " 65535", " 0",
        "xn--", ".", "postmaster", "@a,@b:", "999999999999999999999",
    ];

    public static int Run(string name, Action<byte[]> target, TimeSpan budget, string corpusDir, string findingsDir, int seed)
    {
        var corpus = Directory.Exists(corpusDir)
            ? Directory.GetFiles(corpusDir).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList()
            : [];
        if (corpus.Count == 0)
        {
            corpus.Add("x"u8.ToArray());
        }

        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        long runs = 0;
        var crashes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var seedInput in corpus)
        {
            Execute(seedInput);
        }

        while (clock.Elapsed < budget)
        {
            var input = corpus[random.Next(corpus.Count)];
            var rounds = 1 + random.Next(8);
            for (var i = 0; i < rounds; i++)
            {
                input = Mutate(input, corpus, random);
            }

            Execute(input);
        }

        Console.WriteLine($"target={name} engine=mutation-loop seconds={clock.Elapsed.TotalSeconds:F0} runs={runs} runs_per_s={runs / Math.Max(1, clock.Elapsed.TotalSeconds):F0} corpus={corpus.Count} crashes={crashes.Count} seed={seed}");
        return crashes.Count == 0 ? 0 : 1;

        void Execute(byte[] input)
        {
            runs++;
            try
            {
                target(input);
            }
            catch (Exception e)
            {
                var signature = e.GetType().Name + " " + e.StackTrace?.Split('\n').FirstOrDefault()?.Trim();
                if (crashes.Add(signature))
                {
                    Directory.CreateDirectory(findingsDir);
                    var file = Path.Combine(findingsDir, "crash-" + Convert.ToHexStringLower(SHA256.HashData(input))[..16]);
                    File.WriteAllBytes(file, input);
                    Console.Error.WriteLine($"CRASH {file}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
            }
        }
    }

    private static byte[] Mutate(byte[] input, List<byte[]> corpus, Random random)
    {
        var data = new List<byte>(input);
        switch (random.Next(9))
        {
            case 0 when data.Count > 0:
                var bit = random.Next(data.Count * 8);
                data[bit / 8] ^= (byte)(1 << (bit % 8));
                break;
            case 1 when data.Count > 0:
                data[random.Next(data.Count)] = Interesting[random.Next(Interesting.Length)];
                break;
            case 2:
                data.Insert(random.Next(data.Count + 1), Interesting[random.Next(Interesting.Length)]);
                break;
            case 3 when data.Count > 0:
                var at = random.Next(data.Count);
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(8)));
                break;
            case 4:
                data.InsertRange(random.Next(data.Count + 1), System.Text.Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]));
                break;
            case 5 when data.Count > 0:
                var from = random.Next(data.Count);
                var length = Math.Min(data.Count - from, 1 + random.Next(32));
                var chunk = data.GetRange(from, length);
                var times = 1 + random.Next(random.Next(2) == 0 ? 4 : 200);
                for (var i = 0; i < times; i++)
                {
                    data.InsertRange(random.Next(data.Count + 1), chunk);
                }

                break;
            case 6:
                var other = corpus[random.Next(corpus.Count)];
                var cut = random.Next(data.Count + 1);
                data = [.. data.Take(cut), .. other.Skip(random.Next(other.Length + 1))];
                break;
            case 7 when data.Count > 0:
                data[random.Next(data.Count)] = (byte)random.Next(256);
                break;
            default:
                if (data.Count > 1)
                {
                    data.RemoveRange(random.Next(data.Count), 1);
                }

                break;
        }

        return [.. data];
    }
}
