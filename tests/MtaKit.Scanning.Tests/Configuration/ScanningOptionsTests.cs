using Microsoft.Extensions.Configuration;

namespace MtaKit.Scanning.Tests.Configuration;

public sealed class ScanningOptionsTests
{
    private static ScanningOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return configuration.GetSection(ScanningOptions.SectionName).Get<ScanningOptions>() ?? new ScanningOptions();
    }

    [Fact]
    public void Bind_DocumentedKeys_FillEveryOption()
    {
        var options = Bind(new()
        {
            ["MtaKit:Scanning:Clamd:Endpoints:0:Address"] = "10.0.0.5:3310",
            ["MtaKit:Scanning:Clamd:Endpoints:0:Weight"] = "2",
            ["MtaKit:Scanning:Clamd:Endpoints:1:Address"] = "unix:/run/clamav/clamd.ctl",
            ["MtaKit:Scanning:Clamd:Endpoints:1:Priority"] = "-1",
            ["MtaKit:Scanning:Spamd:Endpoints:0:Address"] = "10.0.0.7:783",
            ["MtaKit:Scanning:Spamd:MaxMessageSize"] = "1048576",
            ["MtaKit:Scanning:Rspamd:Endpoints:0:Address"] = "http://10.0.0.8:11333",
            ["MtaKit:Scanning:Rspamd:Endpoints:0:MaxConcurrency"] = "8",
            ["MtaKit:Scanning:Embedded:Enabled"] = "true",
            ["MtaKit:Scanning:Embedded:BlockedExtensions:0"] = "docm",
            ["MtaKit:Scanning:FailPolicy"] = "Accept",
            ["MtaKit:Scanning:Timeout"] = "00:00:10",
            ["MtaKit:Scanning:Spam:TagScore"] = "4.5",
            ["MtaKit:Scanning:Spam:RejectScore"] = "12",
        });

        Assert.Equal(2, options.Clamd.Endpoints.Count);
        Assert.Equal(("10.0.0.5:3310", 2, 0), (options.Clamd.Endpoints[0].Address, options.Clamd.Endpoints[0].Weight, options.Clamd.Endpoints[0].Priority));
        Assert.Equal(("unix:/run/clamav/clamd.ctl", 1, -1), (options.Clamd.Endpoints[1].Address, options.Clamd.Endpoints[1].Weight, options.Clamd.Endpoints[1].Priority));
        Assert.Equal("10.0.0.7:783", options.Spamd.Endpoints.Single().Address);
        Assert.Equal(1048576, options.Spamd.MaxMessageSize);
        Assert.Equal(("http://10.0.0.8:11333", 8), (options.Rspamd.Endpoints[0].Address, options.Rspamd.Endpoints[0].MaxConcurrency));
        Assert.True(options.Embedded.Enabled);
        Assert.Equal(["docm"], options.Embedded.BlockedExtensions);
        Assert.Equal(ScanFailPolicy.Accept, options.FailPolicy);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.Equal((4.5, 12.0), (options.Spam.TagScore, options.Spam.RejectScore));
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Validate_Defaults_AreValid()
        => Assert.Empty(new ScanningOptions().Validate());

    [Theory]
    [InlineData("MtaKit:Scanning:Clamd:Endpoints:0:Address", "host:notaport", "MtaKit:Scanning:Clamd:Endpoints:0:Address")]
    [InlineData("MtaKit:Scanning:Clamd:Endpoints:0:Address", "", "MtaKit:Scanning:Clamd:Endpoints:0:Address")]
    [InlineData("MtaKit:Scanning:Spamd:Endpoints:0:Address", "http://10.0.0.7:783", "MtaKit:Scanning:Spamd:Endpoints:0:Address")]
    [InlineData("MtaKit:Scanning:Rspamd:Endpoints:0:Address", "https://10.0.0.8:11333", "MtaKit:Scanning:Rspamd:Endpoints:0:Address")]
    [InlineData("MtaKit:Scanning:Clamd:Endpoints:0:Weight", "0", "MtaKit:Scanning:Clamd:Endpoints:0:Weight")]
    [InlineData("MtaKit:Scanning:Spam:RejectScore", "1", "MtaKit:Scanning:Spam:RejectScore")]
    [InlineData("MtaKit:Scanning:Timeout", "00:00:00", "MtaKit:Scanning:Timeout")]
    [InlineData("MtaKit:Scanning:Embedded:MaxMessageSize", "0", "MtaKit:Scanning:Embedded:MaxMessageSize")]
    [InlineData("MtaKit:Scanning:Embedded:SignatureFile", "/nonexistent/sigs.txt", "MtaKit:Scanning:Embedded:SignatureFile")]
    public void Validate_BadValue_NamesTheKey(string key, string value, string expectedKey)
    {
        var values = new Dictionary<string, string?>
        {
            ["MtaKit:Scanning:Clamd:Endpoints:0:Address"] = "127.0.0.1:3310",
            ["MtaKit:Scanning:Spamd:Endpoints:0:Address"] = "127.0.0.1:783",
            ["MtaKit:Scanning:Rspamd:Endpoints:0:Address"] = "http://127.0.0.1:11333",
            [key] = value,
        };

        var errors = Bind(values).Validate();

        Assert.Contains(errors, e => e.StartsWith(expectedKey, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("127.0.0.1:11333")]
    [InlineData("http://rspamd.example.test:11333")]
    [InlineData("unix:/run/rspamd/normal.sock")]
    public void TryRspamdUrl_Supported_Parses(string address)
        => Assert.True(ScanningOptions.TryRspamdUrl(address, out _, out _));
}
