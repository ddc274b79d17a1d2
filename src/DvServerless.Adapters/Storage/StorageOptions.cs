namespace DvServerless.Adapters.Storage;

/// <summary>
/// Where the Blob stores live (configuration section <c>Storage</c>). Set <see cref="ConnectionString"/> for a key or
/// SAS connection string, or <see cref="BlobServiceUri"/> to use Entra ID (DefaultAzureCredential, honouring
/// <c>AZURE_CLIENT_ID</c> for a user-assigned managed identity). With neither, Azurite's development storage is used.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Storage";

    /// <summary>A storage connection string (<c>UseDevelopmentStorage=true</c> for Azurite). Wins over <see cref="BlobServiceUri"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The Blob service endpoint, e.g. <c>https://account.blob.core.windows.net</c>, reached with Entra ID.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>The container of call session documents.</summary>
    public string SessionsContainer { get; set; } = "sessions";

    /// <summary>The container of call records (transcripts), one append blob per call.</summary>
    public string TranscriptsContainer { get; set; } = "transcripts";
}
