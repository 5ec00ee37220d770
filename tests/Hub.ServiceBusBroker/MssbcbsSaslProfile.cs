using Amqp;
using Amqp.Sasl;
using Amqp.Types;

namespace Mellanrum.Hub.ServiceBusBroker;

/// <summary>Accepts the SDK's <c>MSSBCBS</c> SASL mechanism: authorisation happens later through <c>$cbs</c>.</summary>
internal sealed class MssbcbsSaslProfile() : SaslProfile(new Symbol(AmqpNames.SaslMechanism))
{
    protected override ITransport UpgradeTransport(ITransport transport) => transport;

    protected override DescribedList GetStartCommand(string hostname) =>
        new SaslInit { Mechanism = AmqpNames.SaslMechanism, InitialResponse = [] };

    protected override DescribedList OnCommand(DescribedList command) =>
        command is SaslInit
            ? new SaslOutcome { Code = SaslCode.Ok }
            : throw new AmqpException(ErrorCode.NotAllowed, "Unexpected SASL frame.");
}
