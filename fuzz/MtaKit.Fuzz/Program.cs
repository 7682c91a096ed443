// Fuzz harness for MtaKit's parsers (see fuzz/README.md).
//   MtaKit.Fuzz <target>                          under afl-fuzz (SharpFuzz out-of-process mode)
//   MtaKit.Fuzz <target> --loop <seconds> <corpus dir> <findings dir> [seed]
//                                                 the built-in deterministic mutation loop
//   MtaKit.Fuzz <target> --replay <file>...       run inputs once (regression check)
using MtaKit.Fuzz;
using SharpFuzz;

if (args.Length < 1 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: MtaKit.Fuzz <{string.Join('|', FuzzTargets.All.Keys)}> [--loop seconds corpus findings [seed] | --replay file...]");
    return 2;
}

if (args.Length >= 5 && args[1] == "--loop")
{
    var seed = args.Length > 5 ? int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : 1;
    return MutationLoop.Run(args[0], target, TimeSpan.FromSeconds(double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)), args[3], args[4], seed);
}

if (args.Length >= 3 && args[1] == "--replay")
{
    var failed = 0;
    foreach (var file in args.Skip(2))
    {
        try
        {
            target(File.ReadAllBytes(file));
        }
        catch (Exception e)
        {
            failed++;
            Console.Error.WriteLine($"{file}: {e.GetType().Name}: {e.Message}");
        }
    }

    return failed == 0 ? 0 : 1;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    target(copy.ToArray());
});
return 0;
