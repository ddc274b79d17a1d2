using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Hosting;

/// <summary>
/// The app's HTTP functions, read from their <c>[Function]</c> and <c>[HttpTrigger]</c> attributes: the single source of
/// truth for both hosts. The Functions SDK generates <c>functions.metadata</c> from the same attributes; the standalone app
/// maps this table onto Kestrel (<see cref="StandaloneFunctionEndpoints"/>).
/// </summary>
public static class FunctionRouteTable
{
    /// <summary><c>extensions.http.routePrefix</c> in host.json (the host's default).</summary>
    public const string Prefix = "api";

    /// <summary>Parameter types a standalone HTTP function may take besides route values (strings named like the route's).</summary>
    private static readonly Type[] BindableTypes = [typeof(HttpRequest), typeof(CancellationToken)];

    /// <summary>Every HTTP function of <paramref name="assembly"/>, ordered by name; throws on a signature the standalone host cannot bind.</summary>
    public static IReadOnlyList<HttpFunctionRoute> Read(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return Read(assembly.GetTypes());
    }

    /// <summary>Every HTTP function declared by <paramref name="types"/>, ordered by name.</summary>
    public static IReadOnlyList<HttpFunctionRoute> Read(IEnumerable<Type> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        var routes = new List<HttpFunctionRoute>();
        foreach (var type in types)
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var function = method.GetCustomAttribute<FunctionAttribute>();
                var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null);
                if (function is null || trigger is null)
                {
                    continue;
                }

                var route = trigger.Route ?? function.Name;
                var methods = (trigger.Methods ?? ["get", "post"]).Select(m => m.ToUpperInvariant()).ToArray();
                var entry = new HttpFunctionRoute(function.Name, methods, route, trigger.AuthLevel, method);
                CheckBindable(entry);
                routes.Add(entry);
            }
        }

        var duplicate = routes.GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two functions are named '{duplicate.Key}'.");
        }

        return routes.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    // In Functions mode route values come from the host's binding data; standalone binds them itself, so a parameter it
    // cannot bind must fail at start-up, not on the first request.
    private static void CheckBindable(HttpFunctionRoute route)
    {
        var template = Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse(route.Route);
        foreach (var parameter in route.Method.GetParameters())
        {
            if (BindableTypes.Contains(parameter.ParameterType))
            {
                continue;
            }

            if (parameter.ParameterType == typeof(string) && template.GetParameter(parameter.Name!) is not null)
            {
                continue;
            }

            throw new InvalidOperationException(
                $"Function {route.Name}: the standalone host cannot bind parameter '{parameter.Name}' ({parameter.ParameterType.Name}); "
                + "HTTP functions take HttpRequest, CancellationToken and string route values.");
        }

        var returns = route.Method.ReturnType;
        if (returns != typeof(Task<IResult>) && returns != typeof(IResult))
        {
            throw new InvalidOperationException($"Function {route.Name}: HTTP functions return IResult or Task<IResult>, not {returns.Name}.");
        }
    }
}
