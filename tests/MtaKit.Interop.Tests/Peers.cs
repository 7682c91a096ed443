using System.Net;
using MtaKit.Testing;

namespace MtaKit.Interop.Tests;

/// <summary>
/// The real peers: the private Postfix and Exim instances of tests/services/start-postfix.sh and
/// start-exim.sh (they relay pNNNNN.port.test to 127.0.0.1:NNNNN), swaks and smtp-source.
/// </summary>
internal static class Peers
{
    public static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);

    public static IPEndPoint Postfix => ServiceEnvironment.Require("POSTFIX");

    public static IPEndPoint Exim => ServiceEnvironment.Require("EXIM");

    public static IPEndPoint Mta(string name) => name switch
    {
        "postfix" => Postfix,
        "exim" => Exim,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "postfix or exim"),
    };

    /// <summary>Runs swaks and returns its transcript; fails the test when swaks exits non-zero.</summary>
    public static async Task<string> SwaksAsync(IPEndPoint server, string from, string to, string dataFile, params string[] extra)
    {
        var swaks = ServiceEnvironment.RequireProgram("swaks");
        string[] args =
        [
            "--server", $"{server.Address}:{server.Port}", "--helo", "client.interop.test",
            "--from", from, "--to", to, "--data", dataFile, "--timeout", "60", .. extra,
        ];
        var (code, output) = await ProcessRunner.RunAsync(swaks, args, TimeSpan.FromSeconds(120));
        Assert.True(code == 0, $"swaks {string.Join(' ', args)} exited {code}:\n{output}");
        return output;
    }

    /// <summary>Runs Postfix's smtp-source; fails the test when it exits non-zero.</summary>
    public static async Task SmtpSourceAsync(IPEndPoint server, string from, string to, int messages, int sessions, int length)
    {
        var source = ServiceEnvironment.RequireProgram("smtp-source");
        string[] args =
        [
            "-s", sessions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-m", messages.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-l", length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-f", from, "-t", to, "-M", "client.interop.test", "-d",
            $"{server.Address}:{server.Port}",
        ];
        var (code, output) = await ProcessRunner.RunAsync(source, args, TimeSpan.FromSeconds(120));
        Assert.True(code == 0, $"smtp-source {string.Join(' ', args)} exited {code}:\n{output}");
    }
}
