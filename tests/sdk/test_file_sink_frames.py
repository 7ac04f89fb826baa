"""The file sink writes big batches from their own memory (the schema's kept IPC stream writer hands its
pieces to a collector, one writev) and small ones with ``batch.serialize()``: either way the bytes must be
exactly those of a new IPC stream writer per frame, for every kind of batch the SDK logs and for the
layouts Arrow copies parts of (sliced arrays, nulls, empty cells, oversized buffers)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import rerun as rr
from rerun import _session, _time
from rerun.recording import load
from rerun.sinks import FileSink
from rerun.sinks.base import Sink
from rerun.wire.frames import DIGEST, STREAM_HEADER, FrameKind, encode_frame_header, frame_digest
from rerun.wire.log_table import build_log_batch, log_payload_size, write_log_payload


class _Keeper(Sink):
    """Keeps every LOG batch the session sends, as it was sent (the arrays the SDK built)."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[pa.RecordBatch] = []

    def send_log(self, batch: pa.RecordBatch) -> None:
        self.batches.append(batch)

    def send_control(self, kind: FrameKind, obj: dict) -> None:
        pass

    def close(self, goodbye: dict | None = None) -> None:
        pass


def _sdk_batches() -> list[pa.RecordBatch]:
    """One or more batches of every kind the SDK logs."""
    rng = np.random.default_rng(7)
    keeper = _Keeper()
    _session.shutdown()
    rr.set_enabled(True)
    _session.set_sink(keeper)
    try:
        rr.set_time_sequence("frame", 3)
        rr.set_time_seconds("sim", 1.5)
        rr.log_points("points", rng.normal(size=(1000, 3)), colors=rng.integers(0, 255, (1000, 3), dtype=np.uint8),
                      radii=rng.random(1000).astype(np.float32), labels=[f"p{i}" for i in range(1000)],
                      class_ids=rng.integers(0, 5, 1000), identifiers=np.arange(1000))
        rr.log_points("points2d", rng.normal(size=(50, 2)), keypoint_ids=np.arange(50) % 3)
        rr.log_point("one", [1.0, 2.0, 3.0], radius=0.5, color=[255, 0, 0], label="one")
        rr.log_image("image", rng.integers(0, 255, (480, 640, 3), dtype=np.uint8))
        rr.log_image("image_f32", rng.random((64, 48)).astype(np.float32))
        rr.log_depth_image("depth", rng.integers(0, 5000, (120, 160), dtype=np.uint16), meter=1000)
        rr.log_segmentation_image("segmentation", rng.integers(0, 4, (30, 40), dtype=np.uint8))
        rr.log_tensor("tensor", rng.random((4, 5, 6)), names=["a", "b", "c"], meter=2.0)
        rr.log_tensor("tensor_plain", rng.integers(0, 9, (300, 200), dtype=np.int32))
        rr.log_mesh("mesh", rng.random((30, 3)).astype(np.float32), indices=np.arange(30, dtype=np.uint32),
                    normals=rng.random((30, 3)).astype(np.float32), vertex_colors=rng.integers(0, 255, (30, 4), dtype=np.uint8))
        rr.log_mesh_file("mesh_file", rr.MeshFormat.GLB, b"glTF" + bytes(100), transform=np.eye(3, 4))
        rr.log_arrow("arrow", [0, 0, 0], [1, 1, 1], color=[0, 255, 0], label="up", width_scale=2.0)
        rr.log_obb("box", [1, 2, 3], position=[0, 0, 0], rotation_q=[0, 0, 0, 1], label="b")
        rr.log_rect("rect", [1, 2, 3, 4], label="r", class_id=2)
        rr.log_rects("rects", rng.random((20, 4)), colors=rng.integers(0, 255, (20, 3), dtype=np.uint8), labels=["x"] * 20)
        rr.log_line_strip("line", rng.random((100, 3)), stroke_width=0.1)
        rr.log_line_segments("segments", rng.random((100, 2)), color=[1, 2, 3])
        rr.log_rigid3("rigid", parent_from_child=([1, 2, 3], [0, 0, 0, 1]))
        rr.log_pinhole("pinhole", child_from_parent=np.eye(3), width=640, height=480)
        rr.log_view_coordinates("view", xyz="RDF")
        rr.log_unknown_transform("unknown")
        rr.log_annotation_context("annotations", [rr.ClassDescription(info=rr.AnnotationInfo(1, "cat", (255, 0, 0)),
                                                                     keypoint_annotations=[rr.AnnotationInfo(0, "nose")],
                                                                     keypoint_connections=[(0, 1)])])
        # Names of their own: the SDK remembers an extension component's type for the session's life.
        rr.log_extension_components("ext", {"file_frames_confidence": rng.random(10).astype(np.float32), "file_frames_name": "thing"},
                                    identifiers=np.arange(10))
        rr.log_text_entry("log", "hello", level="WARN", color=[1, 2, 3])
        rr.log_text_entry("log", "world")
        for i in range(5):
            rr.set_time_sequence("frame", i)
            rr.log_scalar("plot", float(i), label="s", color=[0, 0, 255], radius=2.0, scattered=bool(i % 2))
        rr.log_points("empty", np.zeros((0, 3)))
        rr.log_cleared("points", recursive=True)
        _session.flush()
    finally:
        _session.shutdown()
        _time.reset_time()
    assert len(keeper.batches) >= 25
    return keeper.batches


