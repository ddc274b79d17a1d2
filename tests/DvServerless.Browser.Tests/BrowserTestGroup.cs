namespace DvServerless.Browser.Tests;

/// <summary>The browser tests share one stack and one Chromium, and run one after another (two cores).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserTestGroup : ICollectionFixture<BrowserStackFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "browser";
}
