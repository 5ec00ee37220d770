using Amqp.Types;

namespace Mellanrum.Hub.ServiceBusBroker;

/// <summary>The Service Bus names on the wire that the SDK relies on.</summary>
internal static class AmqpNames
{
    public const uint BatchMessageFormat = 0x80013700;
    public const string SaslMechanism = "MSSBCBS";
    public const string CbsAddress = "$cbs";
    public const string ManagementSuffix = "/$management";
    public const string DeadLetterSuffix = "/$deadletterqueue";

    public static readonly Symbol LockToken = new("x-opt-lock-token");
    public static readonly Symbol LockedUntil = new("x-opt-locked-until");
    public static readonly Symbol SequenceNumber = new("x-opt-sequence-number");
    public static readonly Symbol EnqueuedTime = new("x-opt-enqueued-time");
    public static readonly Symbol DeadLetterSource = new("x-opt-deadletter-source");

    public const string DeadLetterCondition = "com.microsoft:dead-letter";
    public const string MessageLockLost = "com.microsoft:message-lock-lost";
    public const string DeadLetterReasonProperty = "DeadLetterReason";
    public const string DeadLetterDescriptionProperty = "DeadLetterErrorDescription";

    public const string Operation = "operation";
    public const string StatusCode = "statusCode";
    public const string StatusDescription = "statusDescription";
    public const string RenewLock = "com.microsoft:renew-lock";
    public const string PeekMessage = "com.microsoft:peek-message";
    public const string UpdateDisposition = "com.microsoft:update-disposition";
}
