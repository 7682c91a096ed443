using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MtaKit.Core.Tests.Policy.Dkim;

public sealed class DkimMetricsTests
{
    [Fact]
    public async Task VerifyAndEvaluate_CountedOnTheMtaKitMeter()
    {
        var counts = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "MtaKit" && instrument.Name is "mtakit.dkim.signatures" or "mtakit.dmarc.results")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                counts.AddOrUpdate($"{instrument.Name}[{tag.Key}={tag.Value}]", value, (_, v) => v + value);
            }
        });
        listener.Start();
        var resolver = DkimTestData.Resolver("_dmarc.example.test TXT \"v=DMARC1; p=none\"");

        var dkim = await new DkimChecker(resolver).VerifyAsync(DkimTestData.Content(DkimTestData.ReadText("signed-rsa.eml")));
        await new DmarcEvaluator(resolver).CheckAsync("example.test", null, dkim);

        // Other tests may count in parallel: at least ours must be there.
        Assert.True(counts.GetValueOrDefault("mtakit.dkim.signatures[result=pass]") >= 1);
        Assert.True(counts.GetValueOrDefault("mtakit.dmarc.results[result=pass]") >= 1);
    }
}
