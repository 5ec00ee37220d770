using BenchmarkDotNet.Running;
using Mellanrum.Hub.Benchmarks.Digest;

// "digest": the digest's load run against Azurite (see DigestBenchmarks); anything else goes to BenchmarkDotNet.
if (args is ["digest", ..])
{
    return await DigestBenchmarks.RunAsync(args[1..]);
}

if (args is ["fanout", ..])
{
    return await Mellanrum.Hub.Benchmarks.Fanout.FanoutLoadRun.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Mellanrum.Hub.Benchmarks.NormaliserBenchmarks).Assembly).Run(args);
return 0;
