using System.Net.Sockets;
using Azure;
using Azure.Messaging.ServiceBus;
using Mellanrum.Hub.Delivery;

namespace Mellanrum.Hub.Tests.Delivery;

/// <summary>Every channel failure is an outcome: permanent only where sending again cannot help; anything unknown is transient.</summary>
public sealed class ChannelFailuresTests
{
    public static TheoryData<Exception, SendResult> Failures() => new()
    {
        { new ServiceBusException("full", ServiceBusFailureReason.QuotaExceeded), SendResult.Transient },
        { new ServiceBusException("busy", ServiceBusFailureReason.ServiceBusy), SendResult.Transient },
        { new ServiceBusException("timeout", ServiceBusFailureReason.ServiceTimeout), SendResult.Transient },
        { new ServiceBusException("general", ServiceBusFailureReason.GeneralError), SendResult.Transient },
        { new ServiceBusException("big", ServiceBusFailureReason.MessageSizeExceeded), SendResult.Permanent },
        { new ServiceBusException("gone", ServiceBusFailureReason.MessagingEntityNotFound), SendResult.Permanent },
        { new ServiceBusException("off", ServiceBusFailureReason.MessagingEntityDisabled), SendResult.Permanent },
        { new RequestFailedException(413, "too large", "RequestBodyTooLarge", null), SendResult.Permanent },
        { new RequestFailedException(400, "bad"), SendResult.Permanent },
        { new RequestFailedException(503, "busy", "ServerBusy", null), SendResult.Transient },
        { new RequestFailedException(500, "oops"), SendResult.Transient },
        { new RequestFailedException(404, "no queue"), SendResult.Transient },
        { new UnauthorizedAccessException(), SendResult.Permanent },
        { new AggregateException(new IOException("a"), new RequestFailedException(503, "b")), SendResult.Transient },
        { new AggregateException(new RequestFailedException(413, "a"), new RequestFailedException(413, "b")), SendResult.Permanent },
        { new HttpRequestException("net"), SendResult.Transient },
        { new SocketException(), SendResult.Transient },
        { new TimeoutException(), SendResult.Transient },
        { new TaskCanceledException(), SendResult.Transient },
        { new InvalidOperationException("something else"), SendResult.Transient },
        { new NullReferenceException(), SendResult.Transient },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Classify_DecidesByTypeAndStatus(Exception failure, SendResult expected)
    {
        var outcome = ChannelFailures.Classify(failure, TimeSpan.FromMilliseconds(5));

        Assert.Equal(expected, outcome.Result);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Error));
        Assert.Equal(TimeSpan.FromMilliseconds(5), outcome.Latency);
    }

    [Fact]
    public void Classify_AfterTheSdksRetries_SaysHowManyAttemptsFailed()
    {
        var outcome = ChannelFailures.Classify(new AggregateException(new IOException("a"), new IOException("b"), new RequestFailedException(503, "c", "ServerBusy", null)), TimeSpan.Zero);

        Assert.Equal("Failed after 3 attempt(s); last: Storage: 503, ServerBusy", outcome.Error);
    }
}
