using SamMpa.Client.Commands;

return await SammpaCommandLine.Build().Parse(args).InvokeAsync();
