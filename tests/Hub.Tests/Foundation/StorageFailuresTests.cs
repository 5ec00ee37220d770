using System.Net.Sockets;
using Azure;
using Mellanrum.Hub.Foundation;

namespace Mellanrum.Hub.Tests.Foundation;

/// <summary>What the soak found answering 500 (a Table Storage failure after the SDK's retries) is a 503 to try again.</summary>
public sealed class StorageFailuresTests
{
    public static TheoryData<Exception, bool> Failures() => new()
    {
        { new RequestFailedException(503, "busy", "ServerBusy", null), true },
        { new RequestFailedException(500, "oops"), true },
        { new RequestFailedException(408, "slow"), true },
        { new RequestFailedException(429, "throttled"), true },
        { new RequestFailedException("no response"), true },
        { new AggregateException(new RequestFailedException(503, "a"), new RequestFailedException(500, "b"), new IOException("c")), true },
        { new HttpRequestException("refused"), true },
        { new SocketException(), true },
        { new TimeoutException(), true },
        { new RequestFailedException(409, "conflict"), false },
        { new RequestFailedException(404, "gone"), false },
        { new AggregateException(new RequestFailedException(503, "a"), new InvalidOperationException("a bug")), false },
        { new AggregateException(), false },
        { new InvalidOperationException("a bug"), false },
        { new NullReferenceException(), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void IsTransient_OnlyForStorageSayingNotNow(Exception failure, bool transient) =>
        Assert.Equal(transient, StorageFailures.IsTransient(failure));

    [Fact]
    public void Unavailable_IsA503_WithRetryAfter_AndSaysToSendTheSameRequestAgain()
    {
        var problem = StorageFailures.Unavailable();
        Assert.Equal(503, problem.Status);
        Assert.Equal(StorageFailures.RetryAfter, problem.RetryAfter);
        Assert.Contains("same request again", problem.Detail, StringComparison.Ordinal);
    }
}
