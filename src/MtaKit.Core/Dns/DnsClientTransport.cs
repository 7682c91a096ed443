using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;

namespace MtaKit;

/// <summary>Sends one question to the configured servers with DnsClient and maps the response to a <see cref="DnsAnswer"/>.</summary>
internal sealed class DnsClientTransport
{
    private readonly LookupClient _client;
    private readonly DnsOptions _options;
    private readonly NameServer[] _servers;

    public DnsClientTransport(DnsOptions options)
    {
        _options = options;
        var servers = options.GetServerEndPoints();
        var clientOptions = servers.Count == 0 ? new LookupClientOptions() : new LookupClientOptions([.. servers]);
        clientOptions.Timeout = options.Timeout;
        clientOptions.Retries = options.Retries;
        clientOptions.UseTcpFallback = options.UseTcpFallback;
        clientOptions.UseCache = false; // our cache: negative TTL rules, bounds, TimeProvider, metrics
        clientOptions.ThrowDnsErrors = false;
        // Failover is ours (QueryAsync below): DnsClient's ContinueOnDnsError would also ask the next
        // server after an NXDOMAIN, a final answer - one wasted round trip per unlisted DNSBL query.
        clientOptions.ContinueOnDnsError = false;
        clientOptions.ContinueOnEmptyResponse = false;
        clientOptions.UseRandomNameServer = false;
        clientOptions.EnableAuditTrail = false;
        _client = new LookupClient(clientOptions);
        _servers = [.. _client.NameServers];
    }

    public string ServersDescription => string.Join(", ", _client.NameServers.Select(s => s.ToString()));

    /// <summary>Asks each server in turn until one gives an answer (records, NXDOMAIN or NODATA); else returns the last failure.</summary>
    public async Task<(DnsAnswer Answer, string? Reason)> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        (DnsAnswer Answer, string? Reason) result = (DnsAnswer.Empty(name, type, DnsStatus.Error, TimeSpan.Zero), "no DNS server configured");
        foreach (var server in _servers)
        {
            result = await QueryServerAsync(server, name, type, cancellationToken).ConfigureAwait(false);
            if (!result.Answer.IsFailure)
            {
                break;
            }
        }

        return result;
    }

    private async Task<(DnsAnswer Answer, string? Reason)> QueryServerAsync(NameServer server, string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryServerAsync([server], name, (QueryType)(int)type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException ex) when (ex.Code == DnsResponseCode.ConnectionTimeout)
        {
            return (DnsAnswer.Empty(name, type, DnsStatus.Timeout, TimeSpan.Zero), ex.Message);
        }
        catch (Exception ex) when (ex is DnsResponseException or SocketException or ArgumentException or FormatException or IOException)
        {
            // DnsClient throws ArgumentException for names it cannot encode (label > 63 octets, ...).
            return (DnsAnswer.Empty(name, type, DnsStatus.Error, TimeSpan.Zero), ex.Message);
        }
        catch (TimeoutException ex)
        {
            return (DnsAnswer.Empty(name, type, DnsStatus.Timeout, TimeSpan.Zero), ex.Message);
        }

        return (Map(name, type, response), response.HasError ? response.ErrorMessage : null);
    }

    private DnsAnswer Map(string name, DnsRecordType type, IDnsQueryResponse response)
    {
        var status = response.Header.ResponseCode switch
        {
            DnsHeaderResponseCode.NoError => DnsStatus.Success,
            DnsHeaderResponseCode.NotExistentDomain => DnsStatus.NxDomain,
            DnsHeaderResponseCode.ServerFailure => DnsStatus.ServFail,
            DnsHeaderResponseCode.Refused => DnsStatus.Refused,
            _ => DnsStatus.Error,
        };
        if (status != DnsStatus.Success && status != DnsStatus.NxDomain)
        {
            return DnsAnswer.Empty(name, type, status, TimeSpan.Zero);
        }

        var records = new List<DnsRecord>();
        if (status == DnsStatus.Success)
        {
            foreach (var rr in response.Answers)
            {
                if ((int)rr.RecordType == (int)type && Convert(rr) is { } record)
                {
                    records.Add(record);
                }
            }
        }

        if (records.Count > 0)
        {
            var ttl = TimeSpan.FromSeconds(records.Min(r => r.Ttl.TotalSeconds));
            return new DnsAnswer(name, type, DnsStatus.Success, records, ttl);
        }

        // RFC 2308: the negative TTL is the smaller of the SOA's own TTL and its MINIMUM field.
        var soa = response.Authorities.OfType<SoaRecord>().FirstOrDefault();
        var negativeTtl = soa is null ? _options.NegativeTtl : TimeSpan.FromSeconds(Math.Min((long)soa.TimeToLive, soa.Minimum));
        return DnsAnswer.Empty(name, type, status == DnsStatus.NxDomain ? DnsStatus.NxDomain : DnsStatus.NoData, negativeTtl);
    }

    private static DnsRecord? Convert(DnsResourceRecord rr)
    {
        var owner = rr.DomainName.Value;
        var ttl = TimeSpan.FromSeconds(Math.Max(0, rr.TimeToLive));
        return rr switch
        {
            ARecord a => DnsRecord.ForAddress(owner, a.Address, ttl),
            AaaaRecord a => DnsRecord.ForAddress(owner, a.Address, ttl),
            MxRecord mx => DnsRecord.ForMx(owner, mx.Preference, mx.Exchange.Value, ttl),
            TxtRecord txt => DnsRecord.ForTxt(owner, ttl, txt.Text),
            PtrRecord ptr => DnsRecord.ForPtr(owner, ptr.PtrDomainName.Value, ttl),
            CNameRecord cname => DnsRecord.ForCname(owner, cname.CanonicalName.Value, ttl),
            _ => null,
        };
    }
}
