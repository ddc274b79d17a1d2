namespace DvServerless.Core.Hosting;

/// <summary>
/// Tells whether an app runs in Azure, where the <see cref="LocalDefaults"/> (public development keys, Azurite, the
/// simulators) must never be used: Container Apps sets <c>CONTAINER_APP_NAME</c>, App Service and Functions set
/// <c>WEBSITE_SITE_NAME</c>.
/// </summary>
public static class AzureHostDetection
{
    /// <summary>The variable Container Apps sets to the app's name.</summary>
    public const string ContainerAppNameVariable = "CONTAINER_APP_NAME";

    /// <summary>The variable App Service and Azure Functions set to the site's name.</summary>
    public const string WebsiteSiteNameVariable = "WEBSITE_SITE_NAME";

    /// <summary>Whether <paramref name="setting"/> (configuration or environment lookup) names an Azure host.</summary>
    public static bool IsInAzure(Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        return !string.IsNullOrEmpty(setting(ContainerAppNameVariable)) || !string.IsNullOrEmpty(setting(WebsiteSiteNameVariable));
    }
}
