using CsCheck;
using DvServerless.Functions.Sessions;
using DvServerless.Testing.Fuzzing;

namespace DvServerless.Functions.Tests.Sessions;

/// <summary>
/// Hostile <c>PATCH /api/v1/sessions/{id}/meta</c> bodies: <see cref="SessionMetadataPatch.TryParse"/> answers a patch
/// or an error, never an exception; a patch that does not fit changes nothing; every accepted change obeys the limits.
/// </summary>
public sealed class SessionMetadataPatchFuzzTests
{
    private static readonly string[] Bodies =
    [
        """{"customerId":"C-42","campaign":null,"tier":"gold","x:y.z-1_2":"v"}""",
        """{"a":"1","b":"2","c":"3","d":null}""",
        """{}""",
    ];

    private static readonly Gen<Dictionary<string, string>> Existing =
        Gen.Int[0, SessionMetadataLimits.MaxEntries].Select(count => Enumerable.Range(0, count).ToDictionary(i => "k" + i, i => "v" + i));

    [Fact]
    public void Bodies_give_a_patch_or_an_error_and_a_refused_patch_changes_nothing()
    {
        Fuzz.Check(Gen.Select(HostileJson.Variants(Bodies), Existing), tuple =>
        {
            var (body, metadata) = tuple;
            Fuzz.WithinAllocation(Fuzz.LinearBound(body.Length), () =>
            {
                var patch = SessionMetadataPatch.TryParse(BinaryData.FromBytes(body), out var error);
                Assert.True(patch is null ^ error is null);
                if (patch is null)
                {
                    return;
                }

                Assert.All(patch.Changes, change =>
                {
                    Assert.True(SessionMetadataLimits.IsValidKey(change.Key));
                    Assert.True(change.Value is null || change.Value.Length <= SessionMetadataLimits.MaxValueLength);
                });
                var before = metadata.ToArray();
                if (!patch.TryApplyTo(metadata))
                {
                    Assert.Equal(before, metadata.ToArray());
                }
                else
                {
                    Assert.True(metadata.Count <= SessionMetadataLimits.MaxEntries);
                }
            });
        }, t => HostileJson.Print(t.Item1));
    }
}
