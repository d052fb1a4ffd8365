"""Reads a DICOM Segmentation back for the SEG tests with pydicom (Debian python3-pydicom, run by /usr/bin/python3).

Prints one JSON object: the attributes the tests check, and each frame's pixels as a string of '0' and '1' (row by
row), decoded by pydicom's own pixel handler. Usage: read_seg.py SEG_FILE
"""
import json
import sys

import pydicom


def frame_references(item):
    source = item.DerivationImageSequence[0].SourceImageSequence[0]
    return {
        "sopClassUid": str(source.ReferencedSOPClassUID),
        "sopInstanceUid": str(source.ReferencedSOPInstanceUID),
        "frameNumber": int(source.ReferencedFrameNumber) if "ReferencedFrameNumber" in source else None,
        "segmentNumber": int(item.SegmentIdentificationSequence[0].ReferencedSegmentNumber),
    }


def main(path):
    ds = pydicom.dcmread(path)
    frames = int(ds.NumberOfFrames)
    pixels = ds.pixel_array.reshape((frames, int(ds.Rows), int(ds.Columns)))
    segment = ds.SegmentSequence[0]
    algorithm = segment.SegmentationAlgorithmIdentificationSequence[0]
    print(json.dumps({
        "sopClassUid": str(ds.SOPClassUID),
        "sopInstanceUid": str(ds.SOPInstanceUID),
        "seriesInstanceUid": str(ds.SeriesInstanceUID),
        "studyInstanceUid": str(ds.StudyInstanceUID),
        "frameOfReferenceUid": str(ds.get("FrameOfReferenceUID", "")),
        "modality": str(ds.Modality),
        "segmentationType": str(ds.SegmentationType),
        "patientName": str(ds.PatientName),
        "patientId": str(ds.PatientID),
        "accessionNumber": str(ds.AccessionNumber),
        "rows": int(ds.Rows),
        "columns": int(ds.Columns),
        "segmentLabel": str(segment.SegmentLabel),
        "segmentAlgorithmName": str(segment.SegmentAlgorithmName),
        "algorithmVersion": str(algorithm.AlgorithmVersion),
        "targetCode": str(segment.SegmentedPropertyTypeCodeSequence[0].CodeValue),
        "referencedInstances": [
            str(instance.ReferencedSOPInstanceUID)
            for series in ds.ReferencedSeriesSequence
            for instance in series.ReferencedInstanceSequence
        ],
        "frameReferences": [frame_references(item) for item in ds.PerFrameFunctionalGroupsSequence],
        "frames": ["".join("1" if value else "0" for value in frame.ravel()) for frame in pixels],
    }))


if __name__ == "__main__":
    main(sys.argv[1])
