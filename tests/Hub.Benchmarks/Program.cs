using BenchmarkDotNet.Running;

if (args is ["fanout", ..])
{
    return await Mellanrum.Hub.Benchmarks.Fanout.FanoutLoadRun.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Mellanrum.Hub.Benchmarks.NormaliserBenchmarks).Assembly).Run(args);
return 0;
