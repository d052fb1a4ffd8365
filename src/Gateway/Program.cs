using SamMpa.Gateway;

var builder = WebApplication.CreateBuilder(args);
builder.AddSamMpaGateway();
var app = builder.Build();
app.MapSamMpaGateway();
await app.RunAsync();
