using Microsoft.Extensions.Logging;

namespace MtaKit.Hosting;

/// <summary>Source-generated log events of the hints hosting extensions (event ids 4190-4199).</summary>
internal static partial class HintsLog
{
    [LoggerMessage(EventId = 4190, Level = LogLevel.Warning, Message = "{Feature} keeps its state in this process's embedded hints store, but MtaKit:Cluster:Nodes is {Nodes}: each relay counts on its own (limits multiply, greylisted retries landing on another relay are deferred again). Register a shared IHintsStore (MtaKit.Redis) for a cluster.")]
    public static partial void EmbeddedStoreInCluster(ILogger logger, string feature, int nodes);
}
