using System.Net;

namespace MtaKit.Testing;

/// <summary>
/// Where the real services started by <c>tests/services/start-*.sh</c> listen. The scripts print
/// <c>KEY=VALUE</c> lines (<c>CLAMD_PORT=13310</c>) that <c>.ci/run</c> exports before <c>dotnet test</c>.
/// On a developer machine without the services a test that needs one is skipped; when
/// <c>MTAKIT_REQUIRE_SERVICES=1</c> (set by <c>.ci/run</c>) a missing service fails the test instead.
/// </summary>
public static class ServiceEnvironment
{
    /// <summary>True when missing services must fail tests (CI).</summary>
    public static bool Required => Environment.GetEnvironmentVariable("MTAKIT_REQUIRE_SERVICES") == "1";

    /// <summary>Returns <c>{PREFIX}_HOST</c>:<c>{PREFIX}_PORT</c>, or skips/fails when unset.</summary>
    /// <param name="prefix">The service's variable prefix, e.g. <c>CLAMD</c>, <c>SPAMD</c>, <c>RSPAMD</c>, <c>DNS</c>, <c>REDIS</c>, <c>LMTP</c>.</param>
    public static IPEndPoint Require(string prefix)
    {
        var port = Environment.GetEnvironmentVariable(prefix + "_PORT");
        var host = Environment.GetEnvironmentVariable(prefix + "_HOST") ?? "127.0.0.1";
        if (string.IsNullOrEmpty(port))
        {
            Missing($"{prefix}_PORT is not set: start the service with tests/services/start-*.sh (or run .ci/run)");
        }

        return new IPEndPoint(IPAddress.Parse(host), int.Parse(port!, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Returns the value of an environment variable the service scripts export, or skips/fails when unset.</summary>
    public static string RequireValue(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(value))
        {
            Missing($"{name} is not set: start the service with tests/services/start-*.sh (or run .ci/run)");
        }

        return value!;
    }

    /// <summary>Returns the full path of a program on PATH, or skips/fails when it is not installed.</summary>
    public static string RequireProgram(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/usr/bin", "/sbin"]))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Missing($"{name} is not installed (.ci/run installs it with apt-get)");
        return null!;
    }

    private static void Missing(string message)
    {
        if (Required)
        {
            throw new InvalidOperationException("required service missing: " + message);
        }

        throw new Xunit.SkipException(message);
    }
}
