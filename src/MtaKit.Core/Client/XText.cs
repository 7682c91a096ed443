using System.Text;

namespace MtaKit;

/// <summary>RFC 3461 xtext encoding for ENVID and ORCPT values.</summary>
internal static class XText
{
    public static string Encode(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= 33 and <= 126 and not (byte)'+' and not (byte)'=')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('+').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
