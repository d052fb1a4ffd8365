using System.CommandLine;
using SamMpa.Client.Commands;

// The commands own Ctrl-C and SIGTERM (TerminationSignals): System.CommandLine's own handling would end the process
// two seconds after the signal, before a cancelled dataset and the embedded silo have stopped.
using var signals = new TerminationSignals();
var exit = await SammpaCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, signals.Token);
return signals.ExitCodeOf(exit);
