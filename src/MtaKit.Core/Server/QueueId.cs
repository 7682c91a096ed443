namespace MtaKit.Server;

/// <summary>Makes unique, sortable queue ids: time, a process-wide counter and random bits, base-32.</summary>
internal static class QueueId
{
    private const string Alphabet = "0123456789BCDFGHJKLMNPQRSTVWXYZb";
    private static readonly long ProcessSalt = Random.Shared.NextInt64(1L << 20);
    private static long _counter;

    public static string New(TimeProvider time)
    {
        Span<char> chars = stackalloc char[16];
        var ms = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
        var seq = (ulong)(Interlocked.Increment(ref _counter) & 0xFFFFF);
        var salt = (ulong)ProcessSalt;
        for (var i = 8; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(ms & 31)];
            ms >>= 5;
        }

        for (var i = 12; i >= 9; i--)
        {
            chars[i] = Alphabet[(int)(seq & 31)];
            seq >>= 5;
        }

        for (var i = 15; i >= 13; i--)
        {
            chars[i] = Alphabet[(int)(salt & 31)];
            salt >>= 5;
        }

        return new string(chars);
    }
}
