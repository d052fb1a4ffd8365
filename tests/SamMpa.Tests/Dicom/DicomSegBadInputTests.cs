using SamMpa.Dicom;
using SamMpa.Imaging.Images;

namespace SamMpa.Tests.Dicom;

/// <summary>What the segmentation writer refuses, each with an error naming the item: masks that do not fit the source, unusable options, a source without the UIDs to reference.</summary>
public sealed class DicomSegBadInputTests
{
    [Fact]
    public void A_mask_of_another_size_than_the_source_is_refused_naming_the_source_and_frame()
    {
        using var mask = new GrayImage(60, 40);
        var writer = new DicomSegWriter(DicomSegTestData.Options);

        var error = Assert.Throws<DicomWriteException>(() => writer.Write(DicomSegTestData.Header(64, 48), "cxr/0001.dcm", [mask]));

        Assert.Equal("cxr/0001.dcm: the mask of frame 1 is 60x40 pixels but the instance's frames are 64x48 (Columns x Rows)", error.Message);
        Assert.Equal("cxr/0001.dcm", error.SourceInstance);
    }

    [Fact]
    public void Fewer_masks_than_frames_are_refused()
    {
        using var mask = new GrayImage(8, 8);
        var writer = new DicomSegWriter(DicomSegTestData.Options);

        var error = Assert.Throws<DicomWriteException>(() => writer.Write(DicomSegTestData.Header(8, 8, frames: 3), "multi.dcm", [mask]));

        Assert.Equal("multi.dcm: 1 mask(s) given for an instance of 3 frame(s); one mask per frame is needed", error.Message);
    }

    [Fact]
    public void A_source_without_a_sop_instance_uid_is_refused()
    {
        using var mask = new GrayImage(8, 8);
        var header = DicomSegTestData.Header(8, 8);
        header = header with { Provenance = header.Provenance with { SopInstanceUid = "" } };

        var error = Assert.Throws<DicomWriteException>(() => new DicomSegWriter(DicomSegTestData.Options).Write(header, "anonymous.dcm", [mask]));

        Assert.Equal("anonymous.dcm: has no SOP Instance UID (0008,0018), which a segmentation must reference", error.Message);
    }

    [Fact]
    public void A_source_value_its_vr_does_not_allow_is_refused_naming_the_attribute()
    {
        using var mask = new GrayImage(8, 8);
        var header = DicomSegTestData.Header(8, 8);
        header = header with { PatientStudy = header.PatientStudy with { PatientSex = "female" } };

        var error = Assert.Throws<DicomWriteException>(() => new DicomSegWriter(DicomSegTestData.Options).Write(header, "site-b/17.dcm", [mask]));

        Assert.Equal("site-b/17.dcm: its Patient's Sex (0010,0040) cannot be copied into a segmentation: 'female' holds characters CS does not allow", error.Message);
    }

    [Theory]
    [InlineData("TargetName", "Dicom:Seg:TargetName is empty")]
    [InlineData("TargetCode.Value", "Dicom:Seg:TargetCode:Value is empty")]
    [InlineData("TargetCode.Meaning", "Dicom:Seg:TargetCode:Meaning is empty")]
    [InlineData("AlgorithmVersion", "Dicom:Seg:AlgorithmVersion is empty")]
    [InlineData("ContentLabel", "Dicom:Seg:ContentLabel is empty")]
    [InlineData("Category.Scheme", "Dicom:Seg:Category:Scheme is empty")]
    public void An_empty_option_is_refused_by_name(string option, string expected)
    {
        var options = DicomSegTestData.Options;
        options = option switch
        {
            "TargetName" => options with { TargetName = " " },
            "TargetCode.Value" => options with { TargetCode = options.TargetCode with { Value = "" } },
            "TargetCode.Meaning" => options with { TargetCode = options.TargetCode with { Meaning = "" } },
            "AlgorithmVersion" => options with { AlgorithmVersion = "" },
            "ContentLabel" => options with { ContentLabel = "" },
            _ => options with { Category = options.Category with { Scheme = "" } },
        };

        var error = Assert.Throws<ArgumentException>(() => new DicomSegWriter(options));

        Assert.Equal($"DICOM SEG options cannot be used: {expected} (Parameter 'options')", error.Message);
    }

    [Fact]
    public void Every_unusable_option_is_named_at_once()
    {
        var options = new DicomSegOptions { ContentLabel = "lower case", UidRoot = "1.02.3", SeriesNumber = -1 };

        Assert.Equal(
            [
                "Dicom:Seg:UidRoot: '1.02.3' is not a UID root: components of digits separated by dots, none empty, none with a leading zero",
                "Dicom:Seg:TargetName is empty",
                "Dicom:Seg:TargetCode:Value is empty",
                "Dicom:Seg:TargetCode:Scheme is empty",
                "Dicom:Seg:TargetCode:Meaning is empty",
                "Dicom:Seg:AlgorithmVersion is empty",
                "Dicom:Seg:ContentLabel: 'lower case' holds characters CS does not allow",
                "Dicom:Seg:SeriesNumber is -1; it must be 0 or more",
            ],
            options.Problems());
    }

    [Fact]
    public void A_target_name_too_long_for_a_segment_label_or_with_a_backslash_is_refused()
    {
        var tooLong = DicomSegTestData.Options with { TargetName = new string('x', 65) };
        var twoValues = DicomSegTestData.Options with { TargetName = @"left\right lung" };

        Assert.Equal([$"Dicom:Seg:TargetName: '{tooLong.TargetName}' is 65 characters; LO allows at most 64"], tooLong.Problems());
        Assert.Equal([@"Dicom:Seg:TargetName 'left\right lung' holds a backslash, which DICOM reads as a second value"], twoValues.Problems());
    }

    [Fact]
    public void A_uid_root_that_leaves_too_few_digits_is_refused()
    {
        const string root = "1.2.840.10008.99999999999999999999999999999";
        var options = DicomSegTestData.Options with { UidRoot = root };

        var problem = Assert.Single(options.Problems());

        Assert.Equal($"Dicom:Seg:UidRoot: '{root}' is {root.Length} characters; a UID root may have at most 40, to leave 23 digits for the unique part of a 64-character UID", problem);
    }
}
