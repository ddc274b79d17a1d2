using DvServerless.Functions.Tests.Fakes;
using DvServerless.Adapters.Acs;
using DvServerless.Core.Calls;
using DvServerless.Core.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Functions.Tests.Tenants;

/// <summary>The real Functions app on a test server over Azurite, with tenants acme and contoso, an admin key, a fake clock and a recording ACS client.</summary>
public sealed class TenantApiHost : IAsyncDisposable
{
    public const string AcmeKey = "dvs_acme-test-key-0123456789abcdef";
    public const string ContosoKey = "dvs_contoso-test-key-0123456789abcdef";
    public const string AdminKey = "dvs_admin-test-key-0123456789abcdef";
    public const string SigningKey = "tenant-api-tests-signing-key-0123456789";

    private TenantApiHost(WebApplication app, FakeTimeProvider time, RecordingAcsClient acs)
    {
        App = app;
        Time = time;
        Acs = acs;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public FakeTimeProvider Time { get; }

    public RecordingAcsClient Acs { get; }

    public HttpClient Client { get; }

    public ICallSessionStore Sessions => App.Services.GetRequiredService<ICallSessionStore>();

    public IAuditLog Audit => App.Services.GetRequiredService<IAuditLog>();

    public static async Task<TenantApiHost> StartAsync(string azurite, IDictionary<string, string?>? extra = null, DateTimeOffset? now = null, Action<IServiceCollection>? services = null)
    {
        var time = new FakeTimeProvider(now ?? new DateTimeOffset(2026, 3, 2, 10, 0, 15, TimeSpan.Zero));
        var acs = new RecordingAcsClient();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite,
            // One emulator serves every test class at once on a loaded 2-core machine: a quiet host there can wait past the
            // 800 ms request budget for an answer that a real account gives in milliseconds, and would answer 503. These
            // tests are about the API; the budget has its own tests (StorageRequestBudgetTests, FunctionsStorageMiddlewareTests).
            ["Storage:RequestBudget"] = "00:00:10",
            ["Storage:SessionsContainer"] = "sessions-" + Guid.NewGuid().ToString("N")[..12],
            ["TENANT_CREDENTIALS"] = $"acme:{AcmeKey},contoso:{ContosoKey}",
            ["Tenants:AdminKeyHash"] = ApiKeyHasher.Hash(AdminKey),
            ["Tenants:Tokens:SigningKey"] = SigningKey,
            ["GW_RATE_LIMIT_RPM"] = "100000",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = FunctionsApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.RemoveAll<ICallAutomationClient>();
            builder.Services.AddSingleton<ICallAutomationClient>(acs);
            builder.Services.RemoveAll<TimeProvider>();
            builder.Services.AddSingleton<TimeProvider>(time);
            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        return new TenantApiHost(app, time, acs);
    }

    /// <summary>Stores a connected ACS session owned by <paramref name="tenantId"/>.</summary>
    public async Task<CallSession> SeedSessionAsync(string callId, string? tenantId)
    {
        var session = TestSessions.Connected(callId, tenantId, Time.GetUtcNow());
        Assert.True(await Sessions.TryCreateAsync(session));
        return session;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
