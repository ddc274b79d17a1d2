using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>
/// The worker's static pages: the browser voice client <c>/sdk/dvs-voice.js</c> (an ES module, with its AudioWorklet
/// module <c>/sdk/dvs-voice-worklet.js</c>), the console <c>/console</c> and the live dashboard <c>/dashboard</c> (HTML,
/// script, style), <c>/console/config.json</c> and <c>/dashboard/config.json</c> → <c>{"apiBase": …}</c>, the Functions
/// app's base URL (setting <c>Console:ApiBaseUrl</c>, default <see cref="DefaultApiBaseUrl"/>), and the dashboard's
/// SignalR client <c>/lib/signalr.min.js</c>.
/// </summary>
/// <remarks>
/// The pages are embedded in the assembly (from <c>wwwroot/</c>), so they are served the same whichever process hosts the
/// worker (the container, <c>dvs up</c>, tests) and whatever its content root. Third-party scripts from npm are not in the
/// repository: the build (or the image) puts them next to the assembly in <c>wwwroot/lib/</c>, read from there at start.
/// Each answer carries a strong ETag and <c>Cache-Control: no-cache</c>: browsers revalidate and get 304 until the worker
/// is upgraded. The SDK files are public code and allow any origin, so a page on another origin can import them.
/// </remarks>
public static class StaticPagesEndpoints
{
    /// <summary>The configuration key of the Functions app's base URL the console calls.</summary>
    public const string ApiBaseUrlKey = "Console:ApiBaseUrl";

    /// <summary>The default of <see cref="ApiBaseUrlKey"/>: the local Functions app.</summary>
    public const string DefaultApiBaseUrl = "http://127.0.0.1:7071";

    /// <summary>The configuration key of the Azure SignalR Service connection string (its endpoint is where the dashboard's client connects in the cloud).</summary>
    public const string AzureSignalRConnectionStringKey = "Azure:SignalR:ConnectionString";

    private const string ResourcePrefix = "wwwroot/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".js"] = "text/javascript; charset=utf-8",
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".json"] = "application/json; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Maps the pages. Throws at start-up when <c>Console:ApiBaseUrl</c> is not an absolute http(s) URL, so a bad
    /// setting fails fast rather than in a browser.
    /// </summary>
    public static IEndpointRouteBuilder MapStaticPages(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var configuration = (IConfiguration?)endpoints.ServiceProvider.GetService(typeof(IConfiguration));
        var apiBase = ApiBaseUrl(configuration?[ApiBaseUrlKey]);

        var files = LoadEmbeddedFiles(typeof(StaticPagesEndpoints).Assembly);
        foreach (var (path, file) in LoadLibraryFiles(Path.Combine(AppContext.BaseDirectory, "wwwroot", "lib")))
        {
            files.TryAdd(path, file);
        }

        foreach (var (path, file) in files)
        {
            var isSdk = path.StartsWith("/sdk/", StringComparison.Ordinal);
            endpoints.MapGet(path, (HttpContext context) => Serve(context, file, isSdk)).ExcludeFromDescription();
        }

        if (files.TryGetValue("/console/index.html", out var index))
        {
            var csp = ConsoleContentSecurityPolicy(apiBase);
            // Routing matches "/console/" to this template too.
            endpoints.MapGet("/console", (HttpContext context) => ServePage(context, index, csp)).ExcludeFromDescription();
        }

        if (files.TryGetValue("/dashboard/index.html", out var dashboard))
        {
            var csp = DashboardContentSecurityPolicy(apiBase, AzureSignalROrigin(configuration?[AzureSignalRConnectionStringKey]));
            endpoints.MapGet("/dashboard", (HttpContext context) => ServePage(context, dashboard, csp)).ExcludeFromDescription();
        }

        var configJson = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, string> { ["apiBase"] = apiBase }));
        foreach (var path in new[] { "/console/config.json", "/dashboard/config.json" })
        {
            var config = StaticFile.Create(path, configJson);
            endpoints.MapGet(config.Path, (HttpContext context) => Serve(context, config, allowAnyOrigin: false)).ExcludeFromDescription();
        }

        return endpoints;
    }

    private static string ApiBaseUrl(string? configured)
    {
        var value = string.IsNullOrWhiteSpace(configured) ? DefaultApiBaseUrl : configured.Trim();
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"{ApiBaseUrlKey} must be an absolute http(s) URL (the Functions app the console calls).");
        }

        return uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    private static string ConsoleContentSecurityPolicy(string apiBase)
    {
        // The page talks to its own origin, the API and the media WebSocket (whose host the API names); nothing else.
        var api = new Uri(apiBase).GetLeftPart(UriPartial.Authority);
        return $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' {api} ws: wss:; "
            + "media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
    }

    private static string DashboardContentSecurityPolicy(string apiBase, string? signalROrigin)
    {
        // Its own origin (the page, the hub), the API for tokens and, in the cloud, Azure SignalR Service, where the
        // client goes after negotiating; nothing else, and no media.
        var api = new Uri(apiBase).GetLeftPart(UriPartial.Authority);
        var service = signalROrigin is null ? string.Empty : " " + signalROrigin;
        return $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' {api}{service} ws: wss:; "
            + "media-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
    }

    // The Endpoint=… of an Azure SignalR connection string (the SDK's format); null when there is none.
    private static string? AzureSignalROrigin(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part[..equals].Trim().Equals("Endpoint", StringComparison.OrdinalIgnoreCase)
                && Uri.TryCreate(part[(equals + 1)..].Trim(), UriKind.Absolute, out var endpoint)
                && (endpoint.Scheme == Uri.UriSchemeHttps || endpoint.Scheme == Uri.UriSchemeHttp))
            {
                return endpoint.GetLeftPart(UriPartial.Authority);
            }
        }

        return null;
    }

    private static IResult ServePage(HttpContext context, StaticFile file, string contentSecurityPolicy)
    {
        context.Response.Headers.ContentSecurityPolicy = contentSecurityPolicy;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return Serve(context, file, allowAnyOrigin: false);
    }

    private static IResult Serve(HttpContext context, StaticFile file, bool allowAnyOrigin)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ETag = file.ETag;
        headers.XContentTypeOptions = "nosniff";
        if (allowAnyOrigin)
        {
            headers.AccessControlAllowOrigin = "*";
        }

        if (context.Request.Headers.IfNoneMatch.Any(tag => string.Equals(tag, file.ETag, StringComparison.Ordinal)))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(file.Content, file.ContentType);
    }

    private static Dictionary<string, StaticFile> LoadEmbeddedFiles(Assembly assembly)
    {
        var files = new Dictionary<string, StaticFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var normalized = name.Replace('\\', '/');
            if (!normalized.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var path = "/" + normalized[ResourcePrefix.Length..];
            files[path] = StaticFile.Create(path, buffer.ToArray());
        }

        return files;
    }

    private static Dictionary<string, StaticFile> LoadLibraryFiles(string folder)
    {
        var files = new Dictionary<string, StaticFile>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            return files;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.js"))
        {
            var path = "/lib/" + System.IO.Path.GetFileName(file);
            files[path] = StaticFile.Create(path, File.ReadAllBytes(file));
        }

        return files;
    }

    private sealed record StaticFile(string Path, byte[] Content, string ContentType, string ETag)
    {
        public static StaticFile Create(string path, byte[] content)
        {
            var contentType = ContentTypes.GetValueOrDefault(System.IO.Path.GetExtension(path), "application/octet-stream");
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12)) + "\"";
            return new StaticFile(path, content, contentType, etag);
        }
    }
}
