using System.Diagnostics;
using MtaKit.Testing;

namespace MtaKit.Queueing.Tests.Delivery;

/// <summary>Runs the built FallbackTier sample (samples/MtaKit.Samples.FallbackTier) as a real process.</summary>
internal static class FallbackTierSample
{
    /// <summary>The sample's Release build.</summary>
    public static string Dll => SampleProcess.AssemblyPath("FallbackTier");

    /// <summary>Starts <c>dotnet &lt;args&gt;</c> and returns once the tier logs that it listens.</summary>
    public static async Task<Process> StartAsync(string[] args)
    {
        var process = Start(args);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("listening smtp", StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync();
                return process;
            }
        }

        throw new InvalidOperationException("the tier did not start: " + string.Join(' ', args));
    }

    /// <summary>Starts <c>dotnet &lt;args&gt;</c> with standard output and error redirected.</summary>
    public static Process Start(string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }
}
