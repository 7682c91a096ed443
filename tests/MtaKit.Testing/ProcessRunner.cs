using System.Diagnostics;

namespace MtaKit.Testing;

/// <summary>Runs an external program (swaks, smtp-source, ...) with a time limit and captures its output.</summary>
public static class ProcessRunner
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/>; kills it after <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout, string? standardInput = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start " + file);
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within {timeout}. Output so far:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
