using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace MtaKit.Hosting;

/// <summary>Adds the header-sanitising data stage to an MtaKit host.</summary>
public static class HeaderSanitisingBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="HeaderSanitisingStage"/> (DATA phase), options bound from <c>MtaKit:HeaderSanitising</c>:
    /// <c>AuthServId</c>, <c>RemoveReceivedSpf</c>, <c>RemoveSpamHeaders</c>, <c>RemoveHeaders:&lt;i&gt;</c>.
    /// Data stages run in the order they are added: call this BEFORE every stage that adds
    /// <c>Authentication-Results</c>, <c>Received-SPF</c> or <c>X-Spam-*</c> (SPF, DKIM/DMARC, scanning).
    /// </summary>
    public static MtaKitBuilder UseHeaderSanitising(this MtaKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        return builder.UseStage(sp => new HeaderSanitisingStage(
            PolicyOptionsBinder.Bind<HeaderSanitisingOptions>(configuration, "HeaderSanitising"),
            sp.GetService<IMeterFactory>()));
    }
}
