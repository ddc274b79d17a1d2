namespace DvServerless.MediaWorker.Calls;

// The messages of the call loop's control task: engine events, playout ticks, finished tools, the ends of either path,
// barriers for tests, and the user's commands.
public sealed partial class CallLoop
{
    private enum LoopMessageKind
    {
        Engine,
        Tick,
        ToolCompleted,
        LegClosed,
        EngineEnded,
        Barrier,
        Cancelled,
        Interrupt,
        UserText,
        EngineReady,
        ComfortNoise,
        Say,
        KeypadLine,
        SystemNote,
    }

    /// <summary>One message for the control task; <paramref name="Timestamp"/> (<see cref="TimeProvider.GetTimestamp"/>) is when it arose, where that matters.</summary>
    private readonly record struct LoopMessage(LoopMessageKind Kind, object? Payload = null, long Timestamp = 0)
    {
        public static LoopMessage Tick => new(LoopMessageKind.Tick);

        public static LoopMessage LegClosed => new(LoopMessageKind.LegClosed);

        public static LoopMessage EngineEnded => new(LoopMessageKind.EngineEnded);

        public static LoopMessage Cancelled => new(LoopMessageKind.Cancelled);
    }
}
