using System.Security.Cryptography;

namespace DvServerless.Simulators.Realtime;

/// <summary>Ids in the service's style: a prefix and 21 letters and digits (<c>event_C9G5RJeJ2gF77mV7f2B1j</c>).</summary>
internal static class RealtimeIds
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string New(string prefix) => prefix + "_" + RandomNumberGenerator.GetString(Alphabet, 21);
}
