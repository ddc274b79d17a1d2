using DvServerless.Adapters.Acs;
using DvServerless.Core.Calls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace DvServerless.Functions.Tests.Fakes;

/// <summary>The real Functions app (FunctionsApp.Build) on an in-memory test server, with the store and ACS faked.</summary>
public sealed class TestFunctionsHost : IAsyncDisposable
{
    private TestFunctionsHost(WebApplication app, TestServices services)
    {
        App = app;
        Services = services;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public TestServices Services { get; }

    public HttpClient Client { get; }

    public static async Task<TestFunctionsHost> StartAsync(IDictionary<string, string?>? settings = null, ILoggerProvider? logs = null,
        Action<IServiceCollection, TestServices>? replace = null)
    {
        var services = new TestServices();
        var app = FunctionsApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
            builder.Services.RemoveAll<ICallSessionStore>();
            builder.Services.AddSingleton<ICallSessionStore>(services.Sessions);
            builder.Services.RemoveAll<ICallAutomationClient>();
            builder.Services.AddSingleton<ICallAutomationClient>(services.Acs);
            builder.Services.RemoveAll<TimeProvider>();
            builder.Services.AddSingleton<TimeProvider>(services.Time);
            replace?.Invoke(builder.Services, services);
            if (logs is not null)
            {
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
                builder.Logging.AddProvider(logs);
            }
        });
        await app.StartAsync();
        return new TestFunctionsHost(app, services);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
