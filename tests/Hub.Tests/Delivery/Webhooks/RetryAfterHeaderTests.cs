using Mellanrum.Hub.Delivery.Webhooks;

namespace Mellanrum.Hub.Tests.Delivery.Webhooks;

public sealed class RetryAfterHeaderTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("7", 7)]
    [InlineData("0", 0)]
    [InlineData("120", 120)]
    [InlineData("Fri, 14 Mar 2025 09:31:00 GMT", 60)]
    [InlineData("Fri, 14 Mar 2025 11:30:00 GMT", 7200)]
    [InlineData("Fri, 14 Mar 2025 09:00:00 GMT", 0)]
    public void Read_ValidHeader_IsWaitFromNow(string header, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfterHeader.Read(header, Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("7.5")]
    public void Read_UnreadableHeader_IsNull(string? header)
    {
        Assert.Null(RetryAfterHeader.Read(header, Now));
    }
}
