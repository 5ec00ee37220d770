using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using Amqp.Types;

namespace Mellanrum.Hub.ServiceBusBroker;

/// <summary>The <c>&lt;entity&gt;/$management</c> node: renew-lock, peek-message and update-disposition.</summary>
internal sealed class ManagementProcessor(BrokerQueue queue, BrokerContext context) : IRequestProcessor
{
    public int Credit => 100;

    public void Process(RequestContext requestContext)
    {
        var request = requestContext.Message;
        var operation = request.ApplicationProperties?[AmqpNames.Operation] as string;
        var body = (request.Body as Map) ?? [];
        Message response;
        try
        {
            response = operation switch
            {
                AmqpNames.RenewLock => RenewLock(body),
                AmqpNames.PeekMessage => Peek(body),
                AmqpNames.UpdateDisposition => UpdateDisposition(body),
                _ => Status(501, "Operation not supported by the test broker: " + operation),
            };
        }
        catch (Exception exception) when (exception is InvalidCastException or KeyNotFoundException or ArgumentException)
        {
            response = Status(400, exception.Message);
        }

        context.Log?.Invoke($"Management {operation} on {queue.Name}");
        requestContext.Complete(response);
    }

    Message RenewLock(Map body)
    {
        var expirations = new List<DateTime>();
        foreach (var token in LockTokens(body))
        {
            if (queue.RenewLock(token) is not { } lockedUntil)
            {
                return LockLost();
            }

            expirations.Add(lockedUntil.UtcDateTime);
        }

        return Status(200, "OK", new Map { ["expirations"] = expirations.ToArray() });
    }

    Message Peek(Map body)
    {
        var from = Convert.ToInt64(Get(body, "from-sequence-number") ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        var count = Convert.ToInt32(Get(body, "message-count") ?? 1, System.Globalization.CultureInfo.InvariantCulture);
        var messages = queue.PeekFrom(from, count);
        if (messages.Count == 0)
        {
            return Status(204, "No messages");
        }

        var list = new List();
        foreach (var message in messages)
        {
            lock (queue.Gate)
            {
                var outgoing = message.ToOutgoing(queue.DeadLetterSource);
                outgoing.MessageAnnotations.Map.Remove(AmqpNames.LockToken);
                outgoing.MessageAnnotations.Map.Remove(AmqpNames.LockedUntil);
                list.Add(new Map { ["message"] = StoredMessage.Encode(outgoing) });
            }
        }

        return Status(200, "OK", new Map { ["messages"] = list });
    }

    Message UpdateDisposition(Map body)
    {
        var status = Get(body, "disposition-status") as string;
        foreach (var token in LockTokens(body))
        {
            var result = status switch
            {
                "completed" => queue.Complete(token),
                "abandoned" => queue.Abandon(token, countDelivery: true),
                "suspended" => queue.DeadLetter(token, Get(body, "deadletter-reason") as string, Get(body, "deadletter-description") as string),
                _ => throw new ArgumentException("Disposition not supported by the test broker: " + status),
            };
            if (result == SettleResult.LockLost)
            {
                return LockLost();
            }
        }

        return Status(200, "OK");
    }

    static IEnumerable<Guid> LockTokens(Map body) => Get(body, "lock-tokens") switch
    {
        Guid[] tokens => tokens,
        System.Collections.IEnumerable items => items.Cast<object>().Select(item => (Guid)item),
        Guid single => [single],
        _ => [],
    };

    static object? Get(Map body, string key)
    {
        foreach (var (k, v) in body)
        {
            if (string.Equals(k?.ToString(), key, StringComparison.Ordinal))
            {
                return v;
            }
        }

        return null;
    }

    static Message LockLost() => Status(410, "The lock supplied is invalid: it has expired or the message was settled.", errorCondition: AmqpNames.MessageLockLost);

    static Message Status(int code, string description, Map? body = null, string? errorCondition = null)
    {
        var properties = new ApplicationProperties
        {
            [AmqpNames.StatusCode] = code,
            [AmqpNames.StatusDescription] = description,
        };
        if (errorCondition is not null)
        {
            properties["errorCondition"] = new Symbol(errorCondition);
        }

        return new Message
        {
            ApplicationProperties = properties,
            BodySection = new AmqpValue { Value = body ?? [] },
        };
    }
}
