using Amqp;
using Amqp.Framing;
using Amqp.Listener;

namespace Mellanrum.Hub.ServiceBusBroker;

/// <summary>The claims-based-security node: every <c>put-token</c> is accepted.</summary>
internal sealed class CbsProcessor : IRequestProcessor
{
    public int Credit => 100;

    public void Process(RequestContext requestContext)
    {
        var response = new Message
        {
            ApplicationProperties = new ApplicationProperties
            {
                ["status-code"] = 202,
                ["status-description"] = "Accepted",
            },
        };
        requestContext.Complete(response);
    }
}
