using Mellanrum.Hub.Local;

var app = await HubLocalHost.BuildAsync(args);
await app.StartAsync();
await HubLocalHost.PrintBannerAsync(app, Console.Out);
await app.WaitForShutdownAsync();
