using System.Text.Json;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Collaborations;

/// <summary>
/// What follows a stored update, each step idempotent so that a retry or the sweep may repeat it: its row in its
/// collaboration's timeline, its row in the day it was received, its row in the month it occurred in (the digest's
/// index), and its place in its collaboration (the sequence
/// number, kept on the update so it is assigned once; the members it names). The four are written at once. When the
/// sender turns out not to be a member after all (another organisation created the collaboration in between), the
/// update is not kept: it and its rows are deleted and the refusal returned.
/// </summary>
public sealed class UpdateRecorder(UpdateStore updates, CollaborationStore collaborations)
{
    /// <summary>
    /// Records a stored update. <paramref name="knownSequence"/>: the sequence as the caller just read it from the update
    /// (null: none yet), so the update is not read again; <paramref name="unread"/>: the caller has not read it, so it
    /// is; <paramref name="knownCollaboration"/>: the collaboration as the caller just read it.
    /// </summary>
    public async Task<RecordOutcome> RecordAsync(
        NormalisedUpdate update,
        long? knownSequence,
        bool unread,
        CancellationToken cancellationToken,
        CollaborationState? knownCollaboration = null)
    {
        var json = JsonSerializer.Serialize(update, HubJson.Options);
        var timeline = updates.WriteTimelineAsync(update, json, cancellationToken);
        var byDay = updates.WriteByDayAsync(update, json, cancellationToken);
        var byMonth = updates.WriteByMonthAsync(update, json, cancellationToken);
        var sequence = SequenceAsync(update, knownSequence, unread, knownCollaboration, cancellationToken);
        await Task.WhenAll(timeline, byDay, byMonth, sequence);
        var outcome = await sequence;
        if (outcome.Refused is not null)
        {
            await updates.DeleteAsync(update, cancellationToken);
        }

        return outcome;
    }

    private async Task<RecordOutcome> SequenceAsync(NormalisedUpdate update, long? knownSequence, bool unread, CollaborationState? knownCollaboration, CancellationToken cancellationToken)
    {
        if (unread)
        {
            knownSequence = (await updates.GetStoredAsync(update.Id, cancellationToken))?.Sequence;
        }

        if (knownSequence is { } assigned)
        {
            return new RecordOutcome(assigned);
        }

        // A crash between these two writes may leave a gap in the sequence, never a repeat.
        var outcome = await collaborations.RecordAsync(update, knownCollaboration, cancellationToken);
        if (outcome.Refused is null)
        {
            await updates.SetSequenceAsync(update.Id, outcome.Sequence, cancellationToken);
        }

        return outcome;
    }
}
