using DvServerless.Core.Tenants;

namespace DvServerless.Core.Tests.Tenants;

public sealed class TenantDirectoryTests
{
    private static TenantsOptions Options() => new()
    {
        Items =
        [
            new() { Id = "acme", ApiKey = "acme-key-0123456789abcdef", MaxConcurrentCalls = 2, PhoneNumbers = ["+14255550123"], SipUris = ["sip:support@acme.example"] },
            new() { Id = "contoso", ApiKeyHash = ApiKeyHasher.Hash("contoso-key-0123456789abcdef"), PhoneNumbers = ["+1 (800) 555-1234"] },
        ],
        AdminKey = "admin-key-0123456789abcdef",
    };

    [Fact]
    public void Api_keys_resolve_to_their_tenant_and_clear_keys_are_dropped()
    {
        var options = Options();
        var directory = new TenantDirectory(options);

        Assert.Equal("acme", directory.FindByApiKey("acme-key-0123456789abcdef")?.Id);
        Assert.Equal("contoso", directory.FindByApiKey("contoso-key-0123456789abcdef")?.Id);
        Assert.Null(directory.FindByApiKey("acme-key-0123456789abcdefabcde"));
        Assert.Null(directory.FindByApiKey(null));
        Assert.All(options.Items, t => Assert.Null(t.ApiKey));
        Assert.Null(options.AdminKey);
        Assert.Equal(ApiKeyHasher.Hash("acme-key-0123456789abcdef"), directory.FindById("acme")!.ApiKeyHash);
    }

    [Fact]
    public void Authenticate_tells_admin_tenant_and_strangers_apart()
    {
        var directory = new TenantDirectory(Options());

        Assert.Equal(TenantCaller.Admin, directory.Authenticate("admin-key-0123456789abcdef"));
        Assert.Equal(TenantCaller.ForTenant("acme"), directory.Authenticate("acme-key-0123456789abcdef"));
        Assert.Null(directory.Authenticate("nobody"));
        Assert.Null(directory.Authenticate(""));
        Assert.False(directory.IsAdminKey("acme-key-0123456789abcdef"));
    }

    [Theory]
    [InlineData("4:+14255550123", "acme")]
    [InlineData("+14255550123", "acme")]
    [InlineData("tel:+1-425-555-0123", "acme")]
    [InlineData("sip:+14255550123@sbc.example;user=phone", "acme")]
    [InlineData("sip:Support@ACME.example:5061;transport=tls", "acme")]
    [InlineData("<sips:support@acme.example>", "acme")]
    [InlineData("4:+18005551234", "contoso")]
    [InlineData("4:+18005559999", null)]
    [InlineData("sip:sales@acme.example", null)]
    [InlineData("8:acs:resource_user", null)]
    public void Called_parties_route_to_their_tenant(string calledParty, string? tenant) =>
        Assert.Equal(tenant, new TenantDirectory(Options()).FindByCalledParty(calledParty)?.Id);

    [Fact]
    public void Limits_are_kept_and_zero_means_unlimited()
    {
        var options = Options();
        options.Items[1].MaxConcurrentCalls = 0;
        var directory = new TenantDirectory(options);
        Assert.Equal(2, directory.FindById("acme")!.MaxConcurrentCalls);
        Assert.Null(directory.FindById("contoso")!.MaxConcurrentCalls);
    }

