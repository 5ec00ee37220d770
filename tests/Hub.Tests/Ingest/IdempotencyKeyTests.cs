using Mellanrum.Hub.Foundation;
using Mellanrum.Hub.Ingest;

namespace Mellanrum.Hub.Tests.Ingest;

public sealed class IdempotencyKeyTests
{
    [Theory]
    [InlineData("KS-1", "ce-1", "msg_1", "idem-1", "KS-1")]
    [InlineData(null, "ce-1", "msg_1", "idem-1", "ce-1")]
    [InlineData(null, null, "msg_1", "idem-1", "msg_1")]
    [InlineData(null, null, null, "idem-1", "idem-1")]
    [InlineData("  ", "", null, "idem-1", "idem-1")]
    [InlineData(null, null, null, null, null)]
    public void Select_KeysPresent_TakesFirstInContractOrder(string? externalId, string? ceId, string? webhookId, string? header, string? expected) =>
        Assert.Equal(expected, IdempotencyKey.Select(externalId, ceId, webhookId, header));

    [Fact]
    public void Deterministic_SameSourceAndKey_GivesSameUpdateId()
    {
        Assert.Equal(Ids.Deterministic("nacka-diarium", "KS-1"), Ids.Deterministic("nacka-diarium", "KS-1"));
        Assert.NotEqual(Ids.Deterministic("nacka-diarium", "KS-1"), Ids.Deterministic("huddinge-w3d3", "KS-1"));
    }

    [Fact]
    public void Deterministic_Always_Is26Base32Characters() =>
        Assert.Matches("^[a-z2-7]{26}$", Ids.Deterministic("a", "b"));
}
