using System.Text;
using DvServerless.Simulators.Acs;

namespace DvServerless.Simulators.Tests.Acs;

/// <summary>
/// The ACS simulator accepts every <c>CommunicationIdentifierModel</c> form the shared spec allows in a request
/// (common.json 2025-06-30: <c>kind</c> only required in responses, <c>rawId</c> optional in requests), e.g. a transfer or
/// redirect to a Teams user named only by <c>microsoftTeamsUser.userId</c>, and still refuses a target that names nobody.
/// </summary>
public sealed class AcsIdentifierValidatorTests
{
    [Theory]
    [InlineData("""{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}}""", "4:+14255550123")]
    [InlineData("""{"phoneNumber":{"value":"+14255550123"}}""", "4:+14255550123")]
    [InlineData("""{"communicationUser":{"id":"8:acs:r_u"}}""", "8:acs:r_u")]
    [InlineData("""{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"45ab2481"}}""", "8:orgid:45ab2481")]
    [InlineData("""{"microsoftTeamsUser":{"userId":"45ab2481","isAnonymous":true}}""", "8:teamsvisitor:45ab2481")]
    [InlineData("""{"microsoftTeamsUser":{"userId":"45ab2481","cloud":"gcch"}}""", "8:gcch:45ab2481")]
    [InlineData("""{"kind":"microsoftTeamsApp","microsoftTeamsApp":{"appId":"app-1","cloud":"dod"}}""", "28:dod:app-1")]
    [InlineData("""{"microsoftTeamsApp":{"appId":"app-1"}}""", "28:orgid:app-1")]
    [InlineData("""{"kind":"teamsExtensionUser","teamsExtensionUser":{"userId":"u","tenantId":"t","resourceId":"r"}}""", "8:acs:r_t_u")]
    [InlineData("""{"teamsExtensionUser":{"userId":"u","tenantId":"t","resourceId":"r","cloud":"gcch"}}""", "8:gcch-acs:r_t_u")]
    [InlineData("""{"kind":"microsoftTeamsUser","rawId":"8:orgid:as-sent","microsoftTeamsUser":{"userId":"45ab2481"}}""", "8:orgid:as-sent")]
    public void A_transfer_to_any_identifier_form_is_accepted(string target, string expectedRawId)
    {
        var (error, rawId, _) = AcsRequestValidator.ValidateTransfer(Body(target));

        Assert.Null(error);
        Assert.Equal(expectedRawId, rawId);
    }

    [Theory]
    [InlineData("""{"microsoftTeamsUser":{"isAnonymous":false}}""", "userId")]
    [InlineData("""{"microsoftTeamsApp":{}}""", "appId")]
    [InlineData("""{"teamsExtensionUser":{"userId":"u","tenantId":"t"}}""", "resourceId")]
    [InlineData("""{"kind":"microsoftTeamsUser"}""", "names nobody")]
    public void A_target_that_names_nobody_is_refused_with_the_reason(string target, string reasonWord)
    {
        var (error, rawId, _) = AcsRequestValidator.ValidateTransfer(Body(target));

        Assert.Null(rawId);
        Assert.Contains(reasonWord, error, StringComparison.Ordinal);
    }

    private static byte[] Body(string target) => Encoding.UTF8.GetBytes($$"""{"targetParticipant":{{target}},"operationContext":"ctx"}""");
}
