using DvServerless.Core.Tenants;

namespace DvServerless.Core.Tests.Tenants;

public sealed class ApiKeyHasherTests
{
    [Fact]
    public void The_hash_is_sha256_hex_of_the_domain_prefixed_key()
    {
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("dvserverless-api-key-v1:secret-key"u8));
        Assert.Equal(expected, ApiKeyHasher.Hash("secret-key"));
        Assert.Equal(64, ApiKeyHasher.Hash("x").Length);
    }

    [Fact]
    public void Verify_accepts_only_the_right_key()
    {
        var hash = ApiKeyHasher.Hash("right");
        Assert.True(ApiKeyHasher.Verify("right", hash));
        Assert.True(ApiKeyHasher.Verify("right", hash.ToUpperInvariant()));
        Assert.False(ApiKeyHasher.Verify("wrong", hash));
        Assert.False(ApiKeyHasher.Verify("", hash));
        Assert.False(ApiKeyHasher.Verify(null, hash));
        Assert.False(ApiKeyHasher.Verify("right", "not-a-hash"));
        Assert.False(ApiKeyHasher.Verify("right", null));
    }

    [Fact]
    public void Generated_keys_are_distinct_and_high_entropy()
    {
        var a = ApiKeyHasher.GenerateKey();
        var b = ApiKeyHasher.GenerateKey();
        Assert.NotEqual(a, b);
        Assert.StartsWith("dvs_", a);
        Assert.True(a.Length >= 40);
    }
}
