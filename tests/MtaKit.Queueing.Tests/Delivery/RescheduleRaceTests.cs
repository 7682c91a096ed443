using System.Net;
using MtaKit.Handlers.Maildir;
using MtaKit.Routing;
using MtaKit.Server;

namespace MtaKit.Queueing.Tests.Delivery;

/// <summary>
/// A delivery attempt that outlives its own retry time reschedules the message to a time that has already
/// passed, while the message is still in flight. The runner must run it again once the attempt is over
/// (found by the outbound acceptance test on a loaded CI machine: the message was never tried again).
/// </summary>
public sealed class RescheduleRaceTests
{
    [Fact]
    public async Task Attempt_OutlivesItsNextAttemptTime_MessageIsProcessedAgain()
    {
        // The "deferred" log line is written after the reschedule and before the attempt ends: holding it makes
        // the scheduler hand out the overdue id while the attempt is still in flight, every time.
        await using var net = await TierNetwork.StartAsync(new TierNetworkSettings { Tier1Logger = new SlowDeferredLog() });
        var domains = new List<DomainPattern> { DomainPattern.Parse("example.test") };
        var pipeline = new SmtpPipelineBuilder().Use(new SlowDeferringRcpt(net.Time)).Build();
        await using var destination = new SmtpServer(
            new SmtpServerOptions { ServerName = "slow.test", Listeners = [new SmtpListenerOptions { Name = "smtp", EndPoint = new IPEndPoint(IPAddress.Loopback, net.DestinationPort) }] },
            new MaildirMessageHandler(new MaildirOptions { Root = net.MaildirRoot, Domains = domains }),
            pipeline,
            relayControl: new RelayControl(new RelayControlOptions { LocalDomains = domains }));
        await destination.StartAsync();

        await net.SendAsync("user@example.test");

        // Attempt 1 defers after the clock jumped 7 h (past tier 1's 6 h window): its computed next attempt
        // is already due while it is in flight. Attempt 2 must follow and hand the message to tier 2.
        await TierNetwork.WaitUntilAsync(() => net.Tier1.Count == 0 && net.Tier2.Count == 1, "tier 1 retries the overdue message and hands it to tier 2");
    }

    private sealed class SlowDeferredLog : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 3303)
            {
                Thread.Sleep(500); // a slow log sink, standing in for a loaded machine
            }
        }
    }

    private sealed class SlowDeferringRcpt(Microsoft.Extensions.Time.Testing.FakeTimeProvider time) : IRcptStage
    {
        private int _calls;

        public ValueTask<SmtpVerdict> OnRcptAsync(RcptContext context, StageDelegate<RcptContext> next)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                time.Advance(TimeSpan.FromHours(7)); // the attempt "takes" 7 hours
            }

            return ValueTask.FromResult(SmtpVerdict.Defer(451, "4.3.0", "Try again later"));
        }
    }
}