def _meta(names: list[str]) -> dict:
    return {b"rerun.entity_path": b"synthetic", b"rerun.recording_id": b"r", b"names": ",".join(names).encode()}


def _synthetic_batches() -> list[pa.RecordBatch]:
    """Layouts Arrow's writer treats specially: each is a column of its own batch."""
    rng = np.random.default_rng(11)
    ints = pa.array(rng.integers(0, 100, 1000))
    with_nulls = pa.array([None if i % 7 == 0 else float(i) for i in range(1000)])
    strings = pa.array([None if i % 5 == 0 else "x" * (i % 13) for i in range(300)])
    lists = pa.array([[float(j) for j in range(i % 4)] if i % 9 else None for i in range(200)], pa.list_(pa.float32()))
    fixed = pa.FixedSizeListArray.from_arrays(pa.array(rng.random(300).astype(np.float32)), 3)
    struct = pa.StructArray.from_arrays([pa.array(rng.integers(0, 9, 50)), pa.array(["s"] * 50), pa.array([True, False] * 25)],
                                        names=["a", "b", "c"])
    oversized = pa.Array.from_buffers(pa.int32(), 10, [None, pa.py_buffer(np.arange(100, dtype=np.int32).tobytes())])
    oversized_strings = pa.Array.from_buffers(pa.utf8(), 3, [None, pa.py_buffer(np.array([0, 1, 3, 6, 10], np.int32).tobytes()),
                                                             pa.py_buffer(b"abcdefghijklmnopqrstuvwxyz" * 10)])
    oversized_offsets = pa.Array.from_buffers(pa.list_(pa.int8()), 2, [None, pa.py_buffer(np.array([0, 1, 3, 4, 9], np.int32).tobytes())],
                                              children=[pa.array(np.arange(9, dtype=np.int8))])
    big_bitmap = pa.Array.from_buffers(pa.int64(), 3, [pa.py_buffer(b"\x05" + bytes(127)), pa.py_buffer(np.arange(3, dtype=np.int64).tobytes())],
                                       null_count=1)
    unused_bitmap = pa.Array.from_buffers(pa.int64(), 3, [pa.py_buffer(b"\x07"), pa.py_buffer(np.arange(3, dtype=np.int64).tobytes())],
                                          null_count=0)
    columns = {
        "ints": ints, "with_nulls": with_nulls, "strings": strings, "lists": lists, "fixed": fixed, "struct": struct,
        "sliced_ints": ints.slice(3, 500), "sliced_nulls": with_nulls.slice(5, 100), "sliced_strings": strings.slice(7, 50),
        "sliced_lists": lists.slice(1, 20), "sliced_fixed": fixed.slice(2, 30), "sliced_struct": struct.slice(4, 9),
        "head_of_list": lists.slice(0, 20), "head_of_ints": ints.slice(0, 10), "head_of_nulls": with_nulls.slice(0, 17),
        "bools": pa.array([True, None, False] * 30), "nulls": pa.nulls(40), "empty_lists": pa.array([[]] * 5, pa.list_(pa.utf8())),
        "large": pa.array([b"x" * i for i in range(40)], pa.large_binary()),
        "large_list": pa.array([[1, 2], [], [3]], pa.large_list(pa.uint16())),
        "fixed_binary": pa.array([bytes(16)] * 12, pa.binary(16)),
        "half": pa.array(np.ones(9, np.float16)), "decimal": pa.array([1, 2, 3], pa.decimal128(10, 2)),
        "timestamps": pa.array(np.arange(11).astype("datetime64[ns]")),
        "dictionary": pa.array(["a", "b", "a"]).dictionary_encode(),
        "union": pa.UnionArray.from_sparse(pa.array([0, 1, 0], pa.int8()), [pa.array([1, 2, 3]), pa.array(["a", "b", "c"])]),
        "map": pa.array([[("k", 1)], []], pa.map_(pa.utf8(), pa.int32())),
        "string_view": pa.array(["abc", "a much longer string than twelve"], pa.string_view()),
        "oversized": oversized, "oversized_strings": oversized_strings, "oversized_offsets": oversized_offsets,
        "big_bitmap": big_bitmap, "unused_bitmap": unused_bitmap,
        "list_of_empty_list": pa.array([[[]], [[], []]], pa.list_(pa.list_(pa.float64()))),
        "list_in_struct_sliced": pa.StructArray.from_arrays([lists], names=["l"]).slice(10, 5),
        "fixed_values_offset": pa.FixedSizeListArray.from_arrays(pa.array(rng.random(30).astype(np.float32)).slice(3, 27), 3),
        "list_values_offset": pa.ListArray.from_arrays(pa.array([0, 2, 5], pa.int32()), pa.array(np.arange(9, dtype=np.int64)).slice(2, 7)),
    }
    if hasattr(pa, "uuid"):  # an extension type: written as its storage
        columns["extension"] = pa.ExtensionArray.from_storage(pa.uuid(), pa.array([bytes(range(16))] * 7, pa.binary(16)))
    batches = []
    for name, array in columns.items():
        n = len(array)
        log_time = pa.array(np.arange(n, dtype=np.int64))
        batches.append(pa.RecordBatch.from_arrays([log_time, array], schema=pa.schema(
            [pa.field("timeline:time:log_time", pa.int64()), pa.field(name, array.type)], metadata=_meta([name]))))
    return batches


