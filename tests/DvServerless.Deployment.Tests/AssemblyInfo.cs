// The deployment checks run where the Functions package is built and deployed from: Linux (exec bits, the
// linux-x64 Bicep CLI). Declared so the analyzers accept the Unix file-mode APIs.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
