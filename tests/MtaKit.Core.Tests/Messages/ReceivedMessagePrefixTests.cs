using System.Text;
using MtaKit.Messages;

namespace MtaKit.Core.Tests.Messages;

/// <summary>The fields stages add are delivered in front of the message, UTF-8, trace field first.</summary>
public sealed class ReceivedMessagePrefixTests
{
    [Fact]
    public void OpenRead_FieldsAddedBeforeAndAfterARead_AllInFrontInOrder()
    {
        using var body = new MessageBuffer(1024 * 1024, Path.GetTempPath());
        body.Write("Subject: hi\r\n\r\nbody\r\n"u8);
        using var message = new ReceivedMessage(body);
        message.AddHeader("X-First", "caf\u00e9");
        Assert.Equal("X-First: caf\u00e9\r\nSubject: hi\r\n\r\nbody\r\n", Read(message));

        message.AddHeader("X-Second", "\u00fcber \U0001F600");
        message.PrependHeader("Received", "from a by b");

        var expected = "Received: from a by b\r\nX-First: caf\u00e9\r\nX-Second: \u00fcber \U0001F600\r\nSubject: hi\r\n\r\nbody\r\n";
        Assert.Equal(expected, Read(message));
        Assert.Equal(Encoding.UTF8.GetByteCount(expected), message.Length);
    }

    private static string Read(ReceivedMessage message)
    {
        using var stream = message.OpenRead();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Encoding.UTF8.GetString(copy.ToArray());
    }
}
