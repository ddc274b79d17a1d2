using DvServerless.MediaWorker.Hosting;

MediaWorkerApp.Build(args).Run();
