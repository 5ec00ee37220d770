using Mellanrum.Hub.Foundation;

namespace Mellanrum.Hub.Tests.Foundation;

public sealed class ErrorListTests
{
    [Fact]
    public void New_IsEmpty_AndListsNothing()
    {
        var errors = new ErrorList();

        Assert.True(errors.IsEmpty);
        Assert.Empty(errors.ToReadOnlyList());
    }

    [Fact]
    public void Add_KeepsOrder_AndTheSamePropertyAndReasonOnce_WithTheFirstValue()
    {
        var errors = new ErrorList();
        errors.Add("title", "Required.");
        errors.Add("kind", "Unknown kind.", "beslut??");
        errors.Add("kind", "Unknown kind.", "other");

        Assert.Equal(
            [new InvalidParameter("title", "Required."), new InvalidParameter("kind", "Unknown kind.", "beslut??")],
            errors.ToReadOnlyList());
        Assert.False(errors.IsEmpty);
    }
}
