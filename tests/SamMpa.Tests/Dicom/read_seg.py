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


def shared_geometry(ds):
    shared = ds.SharedFunctionalGroupsSequence[0]
    measures = shared.PixelMeasuresSequence[0] if "PixelMeasuresSequence" in shared else None
    orientation = shared.PlaneOrientationSequence[0] if "PlaneOrientationSequence" in shared else None
    return {
        "pixelSpacing": [float(value) for value in measures.PixelSpacing] if measures else None,
        "sliceThickness": float(measures.SliceThickness) if measures and "SliceThickness" in measures else None,
        "imageOrientation": [float(value) for value in orientation.ImageOrientationPatient] if orientation else None,
        "imagePositions": [
            [float(value) for value in item.PlanePositionSequence[0].ImagePositionPatient] if "PlanePositionSequence" in item else None
            for item in ds.PerFrameFunctionalGroupsSequence
        ],
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
        "patientBirthDate": str(ds.PatientBirthDate),
        "patientSex": str(ds.PatientSex),
        "studyId": str(ds.StudyID),
        "referringPhysicianName": str(ds.ReferringPhysicianName),
        "studyDate": str(ds.StudyDate),
        "studyTime": str(ds.StudyTime),
        "geometry": shared_geometry(ds),
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
