namespace DvServerless.MediaWorker.Legs;

/// <summary>The commands a browser page sends as text frames on its media socket.</summary>
public enum BrowserClientMessageKind
{
    /// <summary><c>{"type":"interrupt"}</c>: cut the agent off now.</summary>
    Interrupt,
    /// <summary><c>{"type":"audio","enabled":bool}</c>: unmute or mute the caller's microphone audio.</summary>
    Audio,
    /// <summary><c>{"type":"text","text":"…"}</c>: a typed user message.</summary>
    Text,
    /// <summary><c>{"type":"stop"}</c>: end the session.</summary>
    Stop,
}