SDK_BATCHES = None


def _all_batches() -> list[tuple[str, pa.RecordBatch]]:
    global SDK_BATCHES
    if SDK_BATCHES is None:
        SDK_BATCHES = [(f"sdk:{b.schema.metadata[b'rerun.entity_path'].decode()}:{i}", b) for i, b in enumerate(_sdk_batches())]
    return SDK_BATCHES + [(f"synthetic:{b.schema.names[1]}", b) for b in _synthetic_batches()]


def _stream_writer_frame(batch: pa.RecordBatch) -> bytes:
    """A LOG frame as a new IPC stream writer per batch makes it (the bytes every reader knows)."""
    size = log_payload_size(batch)
    header = encode_frame_header(FrameKind.LOG, size, checksum=True)
    stream = pa.BufferOutputStream()
    write_log_payload(batch, stream)
    payload = stream.getvalue().to_pybytes()
    assert len(payload) == size
    return header + payload + DIGEST.pack(frame_digest(header, payload))


def test_file_sink_frames_are_the_stream_writers_bytes(tmp_path, monkeypatch):
    import rerun.sinks.file as file_sink

    batches = [batch for _, batch in _all_batches()]
    big = build_log_batch("big", "r", {("frame", "sequence"): [1]},
                          {"ext.bytes": pa.ListArray.from_arrays(pa.array([0, 3 << 20], pa.int32()),
                                                                 pa.array(np.random.default_rng(1).integers(0, 255, 3 << 20, dtype=np.uint8)))})
    batches.append(big)
    # Big batches Arrow copies parts of (sliced arrays: the writer hands the collector buffers of its own).
    values = pa.array(np.random.default_rng(2).integers(0, 255, 10 << 20, dtype=np.uint8))
    for nbytes in (1 << 20, 9 << 20):
        sliced = pa.ListArray.from_arrays(pa.array([0, nbytes], pa.int32()), values).slice(0, 1)
        batches.append(build_log_batch(f"sliced{nbytes}", "r", {("frame", "sequence"): pa.array([1, 2]).slice(1, 1)}, {"ext.bytes": sliced}))
    for zero_copy_min in (0, file_sink._ZERO_COPY_MIN):  # every batch both ways: from its own memory and serialised
        monkeypatch.setattr(file_sink, "_ZERO_COPY_MIN", zero_copy_min)
        path = tmp_path / f"frames-{zero_copy_min}.rrd"
        sink = FileSink(path)
        for batch in batches:
            sink.send_log(batch)
            sink.send_log(batch)  # the second time with the schema's kept writer
        sink.close()
        data = path.read_bytes()
        expected = STREAM_HEADER + b"".join(_stream_writer_frame(b) * 2 for b in batches)
        assert data[: len(expected)] == expected
        recording = load(path)
        assert recording.complete
        assert recording.table("big").column("ext.bytes").to_pylist()[0] == big.column(1).to_pylist()[0]


