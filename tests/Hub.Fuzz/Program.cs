using System.Diagnostics;
using Mellanrum.Hub.Fuzz;
using SharpFuzz;

// Modes:
//   libfuzzer                      run under libFuzzer (SharpFuzz instrumentation + libfuzzer-dotnet driver)
//   afl                            run under AFL (afl-fuzz ... -- dotnet Mellanrum.Hub.Fuzz.dll afl)
//   replay <dir>                   run every file in <dir> once (the checked-in corpus)
//   mutate <dir> [seconds] [seed]  replay, then mutate the corpus at random for a bounded time (default 60 s)
var mode = args.Length > 0 ? args[0] : "mutate";
var folder = args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "corpus");
switch (mode)
{
    case "libfuzzer":
        Fuzzer.LibFuzzer.Run(span => FuzzTarget.Run(span));
        return 0;
    case "afl":
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            FuzzTarget.Run(memory.ToArray());
        });
        return 0;
    case "replay":
        return Replay(folder);
    case "mutate":
        var seconds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 60;
        var seed = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : Environment.TickCount;
        return Replay(folder) == 0 ? Mutate(folder, TimeSpan.FromSeconds(seconds), seed) : 1;
    default:
        Console.Error.WriteLine("Usage: Mellanrum.Hub.Fuzz [libfuzzer | afl | replay <dir> | mutate <dir> [seconds] [seed]]");
        return 2;
}

static int Replay(string folder)
{
    var files = Directory.GetFiles(folder);
    foreach (var file in files)
    {
        FuzzTarget.Run(File.ReadAllBytes(file));
    }

    Console.WriteLine($"Replayed {files.Length} corpus files without a crash.");
    return 0;
}

static int Mutate(string folder, TimeSpan budget, int seed)
{
    var random = new Random(seed);
    var corpus = Directory.GetFiles(folder).Select(File.ReadAllBytes).ToList();
    byte[] dictionary = "{}[]\",:\\u0000\\ud800-+01234567899<>&*#_~`/.eE \n\t"u8.ToArray();
    string[] tokens = ["811218-9876", "556016-0680", "2026-03-29T02:30", "<p>", "&amp;", "\\u0301", "null", "true", "1e308", "[[[[", "~1", "https://"];
    var clock = Stopwatch.StartNew();
    var runs = 0L;
    var current = Array.Empty<byte>();
    try
    {
        while (clock.Elapsed < budget)
        {
            var input = corpus[random.Next(corpus.Count)].ToList();
            for (var m = random.Next(1, 6); m > 0; m--)
            {
                var at = input.Count == 0 ? 0 : random.Next(input.Count);
                switch (random.Next(5))
                {
                    case 0 when input.Count > 0: input.RemoveAt(at); break;
                    case 1: input.Insert(at, dictionary[random.Next(dictionary.Length)]); break;
                    case 2 when input.Count > 0: input[at] = (byte)random.Next(256); break;
                    case 3: input.InsertRange(at, System.Text.Encoding.UTF8.GetBytes(tokens[random.Next(tokens.Length)])); break;
                    default:
                        var other = corpus[random.Next(corpus.Count)];
                        var start = random.Next(other.Length);
                        input.InsertRange(at, other.Skip(start).Take(random.Next(1, 64)));
                        break;
                }
            }

            current = input.ToArray();
            FuzzTarget.Run(current);
            runs++;
        }
    }
    catch (Exception e)
    {
        var crash = Path.Combine(Directory.GetCurrentDirectory(), $"crash-{seed}-{runs}.json");
        File.WriteAllBytes(crash, current);
        Console.Error.WriteLine($"Crash after {runs} runs (seed {seed}), input saved to {crash}: {e}");
        return 1;
    }

    Console.WriteLine($"Mutated {runs} inputs in {budget.TotalSeconds:0} s (seed {seed}) without a crash.");
    return 0;
}
