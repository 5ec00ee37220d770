using System.Text.Json;
using Mellanrum.Hub.IntegrationTests.Delivery.Webhooks;
using Mellanrum.Hub.IntegrationTests.Infrastructure;
using Mellanrum.Hub.IntegrationTests.Pages;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Mellanrum.Hub.IntegrationTests.Portal;

/// <summary>
/// A partner fixes its own deliveries in a browser: a failing webhook dead-letters, the partner sees the dead letter and
/// its reason, changes the URL (an internal address is refused by the SSRF rules), sends it again, and the receiver gets
/// it once with a valid signature; a secret rotation shows the new secret once, and a test event signed with both.
/// </summary>
public sealed class PortalDeliveryTests(PortalHubFixture hub, Browser browser, ITestOutputHelper output) : IClassFixture<PortalHubFixture>, IClassFixture<Browser>
{
    private async Task<IPage> SignInAsync(string partnerId, int width = 1024)
    {
        var page = await browser.PageAsync(hub.BaseAddress, width);
        await page.GotoAsync((await hub.LinkAsync(partnerId)).Url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Översikt");
        return page;
    }

    [Fact]
    public async Task AFailingWebhook_DeadLetters_ThePartnerSeesIt_FixesTheUrl_ReplaysIt_AndTheReceiverGetsItOnceSigned()
    {
        var source = await hub.RegisterSourceAsync("nacka-portal-fix", "0182");
        var registered = await hub.RegisterPartnerAsync("portal-fix", "0138", new { type = "webhook", url = "https://example.se/placeholder" });
        await using var receiver = await WebhookReceiver.StartAsync(registered.GetProperty("secret").GetString()!);
        await hub.RegisterPartnerAsync("portal-fix", "0138", new { type = "webhook", url = receiver.Url("/error") });

        var updateId = await hub.PostAsync(source, "PORTAL-FIX-1", "portal-samverkan-fix", "0138");
        await LocalHubFixture.EventuallyAsync(
            async () => (await hub.DeliveriesAsync("portal-fix")).GetProperty("deadLetters").EnumerateArray().Any(d => d.GetProperty("updateId").GetString() == updateId) ? "dead" : null,
            TimeSpan.FromSeconds(60),
            "the webhook's dead letter");
        var failedAttempts = receiver.Received.Count(r => r.WebhookId == updateId);

        var page = await SignInAsync("portal-fix");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Döda brev");
        await PortalPages.CheckAsync(page, "oversikt", output);

        // The deliveries page: the dead letter with its reason, every failed attempt with its 500.
        await page.GetByRole(AriaRole.Link, new() { Name = "Leveranser", Exact = true }).First.ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Leveranser");
        var deadLetters = page.GetByRole(AriaRole.Table, new() { Name = "Döda brev, nyast först" });
        await Assertions.Expect(deadLetters).ToContainTextAsync(updateId);
        var attempts = page.GetByRole(AriaRole.Table, new() { Name = "Försök, nyast först" });
        await Assertions.Expect(attempts).ToContainTextAsync("500");
        Assert.True(failedAttempts >= 2, $"{failedAttempts} attempt(s) reached the receiver before the dead letter.");
        await Assertions.Expect(attempts).ToContainTextAsync("Död");
        await PortalPages.CheckAsync(page, "leveranser-dod", output);

        // Filtered: only delivered attempts (none yet), then back.
        await page.GetByLabel("Utfall").SelectOptionAsync("delivered");
        await page.GetByRole(AriaRole.Button, new() { Name = "Visa" }).ClickAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Inga försök som passar urvalet.");

        // The partner fixes the address: an internal one is refused by the SSRF rules, then the right one is saved.
        await page.GetByRole(AriaRole.Link, new() { Name = "Webhook och hemlighet" }).ClickAsync();
        await page.GetByLabel("Adress (https)").FillAsync("http://169.254.169.254/latest/meta-data");
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara adressen" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Adressen sparades inte");
        await PortalPages.CheckAsync(page, "installningar-ssrf", output);
        Assert.Equal(receiver.Url("/error"), (await hub.PartnerAsync("portal-fix")).GetProperty("channels")[0].GetProperty("url").GetString());
        await page.GetByLabel("Adress (https)").FillAsync(receiver.Url("/ok"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara adressen" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Adressen är sparad");
        Assert.Equal(receiver.Url("/ok"), (await hub.PartnerAsync("portal-fix")).GetProperty("channels")[0].GetProperty("url").GetString());

        // It sends the dead letter again from the deliveries page and sees the result.
        await page.GetByRole(AriaRole.Link, new() { Name = "Leveranser", Exact = true }).First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Skicka igen {updateId}" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Skicka igen");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("1 uppdatering(ar) skickades igen");
        await PortalPages.CheckAsync(page, "omspelning-resultat", output);

        var delivered = await LocalHubFixture.EventuallyAsync(
            () => Task.FromResult(receiver.Received.FirstOrDefault(r => r.Path == "/ok" && r.WebhookId == updateId)),
            TimeSpan.FromSeconds(30),
            "the replayed webhook");
        Assert.True(delivered.SignatureValid, "The replayed webhook's signature does not verify.");
        await LocalHubFixture.EventuallyAsync(
            async () => (await hub.DeliveriesAsync("portal-fix")).GetProperty("items").EnumerateArray().Any(a => a.GetProperty("updateId").GetString() == updateId && a.GetProperty("status").GetString() == "delivered") ? "logged" : null,
            TimeSpan.FromSeconds(30),
            "the delivered attempt in the log");
        Assert.Single(receiver.Received, r => r.Path == "/ok" && r.WebhookId == updateId);
        Assert.Equal(0, (await hub.DeliveriesAsync("portal-fix")).GetProperty("deadLetters").GetArrayLength());

        // The deliveries page now: no dead letter, the delivered attempt on top; filtered by channel and outcome it is alone.
        await page.GotoAsync("/portal/leveranser?utfall=delivered&kanal=webhook");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Inga döda brev");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Försök, nyast först" }).Locator("tbody tr")).ToHaveCountAsync(1);
        await PortalPages.CheckAsync(page, "leveranser-levererad", output);

        // The replay page itself, in English too.
        await page.GotoAsync("/portal/omspelning?lang=en");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Replay");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await PortalPages.CheckAsync(page, "omspelning-en", output);

        var audit = await hub.AuditAsync();
        foreach (var action in new[] { "partner.webhook.changed", "partner.deliveries.replayed" })
        {
            Assert.Contains(audit, e => e.GetProperty("action").GetString() == action && e.GetProperty("target").GetString() == "portal-fix" && e.GetProperty("actor").GetString()!.StartsWith("portal:", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ARotation_ShowsTheNewSecretOnce_WithItsOverlap_AndATestEventCarriesBothSignatures()
    {
        var registered = await hub.RegisterPartnerAsync("portal-rotate", "0139", new { type = "webhook", url = "https://example.se/placeholder" });
        var oldSecret = registered.GetProperty("secret").GetString()!;
        var page = await SignInAsync("portal-rotate", 375);

        // The event catalogue: the CloudEvent types, an example, the update's schema, the sample consumer.
        await page.GetByRole(AriaRole.Link, new() { Name = "Händelser" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Händelser");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Händelsetyper" })).ToContainTextAsync("se.samverkan.update");
        await Assertions.Expect(page.GetByLabel("Exempel på en händelse")).ToContainTextAsync("\"specversion\": \"1.0\"");
        await Assertions.Expect(page.GetByLabel("JSON Schema för uppdateringen")).ToContainTextAsync("occurredAt");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("samples/PartnerConsumer");
        await PortalPages.CheckAsync(page, "handelser", output);

        await page.GetByRole(AriaRole.Link, new() { Name = "Webhook och hemlighet" }).ClickAsync();
        await PortalPages.CheckAsync(page, "installningar", output);
        await page.GetByRole(AriaRole.Button, new() { Name = "Byt hemlighet" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Er nya signeringshemlighet" })).ToBeVisibleAsync();
        var newSecret = await page.GetByLabel("Hemlighet", new() { Exact = true }).InputValueAsync();
        Assert.StartsWith("whsec_", newSecret, StringComparison.Ordinal);
        Assert.NotEqual(oldSecret, newSecret);
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Den förra gäller till");
        await PortalPages.CheckAsync(page, "installningar-ny-hemlighet", output);

        // Shown once: the page read again shows the two secrets' ids and no secret.
        await page.GotoAsync("/portal/installningar");
        Assert.DoesNotContain(newSecret, await page.ContentAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Giltiga hemligheter (bara deras id)" }).Locator("tbody tr")).ToHaveCountAsync(2);
        Assert.Equal(2, (await hub.PartnerAsync("portal-rotate")).GetProperty("secrets").GetArrayLength());

        // A test event to a receiver that knows both secrets: each signature verifies, during the overlap.
        await using var receiver = await WebhookReceiver.StartAsync(newSecret, oldSecret);
        await page.GetByLabel("Adress (https)").FillAsync(receiver.Url("/ok"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Spara adressen" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Översikt" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Skicka testhändelsen" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Testhändelsen" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("I kö");
        await PortalPages.CheckAsync(page, "oversikt-testhandelse", output);
        var eventId = await page.Locator(".notice dd code").First.InnerTextAsync();
        var received = await LocalHubFixture.EventuallyAsync(() => Task.FromResult(receiver.Received.FirstOrDefault(r => r.WebhookId == eventId)), TimeSpan.FromSeconds(30), "the test event");
        Assert.Equal([0, 1], received.ValidFor);

        // The attempt, on the deliveries page the result links to.
        await page.GetByRole(AriaRole.Link, new() { Name = "Se försöken med testhändelsen" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Försök, nyast först" })).ToContainTextAsync("Levererad");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Försök, nyast först" })).ToContainTextAsync("200");
        await PortalPages.CheckAsync(page, "leveranser-testhandelse", output);

        var audit = await hub.AuditAsync();
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "partner.secret.rotated" && e.GetProperty("target").GetString() == "portal-rotate" && e.GetProperty("actor").GetString()!.StartsWith("portal:", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "partner.test-event.sent" && e.GetProperty("target").GetString() == "portal-rotate");
        Assert.DoesNotContain(audit, e => JsonSerializer.Serialize(e).Contains(newSecret, StringComparison.Ordinal));
    }
}
