using DvServerless.Adapters.OpenAI.Webhooks;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Sip;

/// <summary>Applies the <see cref="SipRoutingOptions.Rules"/> to a call's SIP headers.</summary>
public sealed class SipRoutingPolicy
{
    private readonly SipRoutingOptions _options;

    /// <summary>Creates the policy.</summary>
    public SipRoutingPolicy(IOptions<SipRoutingOptions> options) => _options = options.Value;

    /// <summary>The first matching rule's reject, or <see cref="SipCallDecision.Accepted"/>.</summary>
    public SipCallDecision Decide(SipHeaderCollection headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        for (var i = 0; i < _options.Rules.Count; i++)
        {
            var rule = _options.Rules[i];
            foreach (var value in headers.GetAll(rule.Header))
            {
                if (value.Contains(rule.Contains, StringComparison.OrdinalIgnoreCase))
                {
                    // The reason names the rule, never the header value: it is caller data and may hold a number.
                    return SipCallDecision.Rejected(rule.Status, $"rejected by rule {i} on {rule.Header}");
                }
            }
        }

        return SipCallDecision.Accepted;
    }
}
