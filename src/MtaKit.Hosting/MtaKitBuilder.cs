using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MtaKit.Server;

namespace MtaKit.Hosting;

/// <summary>
/// Composes an MtaKit host: stages in the order added, the message handler, relay control,
/// authentication, and code-level edits of the options read from configuration.
/// </summary>
public sealed class MtaKitBuilder
{
    private readonly List<Func<IServiceProvider, object>> _stages = [];
    private readonly List<Func<SmtpServerOptions, SmtpServerOptions>> _edits = [];

    internal MtaKitBuilder(IServiceCollection services, IConfiguration configuration)
    {
        Services = services;
        Configuration = configuration;
    }

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The <c>MtaKit</c> configuration section.</summary>
    public IConfiguration Configuration { get; }

    internal IReadOnlyList<Func<IServiceProvider, object>> Stages => _stages;

    internal IReadOnlyList<Func<SmtpServerOptions, SmtpServerOptions>> Edits => _edits;

    /// <summary>Adds a stage resolved from DI (registered as a singleton if it is not registered yet). It joins every phase it implements.</summary>
    public MtaKitBuilder UseStage<TStage>()
        where TStage : class
    {
        Services.TryAddSingleton<TStage>();
        _stages.Add(sp => sp.GetRequiredService<TStage>());
        return this;
    }

    /// <summary>Adds a stage instance.</summary>
    public MtaKitBuilder UseStage(object stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        _stages.Add(_ => stage);
        return this;
    }

    /// <summary>Adds a stage built by a factory when the host starts.</summary>
    public MtaKitBuilder UseStage(Func<IServiceProvider, object> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _stages.Add(factory);
        return this;
    }

    /// <summary>Sets the message handler (the last step of RCPT and DATA).</summary>
    public MtaKitBuilder UseMessageHandler<THandler>()
        where THandler : class, IMessageHandler
    {
        Services.RemoveAll<IMessageHandler>();
        Services.AddSingleton<IMessageHandler, THandler>();
        return this;
    }

    /// <summary>Sets the message handler from a factory.</summary>
    public MtaKitBuilder UseMessageHandler(Func<IServiceProvider, IMessageHandler> factory)
    {
        Services.RemoveAll<IMessageHandler>();
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>Sets the relay control (the engine's fixed last RCPT check).</summary>
    public MtaKitBuilder UseRelayControl(Func<IServiceProvider, IRelayControl> factory)
    {
        Services.RemoveAll<IRelayControl>();
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>Sets the AUTH authenticator (AUTH is offered only with one).</summary>
    public MtaKitBuilder UseAuthenticator<TAuthenticator>()
        where TAuthenticator : class, ISmtpAuthenticator
    {
        Services.RemoveAll<ISmtpAuthenticator>();
        Services.AddSingleton<ISmtpAuthenticator, TAuthenticator>();
        return this;
    }

    /// <summary>Changes the options read from configuration, in code (applied in order, before validation).</summary>
    public MtaKitBuilder ConfigureServer(Func<SmtpServerOptions, SmtpServerOptions> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        _edits.Add(edit);
        return this;
    }
}
