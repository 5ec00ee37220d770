using Mellanrum.Hub.Functions;
using Microsoft.Extensions.Hosting;

FunctionsHost.Build(args).Run();
