using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace DvServerless.Simulators.Realtime.Sip;

/// <summary>The simulator's SIP calls by <c>call_id</c>.</summary>
internal sealed class SipCallRegistry
{
    private readonly ConcurrentDictionary<string, SipCall> _calls = new(StringComparer.Ordinal);

    public SipCall Create()
    {
        // Real ids look like rtc_<32 hex> (PROTOCOL §2.2); webhook ids wh_<32 hex>.
        var call = new SipCall("rtc_" + Hex32(), "wh_" + Hex32());
        _calls[call.CallId] = call;
        return call;
    }

    public SipCall? Find(string callId) => _calls.GetValueOrDefault(callId);

    public IReadOnlyList<SipCall> All => _calls.Values.ToArray();

    public static string Hex32() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
