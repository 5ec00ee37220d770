using Mellanrum.Samples.PartnerConsumer;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mellanrum.Hub.Tests.Samples;

/// <summary>The sample consumer applies every update in its place: a late one counts where it belongs, a duplicate is dropped.</summary>
public sealed class UpdateProcessorTests
{
    private static HubEvent Event(long sequence, string? status, string title, string? name = null) => new(
        $"upd-{sequence}", "/sources/nacka", "e-arkiv", "0182", "decision", "digitalisering", sequence, null,
        new HubUpdate($"upd-{sequence}", "nacka", null, "0182", "e-arkiv", "decision", title, null, status, "digitalisering", ["0182"], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, null, name));

    [Fact]
    public void LateUpdate_IsAppliedInItsPlace_NewerStateStays()
    {
        var processor = new UpdateProcessor(NullLogger<UpdateProcessor>.Instance);

        Assert.Equal(Outcome.Applied, processor.Handle(Event(1, null, "Start", name: "E-arkiv Södertörn")));
        Assert.Equal(Outcome.Applied, processor.Handle(Event(3, null, "Lägesrapport")));
        Assert.Equal(Outcome.Late, processor.Handle(Event(2, "active", "Beslut")));

        // Sequence 2 set the status and nothing newer did: it counts. The newest update still says id, kind and title.
        var view = processor.Collaboration("e-arkiv")!;
        Assert.Equal("active", view.Status);
        Assert.Equal(3, view.Sequence);
        Assert.Equal("upd-3", view.LastUpdateId);
        Assert.Equal("Lägesrapport", view.LastTitle);
        Assert.Equal("E-arkiv Södertörn", view.Name);
    }

    [Fact]
    public void LateUpdate_NeverOverwritesWhatANewerOneSaid()
    {
        var processor = new UpdateProcessor(NullLogger<UpdateProcessor>.Instance);
        processor.Handle(Event(1, "planned", "Start"));
        processor.Handle(Event(3, "completed", "Avslut"));

        Assert.Equal(Outcome.Late, processor.Handle(Event(2, "active", "Beslut")));
        Assert.Equal(Outcome.Duplicate, processor.Handle(Event(2, "active", "Beslut")));

        Assert.Equal("completed", processor.Collaboration("e-arkiv")!.Status);
    }
}
