using Microsoft.Extensions.Hosting;
using SamMpa.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddSamMpaSilo();
await builder.Build().RunAsync();
