using System.Runtime;
using DvServerless.MediaWorker.Hosting;

// Every call's frames stop while the runtime collects: prefer background full collections to blocking ones (blocking
// ones still come under memory pressure). The process-wide setting belongs to the worker's own process, not to hosts
// that build the app in theirs (dvs up, tests).
GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
MediaWorkerApp.Build(args).Run();
