namespace DvServerless.Adapters.Live;

/// <summary>How an app authenticates to Azure SignalR Service, as the connection string's <c>AuthType</c> says.</summary>
public enum AzureSignalRAuthType
{
    /// <summary><c>AccessKey=…</c>: tokens signed with the service's access key.</summary>
    AccessKey,

    /// <summary><c>AuthType=azure.msi</c>: a managed identity (user-assigned when <c>ClientId</c> is given).</summary>
    ManagedIdentity,

    /// <summary><c>AuthType=azure</c>: <c>DefaultAzureCredential</c> (environment, workload identity, managed identity, developer sign-ins).</summary>
    DefaultAzureCredential,
}
