namespace DvServerless.Adapters.Tests.Storage;

/// <summary>Azurite's public development account on a loopback port of the test's choosing.</summary>
internal static class StorageTestAccount
{
    // Azurite's well-known development account key (public, documented with Azurite).
    public const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static string ConnectionString(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
}
