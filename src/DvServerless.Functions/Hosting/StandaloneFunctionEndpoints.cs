using System.Reflection;

namespace DvServerless.Functions.Hosting;

/// <summary>
/// Serves the <see cref="FunctionRouteTable"/> on Kestrel when no Functions host runs the app: the same paths, methods and
/// function classes, one class instance per request (as the worker creates one per invocation), route values bound by
/// name, the request's abort token as the <see cref="CancellationToken"/>.
/// </summary>
public static class StandaloneFunctionEndpoints
{
    /// <summary>Maps every HTTP function of <paramref name="routes"/>; each endpoint is named after its function.</summary>
    public static IEndpointRouteBuilder MapHttpFunctions(this IEndpointRouteBuilder app, IEnumerable<HttpFunctionRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(routes);
        foreach (var route in routes)
        {
            var invoke = Invoker(route.Method);
            // The method and its attributes (summary, tags, declared bodies and responses) describe the endpoint for
            // the OpenAPI document, as they would for a minimal-API handler.
            app.MapMethods(route.Path, route.Methods, invoke)
                .WithName(route.Name)
                .WithMetadata(route)
                .WithMetadata(route.Method)
                .WithMetadata(route.Method.GetCustomAttributes(inherit: true));
        }

        return app;
    }

    private static RequestDelegate Invoker(MethodInfo method)
    {
        var parameters = method.GetParameters();
        var factory = method.IsStatic ? null : ActivatorUtilities.CreateFactory(method.DeclaringType!, Type.EmptyTypes);
        return async context =>
        {
            var instance = factory?.Invoke(context.RequestServices, null);
            var arguments = new object?[parameters.Length];
            for (var i = 0; i < parameters.Length; i++)
            {
                var type = parameters[i].ParameterType;
                arguments[i] = type == typeof(HttpRequest) ? context.Request
                    : type == typeof(CancellationToken) ? context.RequestAborted
                    : context.Request.RouteValues[parameters[i].Name!]?.ToString();
            }

            IResult result;
            try
            {
                var returned = method.Invoke(instance, arguments);
                result = returned is Task<IResult> pending ? await pending.ConfigureAwait(false) : (IResult)returned!;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
            finally
            {
                if (instance is IAsyncDisposable asyncDisposable)
                {
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                }
                else if (instance is IDisposable disposable)
                {
                    disposable.Dispose();
                }
            }

            await result.ExecuteAsync(context).ConfigureAwait(false);
        };
    }
}