    [Fact]
    public void Invalid_settings_are_refused_without_echoing_keys()
    {
        var options = new TenantsOptions
        {
            Items =
            [
                new() { Id = "acme", ApiKey = "super-secret-value-0123456789", PhoneNumbers = ["+14255550123"] },
                new() { Id = "acme", ApiKeyHash = "zz" },
                new() { Id = "bad id!", ApiKey = "k" },
                new() { Id = "nokey" },
                new() { Id = "dup", ApiKey = "k2", PhoneNumbers = ["4:+14255550123"] },
            ],
            RateLimitPerMinute = 0,
        };

        var errors = options.Validate();
        Assert.Contains(errors, e => e.Contains("configured twice", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("ApiKeyHash must be 64 hex", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Tenants:Items:2:Id", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'nokey' has no ApiKeyHash", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("already routed to tenant 'acme'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("RateLimitPerMinute", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("super-secret-value-0123456789", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => new TenantDirectory(options));
    }

    [Fact]
    public void Own_openai_project_settings_are_checked_without_echoing_secrets()
    {
        const string Shared = "whsec_c2hhcmVkLXNlY3JldC1ieS10d28tdGVuYW50cw==";
        var options = new TenantsOptions
        {
            UnroutedMaxConcurrentCalls = -1,
            Items =
            [
                new() { Id = "acme", ApiKey = "k1", OpenAIWebhookSecret = Shared },
                new() { Id = "contoso", ApiKey = "k2", OpenAIWebhookSecret = Shared },
                new() { Id = "globex", ApiKey = "k3", OpenAIApiKey = "sk-globex-project-key" },
            ],
        };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.Contains("'contoso': OpenAIWebhookSecret is the same as tenant 'acme'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'globex': OpenAIApiKey needs OpenAIWebhookSecret", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("UnroutedMaxConcurrentCalls", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains(Shared, StringComparison.Ordinal) || e.Contains("sk-globex", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tenants_own_openai_project_is_kept_and_listed_by_webhook_secret()
    {
        var options = Options();
        options.Items[1].OpenAIWebhookSecret = "whsec_Y29udG9zby1vd24tcHJvamVjdC13ZWJob29r";
        options.Items[1].OpenAIApiKey = "sk-contoso-project";
        options.UnroutedMaxConcurrentCalls = 4;

        var directory = new TenantDirectory(options);

        var contoso = Assert.Single(directory.TenantsWithOpenAIWebhookSecret);
        Assert.Equal(("contoso", "sk-contoso-project"), (contoso.Id, contoso.OpenAIApiKey));
        Assert.Null(directory.FindById("acme")!.OpenAIApiKey);
        Assert.Equal(4, directory.UnroutedMaxConcurrentCalls);
        Assert.Equal(TenantsOptions.DefaultUnroutedMaxConcurrentCalls, new TenantsOptions().UnroutedMaxConcurrentCalls);
    }

    [Fact]
    public void Callers_reach_only_their_own_resources()
    {
        var acme = TenantCaller.ForTenant("acme");
        Assert.True(acme.CanAccess("acme"));
        Assert.False(acme.CanAccess("contoso"));
        Assert.False(acme.CanAccess(null));
        Assert.True(TenantCaller.Admin.CanAccess("contoso"));
        Assert.True(TenantCaller.Admin.CanAccess(null));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(23)]
    public void A_clear_api_key_shorter_than_24_characters_is_refused_naming_the_setting(int length)
    {
        var key = new string('Z', length);
        var tenant = new TenantsOptions { Items = [new() { Id = "acme", ApiKey = key }] };
        var admin = new TenantsOptions { AdminKey = key };

        var tenantErrors = tenant.Validate();
        var adminErrors = admin.Validate();

        Assert.Contains(tenantErrors, e => e.Contains("Tenants:Items:0:ApiKey", StringComparison.Ordinal) && e.Contains("at least 24", StringComparison.Ordinal));
        Assert.Contains(adminErrors, e => e.Contains("Tenants:AdminKey", StringComparison.Ordinal) && e.Contains("at least 24", StringComparison.Ordinal));
        Assert.DoesNotContain(tenantErrors.Concat(adminErrors), e => e.Contains(key, StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => new TenantDirectory(tenant));
        Assert.Empty(new TenantsOptions { Items = [new() { Id = "acme", ApiKey = new string('s', 24) }], AdminKey = new string('a', 24) }.Validate());
    }

    [Theory]
    [InlineData("default")]
    [InlineData("Default")]
    public void The_default_tenant_id_is_reserved(string id)
    {
        var options = new TenantsOptions { Items = [new() { Id = id, ApiKey = "a-long-enough-key-0123456789" }] };

        Assert.Contains(options.Validate(), e => e.Contains("reserved", StringComparison.Ordinal) && e.Contains("Tenants:Items:0:Id", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => new TenantDirectory(options));
    }
}
