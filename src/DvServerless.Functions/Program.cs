using DvServerless.Functions;

FunctionsApp.Build(args).Run();
