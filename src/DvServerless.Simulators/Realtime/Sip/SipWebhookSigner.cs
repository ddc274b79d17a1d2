using System.Security.Cryptography;
using System.Text;

namespace DvServerless.Simulators.Realtime.Sip;

/// <summary>
/// Signs webhook deliveries as OpenAI does (Standard Webhooks, PROTOCOL §3): HMAC-SHA256 over
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c> with the base64-decoded <c>whsec_</c> key (or the UTF-8 bytes of any
/// other secret), sent as <c>v1,&lt;base64&gt;</c>. Written independently of the project's verifier so each tests the other.
/// </summary>
internal static class SipWebhookSigner
{
    public static string Sign(string secret, string webhookId, long timestamp, byte[] body)
    {
        var key = secret.StartsWith("whsec_", StringComparison.Ordinal)
            ? Convert.FromBase64String(secret["whsec_".Length..])
            : Encoding.UTF8.GetBytes(secret);
        var prefix = Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content, prefix.Length);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}
