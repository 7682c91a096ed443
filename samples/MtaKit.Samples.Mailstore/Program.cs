// The Mailstore sample: the final destination of the demo network. It accepts mail for the
// configured domains (and, optionally, only the configured recipients) and writes every message
// into a Maildir per recipient, fsynced before it answers 250.
//
//   dotnet run --project samples/MtaKit.Samples.Mailstore -- \
//     --MtaKit:Listeners:smtp:Endpoint=127.0.0.1:2526 --Mailstore:Domains:0=example.test --Mailstore:Root=./maildirs
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit.Hosting;
using MtaKit.Handlers.Maildir;
using MtaKit.Routing;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
var store = builder.Configuration.GetSection("Mailstore");
var domains = store.GetSection("Domains").GetChildren().Select(c => c.Value!).ToList();
if (domains.Count == 0)
{
    Console.Error.WriteLine("Mailstore:Domains is empty: name at least one domain, e.g. --Mailstore:Domains:0=example.test");
    return 2;
}

List<DomainPattern> patterns;
try
{
    patterns = [.. domains.Select(DomainPattern.Parse)];
}
catch (FormatException e)
{
    Console.Error.WriteLine("Mailstore:Domains: " + e.Message);
    return 2;
}

var maildir = new MaildirOptions
{
    Root = store["Root"] ?? "./maildirs",
    Domains = patterns,
    Recipients = [.. store.GetSection("Recipients").GetChildren().Select(c => c.Value!)],
};

builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
    .UseMessageHandler(_ => new MaildirMessageHandler(maildir))
    .UseRelayControl(_ => new RelayControl(new RelayControlOptions { LocalDomains = patterns }));

return await builder.Build().RunMtaKitAsync();