@pytest.mark.parametrize("rows", [1, 3, 100])
def test_a_writev_of_more_pieces_than_the_os_takes_at_once(tmp_path, monkeypatch, rows):
    import rerun.sinks.file as file_sink

    monkeypatch.setattr(file_sink, "_IOV_MAX", 3)
    monkeypatch.setattr(file_sink, "_ZERO_COPY_MIN", 0)
    columns = {f"ext.c{k}": pa.array([[float(k)] * (k + 1)] * rows, pa.list_(pa.float64())) for k in range(12)}
    batch = build_log_batch("many", "r", {("frame", "sequence"): list(range(rows))}, columns)
    path = tmp_path / "many.rrd"
    sink = FileSink(path)
    sink.send_log(batch)
    sink.close()
    assert path.read_bytes()[: len(STREAM_HEADER) + len(_stream_writer_frame(batch))] == STREAM_HEADER + _stream_writer_frame(batch)
    assert load(path).table("many").column("ext.c11").to_pylist() == [[11.0] * 12] * rows


def test_heads_of_arrays_and_uncounted_nulls_match_arrow(tmp_path, monkeypatch):
    """Arrow's writer counts the nulls of a slice and cuts or copies its buffers by rules that depend on
    the slice's length: every head of these arrays, at many lengths, both ways through the sink, gives
    the stream writer's bytes."""
    import rerun.sinks.file as file_sink

    rng = np.random.default_rng(5)
    n = 700
    mask = rng.random(n) < 0.2
    arrays = [
        pa.array(rng.integers(0, 1000, n), mask=mask),
        pa.array(rng.random(n).astype(np.float32)),
        pa.array([None if m else "s" * (i % 5) for i, m in enumerate(mask)]),
        pa.array([None if m else [i] * (i % 3) for i, m in enumerate(mask)], pa.list_(pa.int16())),
        pa.array(rng.random(n) < 0.5, mask=mask),
        pa.FixedSizeListArray.from_arrays(pa.array(rng.random(3 * n), mask=rng.random(3 * n) < 0.1), 3),
        pa.StructArray.from_arrays([pa.array(np.arange(n)), pa.array([None if m else 1.0 for m in mask])], names=["a", "b"]),
        # Nulls not counted yet (-1): the writer counts them.
        pa.Array.from_buffers(pa.int32(), n, [pa.array(~mask).buffers()[1], pa.py_buffer(np.arange(n, dtype=np.int32).tobytes())], null_count=-1),
    ]
    batches = []
    for array in arrays:
        for length in sorted({0, 1, 7, 8, 9, 63, 64, 65, 200, 511, 512, 513, n - 1, n, *rng.integers(1, n, 6)}):
            head = array.slice(0, length)
            for column in (head, pa.ListArray.from_arrays(pa.array([0, length], pa.int32()), head)):
                batches.append(pa.RecordBatch.from_arrays([pa.array(np.arange(len(column))), column], names=["t", "c"]))
    for zero_copy_min in (0, file_sink._ZERO_COPY_MIN):
        monkeypatch.setattr(file_sink, "_ZERO_COPY_MIN", zero_copy_min)
        path = tmp_path / f"heads-{zero_copy_min}.rrd"
        sink = FileSink(path)
        for batch in batches:
            sink.send_log(batch)
        sink.close()
        expected = STREAM_HEADER + b"".join(_stream_writer_frame(b) for b in batches)
        assert path.read_bytes()[: len(expected)] == expected


@pytest.mark.parametrize("frame_bytes", [10_000, 400_000])  # batch.serialize()'s way, and the zero-copy way
def test_a_file_size_limit_inside_a_frame_keeps_every_frame_before_it(tmp_path, frame_bytes):
    """The OS writes part of a frame (RLIMIT_FSIZE: a short write, then EFBIG): the sink raises once
    naming the file, drops later frames, and every frame before the torn one reads back."""
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "limited.rrd"
    limit = int(2.5 * frame_bytes)
    code = f"""
        import resource, signal
        import numpy as np, pyarrow as pa
        from rerun.sinks import FileSink
        from rerun.wire.log_table import build_log_batch
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
        sink = FileSink({str(path)!r})
        errors = []
        for i in range(5):
            cells = pa.ListArray.from_arrays(pa.array([0, {frame_bytes}], pa.int32()), pa.array(np.full({frame_bytes}, i, np.uint8)))
            try:
                sink.send_log(build_log_batch("e", "r", {{("i", "sequence"): [i]}}, {{"ext.bytes": cells}}))
            except OSError as exc:
                errors.append(str(exc))
        sink.close()
        print(len(errors), sink.stats()["dropped_messages"])
        print(errors[0])
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    counts, message = result.stdout.strip().splitlines()
    assert counts == "1 3"  # raised once; the torn frame and the two after it dropped
    assert str(path) in message and "later messages to it are dropped" in message
    assert path.stat().st_size == limit  # the OS took what fit
    recording = load(path)
    assert not recording.complete
    assert recording.table("e").column("i").to_pylist() == [0, 1]
    assert [cell[0] for cell in recording.table("e").column("ext.bytes").to_pylist()] == [0, 1]
