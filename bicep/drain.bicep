// How long the media worker may take to stop, in one place: main.bicep takes the drain settings as parameters, the
// container app passes them to the worker (MediaWorker__DrainTimeout, MediaWorker__DrainGoodbyeTimeout) and sets its
// termination grace period from the same numbers, so raising the drain cannot leave the grace period behind it. The
// deployment tests evaluate these functions (bicep build-params) and parse the results as the worker does.

@export()
@description('Seconds as the hh:mm:ss text .NET configuration binds to a TimeSpan. A bare number would not do: "300" binds as 300 days, and "00:00:300" is refused (seconds must be below 60).')
func timeSpanOf(seconds int) string =>
  '${padLeft(string(seconds / 3600), 2, '0')}:${padLeft(string((seconds % 3600) / 60), 2, '0')}:${padLeft(string(seconds % 60), 2, '0')}'

@export()
@description('The container\'s termination grace period: the drain, then the goodbye, then 15 s. The worker\'s host gives its whole stop 10 s more than drain + goodbye (MediaWorkerApp, HostOptions.ShutdownTimeout); the 15 s cover that and the process exit. (A literal: ARM functions cannot read variables.)')
func terminationGraceSeconds(drainSeconds int, goodbyeSeconds int) int => drainSeconds + goodbyeSeconds + 15
