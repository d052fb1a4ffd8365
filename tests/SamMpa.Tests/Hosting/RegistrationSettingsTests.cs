using Microsoft.Extensions.Configuration;
using SamMpa.Hosting;
using SamMpa.Imaging.Registration;

namespace SamMpa.Tests.Hosting;

public sealed class RegistrationSettingsTests
{
    [Fact]
    public void Parameter_files_in_configuration_replace_the_bundled_maps()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Registration:ParameterFiles:0"] = "/maps/bspline-only.txt",
            ["Registration:Timeout"] = "00:00:30",
        }).Build();

        var options = SiloHosting.RegistrationOf(configuration);

        Assert.Equal(["/maps/bspline-only.txt"], options.ParameterFiles);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
    }

    [Fact]
    public void Without_parameter_files_the_bundled_affine_and_bspline_maps_apply()
    {
        var options = SiloHosting.RegistrationOf(new ConfigurationBuilder().Build());

        Assert.Equal(new RegistrationOptions().ParameterFiles, options.ParameterFiles);
    }
}
