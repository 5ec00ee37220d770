using Mellanrum.Hub.Local;

var app = await HubLocalHost.BuildAsync(args);
await app.StartAsync();
HubLocalHost.PrintBanner(app, Console.Out);
await app.WaitForShutdownAsync();
