using Azure.Identity;
using DvServerless.Adapters.Telemetry;

namespace DvServerless.Adapters.Tests.Telemetry;

public sealed class ApplicationInsightsAuthenticationTests
{
    [Theory]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD")]
    [InlineData(" authorization = aad ; clientid = 11111111-2222-3333-4444-555555555555 ")]
    [InlineData("Authorization=AAD")]
    public void Entra_id_authorization_gives_a_managed_identity_credential(string setting) =>
        Assert.IsType<ManagedIdentityCredential>(ApplicationInsightsAuthentication.CredentialFrom(setting));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555")]
    [InlineData("Authorization=Key")]
    [InlineData("garbage")]
    public void Anything_else_leaves_the_exporter_as_it_is(string? setting) =>
        Assert.Null(ApplicationInsightsAuthentication.CredentialFrom(setting));
}
