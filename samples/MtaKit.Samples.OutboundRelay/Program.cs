// The OutboundRelay sample: the submission side of a mail network. Mail clients submit on 587
// (STARTTLS, then AUTH) or 465 (implicit TLS); users and their PBKDF2 password hashes live in a
// users file; each user may send only as the addresses granted to it; missing Date and Message-ID
// are added; the message is scanned, DKIM-signed last, and accepted once into the durable spool
// (all recipients, one transaction), from where it is delivered per destination (route `*` -> `mx`,
// or a smarthost) and what cannot be delivered now is retried by the tier's rules.
//
//   dotnet run --project samples/MtaKit.Samples.OutboundRelay -- user add alice@example.test 's3cret' --MtaKit:Auth:UsersFile=./users
//   dotnet run --project samples/MtaKit.Samples.OutboundRelay
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaKit;
using MtaKit.Hosting;

// `user add <address> <password>`: adds the user or replaces its password (atomic rewrite), then exits.
if (args.Length >= 2 && args[0] == "user")
{
    var words = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
    if (words is not ["user", "add", var address, var password])
    {
        await Console.Error.WriteLineAsync("usage: user add <address> <password> [--MtaKit:Auth:UsersFile=<path>]");
        return 2;
    }

    var configuration = new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddCommandLine([.. args.Where(a => a.StartsWith("--", StringComparison.Ordinal))])
        .Build();
    var path = configuration["MtaKit:Auth:UsersFile"];
    if (string.IsNullOrWhiteSpace(path))
    {
        await Console.Error.WriteLineAsync("MtaKit:Auth:UsersFile is not set");
        return 2;
    }

    await UsersFile.SetUserAsync(path, address, password);
    Console.WriteLine($"user {address} saved in {Path.GetFullPath(path)}");
    return 0;
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
var mtaKit = builder.Services.AddMtaKit(builder.Configuration.GetSection("MtaKit"))
    .UseRateLimits()    // MtaKit:RateLimits: per user (Key=User) and per client (Key=Ip)
    .UseSubmission()    // AUTH (users file, throttled failures), sender binding, Date/Message-ID
    .UseScanning();     // a virus from a customer is refused at submission (MtaKit:Scanning)
if (builder.Configuration.GetSection("MtaKit:Dkim:Keys").GetChildren().Any())
{
    mtaKit.UseDkimSigning(); // last data stage: the signature covers every header added before it
}

mtaKit.UseFallbackTier();    // accepted once into the durable spool, delivered per destination

return await builder.Build().RunMtaKitAsync();
