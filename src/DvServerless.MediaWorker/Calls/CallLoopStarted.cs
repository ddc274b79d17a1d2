using DvServerless.Core.Audio;

namespace DvServerless.MediaWorker.Calls;

/// <summary>What a <see cref="CallLoop"/> started with.</summary>
/// <param name="CallId">The call.</param>
/// <param name="LegFormat">The caller leg's audio format.</param>
/// <param name="Engine">The engine's name.</param>
/// <param name="At">When media and the engine were both up (the zero of the call's record times).</param>
public sealed record CallLoopStarted(string CallId, AudioFormat LegFormat, string Engine, DateTimeOffset At);
