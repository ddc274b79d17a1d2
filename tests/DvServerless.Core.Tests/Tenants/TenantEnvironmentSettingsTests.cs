using DvServerless.Core.Tenants;

namespace DvServerless.Core.Tests.Tenants;

public sealed class TenantEnvironmentSettingsTests
{
    private static Func<string, string?> Settings(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void The_familiar_flat_settings_are_accepted_as_they_are()
    {
        var options = new TenantsOptions();
        TenantEnvironmentSettings.ApplyTo(options, Settings(
            ("TENANT_CREDENTIALS", "acme:KEY1:with-colon-0123456789abcdef, contoso:KEY2-0123456789abcdefghijkl"),
            ("TENANT_LIMITS", "acme:10,contoso:20"),
            ("GW_RATE_LIMIT_RPM", "120")));

        var directory = new TenantDirectory(options);
        Assert.Equal("acme", directory.FindByApiKey("KEY1:with-colon-0123456789abcdef")?.Id);
        Assert.Equal("contoso", directory.FindByApiKey("KEY2-0123456789abcdefghijkl")?.Id);
        Assert.Equal(10, directory.FindById("acme")!.MaxConcurrentCalls);
        Assert.Equal(20, directory.FindById("contoso")!.MaxConcurrentCalls);
        Assert.Equal(120, directory.RateLimitPerMinute);
    }

    [Fact]
    public void Flat_settings_merge_into_the_section_and_win()
    {
        var options = new TenantsOptions
        {
            Items = [new() { Id = "acme", ApiKeyHash = ApiKeyHasher.Hash("old"), MaxConcurrentCalls = 3, PhoneNumbers = ["+14255550123"] }],
        };
        TenantEnvironmentSettings.ApplyTo(options, Settings(("TENANT_CREDENTIALS", "acme:new-key-0123456789abcdefghij")));

        var directory = new TenantDirectory(options);
        Assert.Null(directory.FindByApiKey("old"));
        Assert.Equal("acme", directory.FindByApiKey("new-key-0123456789abcdefghij")?.Id);
        Assert.Equal(3, directory.FindById("acme")!.MaxConcurrentCalls);
        Assert.Equal(300, directory.RateLimitPerMinute);
    }

    [Theory]
    [InlineData("TENANT_CREDENTIALS", "acme-secret-without-colon")]
    [InlineData("TENANT_CREDENTIALS", "bad id:secret-value")]
    [InlineData("TENANT_CREDENTIALS", "acme:")]
    [InlineData("TENANT_CREDENTIALS", "acme:secret-too-short")]
    [InlineData("TENANT_CREDENTIALS", "acme:secret-value-0123456789abcdef,contoso:secret-23-chars-long-xx")]
    [InlineData("TENANT_LIMITS", "acme:ten")]
    [InlineData("TENANT_LIMITS", "acme:-1")]
    [InlineData("GW_RATE_LIMIT_RPM", "0")]
    [InlineData("GW_RATE_LIMIT_RPM", "fast")]
    public void Malformed_flat_settings_fail_without_echoing_secrets(string name, string value)
    {
        var error = Assert.Throws<FormatException>(() => TenantEnvironmentSettings.ApplyTo(new TenantsOptions(), Settings((name, value))));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }
}
