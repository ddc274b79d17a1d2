using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace DvServerless.Functions.Hosting.OpenApi;

/// <summary>
/// The OpenAPI 3.1 description of every public route, generated from the functions themselves (their route, methods,
/// route values, <see cref="OpenApiQueryAttribute"/>, <see cref="OpenApiRequestBodyAttribute"/>, <c>[ProducesResponseType]</c>,
/// summaries and tags) by <c>Microsoft.AspNetCore.OpenApi</c>. The standalone host serves it at <c>/api/openapi.json</c> with a
/// reference page at <c>/api/docs</c>; <c>docs/openapi.json</c> in the repository is the same document, kept in step by a test.
/// </summary>
public static class FunctionsOpenApi
{
    /// <summary>Where the document is served.</summary>
    public const string DocumentPath = "/" + FunctionRouteTable.Prefix + "/openapi.json";

    /// <summary>Where the reference page is served.</summary>
    public const string ReferencePath = "/" + FunctionRouteTable.Prefix + "/docs";

    private const string ApiKeyScheme = "apiKey";
    private const string BearerScheme = "bearer";

    /// <summary>Registers the document generator and its transformers.</summary>
    public static IServiceCollection AddFunctionsOpenApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "DvServerless Functions API",
                    Version = "v1",
                    Description = "The tenant API (sessions, browser voice sessions, ephemeral Realtime keys, minutes, voices, TTS cache) and the webhooks of the DvServerless voice gateway. "
                        + "Tenant routes take 'X-Api-Key: <key>', 'Authorization: Bearer <token from POST /api/v1/auth/token>', "
                        + "or the browser SDK's pair 'Robot-Key: <tenant id>' + 'Robot-Token: <key>'. "
                        + "Errors are {\"error\": code, \"message\": text}.",
                };
                // Served from wherever the app runs: no server URL is baked in.
                document.Servers = [];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    [ApiKeyScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, Name = "X-Api-Key", In = ParameterLocation.Header, Description = "A tenant's or the admin's API key." },
                    [BearerScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT", Description = "A token from POST /api/v1/auth/token (15 minutes)." },
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var route = metadata.OfType<HttpFunctionRoute>().FirstOrDefault();
                if (route is null)
                {
                    return Task.CompletedTask;
                }

                operation.OperationId = route.Name + (route.Methods.Count > 1 ? context.Description.HttpMethod?.ToUpperInvariant() switch
                {
                    "GET" => "List",
                    "POST" => "Add",
                    "OPTIONS" => "Handshake",
                    var other => other,
                } : string.Empty);
                if (metadata.OfType<IEndpointSummaryMetadata>().LastOrDefault() is { } summary)
                {
                    operation.Summary = summary.Summary;
                }

                AddPathParameters(operation, route);
                AddQueryParameters(operation, route.Method);
                Describe(operation, route, context.Document!);
                AddExamples(operation, context);
                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>Serves the document and the reference page (standalone host).</summary>
    public static WebApplication MapFunctionsOpenApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi(DocumentPath);
        app.MapScalarApiReference(ReferencePath, options => options
            .WithTitle("DvServerless Functions API")
            .WithOpenApiRoutePattern(DocumentPath));
        return app;
    }

    // Route values are bound by the function's own binder, so they are declared from the route template.
    private static void AddPathParameters(OpenApiOperation operation, HttpFunctionRoute route)
    {
        var template = Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse(route.Route);
        foreach (var parameter in template.Parameters)
        {
            operation.Parameters ??= [];
            if (operation.Parameters.Any(p => p.Name == parameter.Name && p.In == ParameterLocation.Path))
            {
                continue;
            }

            operation.Parameters.Add(new OpenApiParameter
            {
                Name = parameter.Name,
                In = ParameterLocation.Path,
                Required = true,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
    }

    private static void AddQueryParameters(OpenApiOperation operation, MethodInfo method)
    {
        foreach (var query in method.GetCustomAttributes<OpenApiQueryAttribute>())
        {
            var schema = new OpenApiSchema
            {
                Type = query.Type == typeof(int) ? JsonSchemaType.Integer : query.Type == typeof(bool) ? JsonSchemaType.Boolean : JsonSchemaType.String,
            };
            if (query.Values is { } values)
            {
                schema.Enum = values.Select(v => (JsonNode)JsonValue.Create(v)!).ToList();
            }

            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = query.Name,
                In = ParameterLocation.Query,
                Required = query.Required,
                Description = query.Description,
                Schema = schema,
            });
        }
    }

    private static void Describe(OpenApiOperation operation, HttpFunctionRoute route, OpenApiDocument document)
    {
        var webhook = route.Method.GetCustomAttribute<OpenApiWebhookAttribute>();
        if (webhook is not null)
        {
            operation.Description = $"Webhook called by {webhook.Sender}, not by API clients. {webhook.Authentication}"
                + (operation.Description is { Length: > 0 } more ? " " + more : string.Empty);
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-dvs-webhook"] = new JsonNodeExtension(JsonValue.Create(true));
            return;
        }

        if (route.AuthLevel == AuthorizationLevel.Anonymous && route.Name != "AuthToken")
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
            ];
        }
    }

    private static void AddExamples(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var json = context.ApplicationServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        foreach (var response in context.Description.SupportedResponseTypes)
        {
            if (response.Type is null || operation.Responses is null
                || !operation.Responses.TryGetValue(response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), out var described)
                || described.Content is null || !described.Content.TryGetValue("application/json", out var media)
                || OpenApiExamples.For(response.Type, response.StatusCode, json) is not { } example)
            {
                continue;
            }

            media.Example = example;
        }

        var body = context.Description.ParameterDescriptions.FirstOrDefault(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body);
        if (body?.Type is { } bodyType && operation.RequestBody?.Content is { } content
            && content.TryGetValue("application/json", out var bodyMedia) && OpenApiExamples.For(bodyType, StatusCodes.Status200OK, json) is { } bodyExample)
        {
            bodyMedia.Example = bodyExample;
        }
    }
}
