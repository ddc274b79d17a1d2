using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace DvServerless.Core.Tenants;

/// <summary>
/// Hashes API keys for storage and compares them in constant time. The hash is
/// <c>hex(SHA-256("dvserverless-api-key-v1:" + key))</c>, lowercase.
/// </summary>
/// <remarks>
/// A fast unsalted hash is right here because API keys are generated, high-entropy secrets (≥ 128 bits), not
/// passwords: a dictionary attack has nothing to guess. The fixed domain prefix keeps these hashes from matching a
/// SHA-256 of the same bytes used anywhere else. Generate a key with <see cref="GenerateKey"/> and configure only its
/// hash (<c>Tenants:Items:N:ApiKeyHash</c>).
/// </remarks>
public static class ApiKeyHasher
{
    /// <summary>The domain prefix hashed before the key.</summary>
    public const string DomainPrefix = "dvserverless-api-key-v1:";

    /// <summary>The length of a hash in hex characters.</summary>
    public const int HashLength = 64;

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Returns the lowercase hex hash of <paramref name="apiKey"/>.</summary>
    public static string Hash(string apiKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        var input = Encoding.UTF8.GetBytes(DomainPrefix + apiKey);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    /// <summary>Whether <paramref name="apiKey"/> hashes to <paramref name="expectedHash"/>, compared in constant time.</summary>
    public static bool Verify(string? apiKey, string? expectedHash) =>
        !string.IsNullOrEmpty(apiKey) && HashesEqual(Hash(apiKey), expectedHash);

    /// <summary>Compares two hex hashes in constant time (case-insensitive hex; false when either is malformed).</summary>
    public static bool HashesEqual(string? left, string? right)
    {
        if (left is not { Length: HashLength } || right is not { Length: HashLength })
        {
            return false;
        }

        Span<byte> a = stackalloc byte[HashLength / 2];
        Span<byte> b = stackalloc byte[HashLength / 2];
        if (Convert.FromHexString(left, a, out _, out var aWritten) != System.Buffers.OperationStatus.Done
            || Convert.FromHexString(right, b, out _, out var bWritten) != System.Buffers.OperationStatus.Done
            || aWritten != a.Length || bWritten != b.Length)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    /// <summary>Whether <paramref name="hash"/> has the shape of a hash (64 hex characters).</summary>
    public static bool IsHash(string? hash) =>
        hash is { Length: HashLength } && hash.AsSpan().IndexOfAnyExcept(HexDigits) < 0;

    /// <summary>Generates a new random API key (32 bytes, base64url, prefixed <c>dvs_</c> so leaked keys are recognisable).</summary>
    public static string GenerateKey() =>
        "dvs_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
