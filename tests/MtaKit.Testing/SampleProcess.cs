using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MtaKit.Testing;

/// <summary>
/// A sample host (samples/MtaKit.Samples.&lt;Name&gt;) run as its own process from its Release build output, with
/// configuration on the command line, the way an admin runs it. Its output is kept for failure messages. Stopped with
/// SIGTERM (then killed) on dispose.
/// </summary>
public sealed class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SampleProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Everything the process printed so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The sample's built entry assembly (Release, then Debug).</summary>
    public static string AssemblyPath(string name)
    {
        foreach (var configuration in new[] { "Release", "Debug" })
        {
            var path = Path.Combine(RepositoryPaths.Root, "samples", "MtaKit.Samples." + name, "bin", configuration, "net10.0", "MtaKit.Samples." + name + ".dll");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"samples/MtaKit.Samples.{name} is not built (dotnet build MtaKit.sln -c Release)");
    }

    /// <summary>Runs the sample to completion (a command such as <c>user add</c>) and returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string name, IEnumerable<string> arguments, TimeSpan timeout)
        => ProcessRunner.RunAsync("dotnet", [AssemblyPath(name), .. arguments], timeout);

    /// <summary>Starts the sample and waits until <paramref name="listening"/> accepts TCP connections.</summary>
    public static async Task<SampleProcess> StartAsync(string name, IEnumerable<string> arguments, IPEndPoint listening, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(AssemblyPath(name));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = start };
        var sample = new SampleProcess(process);
        process.OutputDataReceived += (_, e) => sample.Append(e.Data);
        process.ErrorDataReceived += (_, e) => sample.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"{name} exited {process.ExitCode} before listening on {listening}:\n{sample.Output}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(listening.Address, listening.Port);
                return sample;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        await sample.DisposeAsync();
        throw new TimeoutException($"{name} did not listen on {listening}:\n{sample.Output}");
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
