using DvServerless.Testing;
using DvServerless.Testing.Schemas;

namespace DvServerless.Adapters.Tests.Acs;

/// <summary>Tests of the reusable spec validator (tests/DvServerless.Testing/Schemas), which the ACS client tests rely on.</summary>
public sealed class SwaggerSchemaValidatorTests : IDisposable
{
    private const string SpecPath = "specs/acs/data-plane/CallAutomation/stable/2026-03-12/communicationservicescallautomation.json";
    private readonly string _folder = Directory.CreateTempSubdirectory("dvs-schema-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private SwaggerSchemaValidator Write(string main, string? common = null)
    {
        if (common is not null)
        {
            Directory.CreateDirectory(Path.Combine(_folder, "common"));
            File.WriteAllText(Path.Combine(_folder, "common", "common.json"), common);
        }

        Directory.CreateDirectory(Path.Combine(_folder, "api"));
        var path = Path.Combine(_folder, "api", "spec.json");
        File.WriteAllText(path, main);
        return SwaggerSchemaValidator.Load(path);
    }

    private const string Swagger = """
        {"swagger":"2.0","definitions":{
          "Req":{"type":"object","required":["name","opts"],"additionalProperties":false,"properties":{
             "name":{"type":"string"},"count":{"type":"integer","minimum":0},"color":{"$ref":"#/definitions/Color"},
             "who":{"$ref":"#/definitions/Id"},"tags":{"type":"array","items":{"type":"string"}},"opts":{"$ref":"#/definitions/Base"}}},
          "Color":{"type":"string","enum":["red","blue"]},
          "Id":{"$ref":"../common/common.json#/definitions/Identifier"},
          "Base":{"type":"object","required":["kind"],"discriminator":"kind","properties":{"kind":{"type":"string","enum":["ws","other"]}}},
          "WsOpts":{"type":"object","allOf":[{"$ref":"#/definitions/Base"}],"x-ms-discriminator-value":"ws","additionalProperties":false,"properties":{"url":{"type":"string"}}}
        }}
        """;

    private const string Common = """{"definitions":{"Identifier":{"type":"object","properties":{"rawId":{"type":"string"},"phoneNumber":{"type":"object","required":["value"],"properties":{"value":{"type":"string"}}}}}}}""";

    [Fact]
    public void Valid_instance_has_no_violations()
    {
        var validator = Write(Swagger, Common);
        var violations = validator.ValidateDefinition("Req", """{"name":"a","count":2,"color":"red","who":{"rawId":"4:+1","phoneNumber":{"value":"+1"}},"tags":["x"],"opts":{"kind":"ws","url":"wss://x"}}""");
        Assert.Empty(violations);
    }

    [Theory]
    [InlineData("""{"opts":{"kind":"ws"}}""", "'name' is missing")]
    [InlineData("""{"name":1,"opts":{"kind":"ws"}}""", "expected string")]
    [InlineData("""{"name":"a","count":1.5,"opts":{"kind":"ws"}}""", "expected integer")]
    [InlineData("""{"name":"a","count":-1,"opts":{"kind":"ws"}}""", "minimum")]
    [InlineData("""{"name":"a","color":"green","opts":{"kind":"ws"}}""", "is not one of")]
    [InlineData("""{"name":"a","extra":true,"opts":{"kind":"ws"}}""", "'extra' is not allowed")]
    [InlineData("""{"name":"a","tags":[1],"opts":{"kind":"ws"}}""", "$.tags[0]")]
    [InlineData("""{"name":"a","who":{"phoneNumber":{}},"opts":{"kind":"ws"}}""", "'value' is missing")]
    [InlineData("""{"name":"a","opts":{"kind":"ws","bogus":1}}""", "'bogus' is not allowed")]
    [InlineData("""{"name":"a","opts":{"kind":"nope"}}""", "is not one of")]
    [InlineData("""{"name":"a","opts":{}}""", "'kind' is missing")]
    public void Violations_are_reported_with_a_path(string json, string expected)
    {
        var validator = Write(Swagger, Common);
        var violations = validator.ValidateDefinition("Req", json);
        Assert.Contains(violations, v => v.Contains(expected, StringComparison.Ordinal));
    }

    private const string OpenApi = """
        {"openapi":"3.1.0","components":{"schemas":{
          "Event":{"oneOf":[{"$ref":"#/components/schemas/A"},{"$ref":"#/components/schemas/B"}]},
          "Mapped":{"oneOf":[{"$ref":"#/components/schemas/A"},{"$ref":"#/components/schemas/B"}],"discriminator":{"propertyName":"type","mapping":{"a":"#/components/schemas/A","b":"#/components/schemas/B"}}},
          "A":{"type":"object","required":["type"],"properties":{"type":{"const":"a"},"n":{"type":["integer","null"]}}},
          "B":{"type":"object","required":["type","s"],"properties":{"type":{"type":"string","const":"b"},"s":{"type":"string"}}},
          "Either":{"anyOf":[{"type":"string"},{"type":"integer"}]}
        }}}
        """;

    [Fact]
    public void OpenApi_one_of_const_and_type_arrays()
    {
        var validator = Write(OpenApi);
        Assert.Empty(validator.ValidateDefinition("Event", """{"type":"a","n":null}"""));
        Assert.Empty(validator.ValidateDefinition("Event", """{"type":"b","s":"x"}"""));
        Assert.NotEmpty(validator.ValidateDefinition("Event", """{"type":"c"}"""));
        Assert.NotEmpty(validator.ValidateDefinition("Event", """{"type":"b"}"""));
        Assert.Contains(validator.ValidateDefinition("Mapped", """{"type":"b"}"""), v => v.Contains("'s' is missing"));
        Assert.Empty(validator.ValidateDefinition("Either", "3"));
        Assert.NotEmpty(validator.ValidateDefinition("Either", "true"));
    }

    [SkippableFact]
    public void The_call_automation_spec_discriminates_media_streaming_options()
    {
        var validator = SwaggerSchemaValidator.Load(SharedSpecs.PathOf(SpecPath));
        const string valid = """{"incomingCallContext":"c","callbackUri":"https://x","mediaStreamingOptions":{"transportType":"websocket","audioChannelType":"mixed","transportUrl":"wss://x","contentType":"audio","startMediaStreaming":true,"enableBidirectional":true,"audioFormat":"pcm24KMono"}}""";
        Assert.Empty(validator.ValidateDefinition("AnswerCallRequest", valid));
        Assert.NotEmpty(validator.ValidateDefinition("AnswerCallRequest", valid.Replace("pcm24KMono", "pcm48KMono")));
        Assert.NotEmpty(validator.ValidateDefinition("AnswerCallRequest", valid.Replace("\"audioChannelType\":\"mixed\",", "")));
        Assert.NotEmpty(validator.ValidateDefinition("AnswerCallRequest", valid.Replace("callbackUri", "callbackUrl")));
        Assert.NotEmpty(validator.ValidateDefinition("TransferToParticipantRequest", """{"targetParticipant":{"phoneNumber":{}}}"""));
    }
}
