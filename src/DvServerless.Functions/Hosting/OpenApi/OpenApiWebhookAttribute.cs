namespace DvServerless.Functions.Hosting.OpenApi;

/// <summary>
/// Marks an HTTP function as a webhook that an outside service calls (Event Grid, ACS, OpenAI), not part of the tenant API:
/// its description says who calls it and how the call is authenticated.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OpenApiWebhookAttribute : Attribute
{
    /// <summary>Marks the webhook of <paramref name="sender"/>, authenticated by <paramref name="authentication"/>.</summary>
    public OpenApiWebhookAttribute(string sender, string authentication)
    {
        Sender = sender;
        Authentication = authentication;
    }

    /// <summary>Who calls it.</summary>
    public string Sender { get; }

    /// <summary>How the app or the host authenticates the call.</summary>
    public string Authentication { get; }
}
