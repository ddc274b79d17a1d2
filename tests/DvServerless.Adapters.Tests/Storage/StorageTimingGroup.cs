namespace DvServerless.Adapters.Tests.Storage;

/// <summary>
/// Tests that time storage operations on the real clock (Azure.Core cuts a try on it): run alone, not beside the rest of
/// the suite, so that a bound of a second measures the code rather than two cores shared with other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StorageTimingGroup
{
    public const string Name = "Storage timing";
}
