using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Mellanrum.Hub.Benchmarks.NormaliserBenchmarks).Assembly).Run(args);
