using SamMpa.Hosting;

// A web host: Kestrel serves the health and metrics endpoints, the Orleans silo runs beside it.
var builder = WebApplication.CreateBuilder(args);
builder.AddSamMpaHttpEndpoints();
builder.AddSamMpaSilo();
var app = builder.Build();
app.MapSamMpaHttpEndpoints();
await app.RunAsync();
