namespace DvServerless.Simulators.Acs;

/// <summary>Which of the three outbound spellings of PROTOCOL §5.4 a message used.</summary>
public enum OutboundMediaSpelling
{
    /// <summary>Not one of the three spellings (a protocol error).</summary>
    Invalid,

    /// <summary>Docs PascalCase: <c>{"Kind":"AudioData","AudioData":{"Data":…},"StopAudio":null}</c>.</summary>
    DocsPascalCase,

    /// <summary>.NET SDK PascalCase with extra null fields (<c>Timestamp</c>, <c>Participant</c>, <c>IsSilent</c>, <c>Mark</c>, <c>MarkData</c>).</summary>
    DotNetPascalCase,

    /// <summary>js SDK camelCase: <c>{"kind":"audioData","audioData":{"data":…,"isSilent":false},"stopAudio":{}}</c>.</summary>
    JsCamelCase,
}
