using System.Net;
using System.Text;

namespace MtaKit.Core.Tests.Mx;

public sealed class HttpMtaStsPolicyFetcherTests
{
    [Fact]
    public async Task FetchAsync_200TextPlain_BodyFromWellKnownHttpsUri()
    {
        var handler = new Handler(HttpStatusCode.OK, "text/plain", "version: STSv1\n");
        using var sut = new HttpMtaStsPolicyFetcher(handler);

        var body = await sut.FetchAsync("Example.TEST.");

        Assert.Equal("version: STSv1\n", body);
        Assert.Equal(new Uri("https://mta-sts.example.test/.well-known/mta-sts.txt"), handler.Asked);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "text/plain")]
    [InlineData(HttpStatusCode.MovedPermanently, "text/plain")]
    [InlineData(HttpStatusCode.OK, "text/html")]
    public async Task FetchAsync_NotOkOrNotTextPlain_Null(HttpStatusCode status, string mediaType)
    {
        using var sut = new HttpMtaStsPolicyFetcher(new Handler(status, mediaType, "version: STSv1\n"));

        Assert.Null(await sut.FetchAsync("example.test"));
    }

    [Fact]
    public async Task FetchAsync_BodyOver64KiB_Null()
    {
        using var sut = new HttpMtaStsPolicyFetcher(new Handler(HttpStatusCode.OK, "text/plain", new string('x', HttpMtaStsPolicyFetcher.MaxBodyLength + 1)));

        Assert.Null(await sut.FetchAsync("example.test"));
    }

    [Fact]
    public async Task FetchAsync_NothingListening_NullNotException()
    {
        using var sut = new HttpMtaStsPolicyFetcher(new SocketsHttpHandler { ConnectCallback = static (_, _) => throw new HttpRequestException("refused") });

        Assert.Null(await sut.FetchAsync("example.test"));
    }

    private sealed class Handler(HttpStatusCode status, string mediaType, string body) : HttpMessageHandler
    {
        public Uri? Asked { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Asked = request.RequestUri;
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) });
        }
    }
}
