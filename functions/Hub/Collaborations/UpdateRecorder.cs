using System.Text.Json;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Collaborations;

/// <summary>
/// What follows a stored update, each step idempotent so that a retry or the sweep may repeat it: its row in its
/// collaboration's timeline, its row in the day it was received, and its sequence number in its collaboration
/// (kept on the update, so it is assigned once). The three are independent and written at once.
/// </summary>
public sealed class UpdateRecorder(UpdateStore updates, CollaborationStore collaborations)
{
    /// <summary>
    /// Records a stored update and returns its sequence number. <paramref name="knownSequence"/>: the sequence as the
    /// caller just read it from the update (null: none yet), so the update is not read again; <paramref name="unread"/>:
    /// the caller has not read it, so it is.
    /// </summary>
    public async Task<long> RecordAsync(NormalisedUpdate update, long? knownSequence, bool unread, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(update, HubJson.Options);
        var timeline = updates.WriteTimelineAsync(update, json, cancellationToken);
        var byDay = updates.WriteByDayAsync(update, json, cancellationToken);
        var sequence = SequenceAsync(update, knownSequence, unread, cancellationToken);
        await Task.WhenAll(timeline, byDay, sequence);
        return await sequence;
    }

    private async Task<long> SequenceAsync(NormalisedUpdate update, long? knownSequence, bool unread, CancellationToken cancellationToken)
    {
        if (unread)
        {
            knownSequence = (await updates.GetStoredAsync(update.Id, cancellationToken))?.Sequence;
        }

        if (knownSequence is { } assigned)
        {
            return assigned;
        }

        // A crash between these two writes may leave a gap in the sequence, never a repeat.
        var sequence = await collaborations.AssignSequenceAsync(update, cancellationToken);
        await updates.SetSequenceAsync(update.Id, sequence, cancellationToken);
        return sequence;
    }
}
