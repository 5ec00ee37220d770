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
    /// is; <paramref name="knownCollaboration"/>: the collaboration as the caller just read it; <paramref name="justStored"/>:
    /// the caller has just inserted the update (ingest), so it has taken no number yet. Otherwise a number it took
    /// before (a crash or a failure between taking it and saving it on the update) is found again, never taken twice.
    /// </summary>
    public async Task<RecordOutcome> RecordAsync(
        NormalisedUpdate update,
        long? knownSequence,
        bool unread,
        CancellationToken cancellationToken,
        CollaborationState? knownCollaboration = null,
        bool justStored = false)
    {
        var json = JsonSerializer.Serialize(update, HubJson.Options);
        var timeline = updates.WriteTimelineAsync(update, json, cancellationToken);
        var byDay = updates.WriteByDayAsync(update, json, cancellationToken);
        var byMonth = updates.WriteByMonthAsync(update, json, cancellationToken);
        var sequence = SequenceAsync(update, knownSequence, unread, knownCollaboration, justStored, cancellationToken);
        await Task.WhenAll(timeline, byDay, byMonth, sequence);
        var outcome = await sequence;
        if (outcome.Refused is not null)
        {
            await updates.DeleteAsync(update, cancellationToken);
        }

        return outcome;
    }

    private async Task<RecordOutcome> SequenceAsync(NormalisedUpdate update, long? knownSequence, bool unread, CollaborationState? knownCollaboration, bool justStored, CancellationToken cancellationToken)
    {
        if (unread)
        {
            knownSequence = (await updates.GetStoredAsync(update.Id, cancellationToken))?.Sequence;
        }

        if (knownSequence is { } assigned)
        {
            return new RecordOutcome(assigned);
        }

        // A crash between these two writes leaves the update's claim in its collaboration: the next recording finds it.
        var outcome = await collaborations.RecordAsync(update, knownCollaboration, cancellationToken, justStored);
        if (outcome.Refused is null)
        {
            await updates.SetSequenceAsync(update.Id, outcome.Sequence, cancellationToken);
        }

        return outcome;
    }
}
