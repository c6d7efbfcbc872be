using Fillwise.App.Cli;

return await FillwiseCommandLine.RunAsync(args, Console.Out, Console.Error);
