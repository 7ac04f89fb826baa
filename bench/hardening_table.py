"""Issue 9's closing figures in one run: what hostile peers, damaged files, bad calls, kills, stops, a full disk
and a memory limit do to the SDK and a real headless viewer, as one markdown table.

Each row runs the project's own harness: ``bench/hostile_peers.py`` (peers against a viewer with
``--memory-limit 300MB``), ``tests/sdk/file_fuzz.py`` and ``tests/sdk/legacy_damage.py`` (damaged files),
``tests/sdk/bad_calls.py`` (the bad-call matrix), ``tests/transport/logger_proc.py`` (loggers killed or stopped
inside a frame); the disk-full and file-with-a-limit rows are built here from the same pieces. The goal the
issue sets for every row: survived, nothing lost that was intact, resident memory (private + file-backed,
sampled every 10 ms) at most 1.1x the limit under any peer.

Usage::

    python bench/hardening_table.py [--rows tcp,files,calls,kills,disk,limits] [--json OUT.json]

Prints one line per row as it finishes (stderr), then the table (stdout). About 3-6 minutes on 2 busy cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT / "bench", ROOT / "tests" / "transport"):
    sys.path.insert(0, str(folder))

import hostile_peers as peers  # noqa: E402
import logger_proc  # noqa: E402

LIMIT = peers.LIMIT
MB = peers.MB


class Row(NamedTuple):
    """One line of the table; ``goal`` is whether it meets the issue's goal, ``note`` says why not when it does not."""

    test: str
    cases: str
    outcome: str
    memory: str
    goal: bool
    note: str = ""


def _memory(peak: int, extra: str = "") -> str:
    return f"{peak / MB:.0f} MB of {LIMIT / MB:.0f} MB ({peak / LIMIT:.2f}x){extra}"


def _under_limit(peak: int) -> bool:
    return peak <= 1.1 * LIMIT


def _python(*args: str, timeout: float = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, env=env)


# --- hostile TCP and ring peers (bench/hostile_peers.py) -------------------------------------------------------


def _logger_outcome(result: dict) -> tuple[str, bool]:
    kept = result["kept_logger_rows"]
    intact = kept == "50/50"
    if not result["survived"]:
        return "**crashed**", False
    return ("survived, " if intact else "survived, **lost data**: ") + f"a logger alongside kept {kept} rows", intact


def tcp_rows(env: dict) -> list[Row]:
    rows = []
    header = peers.row_header_only(env)
    outcome, ok = _logger_outcome(header)
    peak = header["rss_peak_MB"] * MB
    rows.append(Row("TCP: header-only frames (8 x 150 MB announced, no payload)", "8", outcome,
                    _memory(peak, f"; {header['rss_after_close_MB']} MB after they closed"), ok and _under_limit(peak)))
    full = peers.row_full_size(env)
    outcome, ok = _logger_outcome(full)
    peak = full["rss_peak_MB"] * MB
    rows.append(Row("TCP: full-size frames (4 x 150 MB at once)", "4", outcome, _memory(peak), ok and _under_limit(peak)))
    fuzz = peers.row_fuzz(env)
    outcome, ok = _logger_outcome(fuzz)
    peak = fuzz["rss_peak_MB"] * MB
    rows.append(Row("TCP fuzz: valid streams with random flips, cuts and repeats", "200 connections", outcome, _memory(peak),
                    ok and _under_limit(peak)))
    flood = peers.row_flood(env)
    outcome, ok = _logger_outcome(flood)
    contained = flood["threads_peak"] <= 64 and flood["open_after_30s"] == 0
    rows.append(Row("TCP: connections sending only a stream header", "1000", outcome + f"; viewer threads peak +{flood['threads_peak']}, "
                    f"{flood['open_after_30s']} open after the idle timeout, {flood['stderr_lines']} stderr lines", "-",
                    ok and contained))
    chunks = peers.row_ring_chunks(env)
    outcome, ok = _logger_outcome(chunks)
    peak = chunks["rss_peak_MB"] * MB
    whole = chunks["frames_arrived"] == "4/4"
    rows.append(Row("ring: 4 x 120 MB chunked frames interleaved", "4", outcome + f"; {chunks['frames_arrived']} frames arrived",
                    _memory(peak), ok and whole and _under_limit(peak)))
    trickle = peers.row_trickler(env)
    peak = trickle["rss_peak_MB"] * MB
    ok = trickle["survived"] and trickle["images_arrived"] == "3/3"
    rows.append(Row("TCP: a 3.2 kB/s trickler announcing 120 MB + a logger of 3 x 100 MB images", "1",
                    ("survived" if trickle["survived"] else "**crashed**") + f", {trickle['images_arrived']} images arrived in "
                    f"{trickle['logger_s']} s" + ("" if ok else " (**lost data**)")
                    + (", trickler named and abandoned" if trickle["trickler_named"] else ""), _memory(peak), ok and _under_limit(peak)))
    return rows


# --- memory limit per transport: ring, TCP, a file ------------------------------------------------------------


#: File-backed resident pages of a headless viewer that maps no file: its shared libraries (~80 MB here).
BASELINE_FILE_BACKED = 80 * MB


def _limit_row(result: dict, label: str) -> Row:
    peak = result["rss_peak_MB"] * MB
    kept, arrived = result["frames_kept"], result["frames_arrived"]
    frame = 640 * 480 * 3
    # Nothing the limit would keep is lost: the frames held are exactly the newest ones (a logger's bounded queue
    # may have dropped older frames while the viewer paused; the limit would have let those go anyway).
    held = result["frames_held"]
    newest = bool(kept) and held == [600 - kept, 599]
    outcome = ("survived" if result["survived"] else "**crashed**") + f", {arrived} of 600 frames arrived, the limit kept {kept} " \
        f"({kept * frame / MB:.0f} MB of images): frames {held[0] if held else '-'}..{held[1] if held else '-'}" + \
        ("" if newest else ", **not the newest**")
    split = f" (file-backed pages: {result['file_backed_peak_MB']} MB)"
    mapped = result["file_backed_peak_MB"] * MB - BASELINE_FILE_BACKED
    note = (f"~{mapped / MB:.0f} MB of file-backed pages beyond the libraries' (a memory-mapped file's, which the memory "
            "limit counts and evicting data does not release)" if not _under_limit(peak) and mapped > LIMIT / 4 else "")
    return Row(f"memory limit 300 MB, 600 x 640x480 RGB frames, {label}", "600", outcome, _memory(peak, split),
               bool(result["survived"] and newest and kept >= 100 and _under_limit(peak)), note)


#: The same 600 frames as the transport rows' logger, written by ``rr.save`` instead.
FILE_WRITER = peers.IMAGE_LOGGER.replace("rr.connect(sys.argv[1])", "rr.save(sys.argv[1])")


def row_file_with_limit(env: dict, workdir: Path) -> dict:
    """The same 600 frames written by ``rr.save`` and opened by a viewer with ``--memory-limit 300MB``."""
    path = workdir / "camera.rrd"
    subprocess.run([sys.executable, "-c", FILE_WRITER, str(path)], check=True, env=env, timeout=300)
    viewer = peers.Viewer(env, str(path), "--exit-after-idle", "1")
    try:
        viewer.proc.wait(timeout=300)
    except subprocess.TimeoutExpired:
        pass
    stats, _, crashed = viewer.stop()
    path.unlink()
    return {"survived": not crashed, "frames_kept": peers.store_rows(stats, "camera/image"),
            "frames_arrived": sum(s["log_rows"] for s in stats["sources"]) if stats else None, "rss_peak_MB": round(viewer.peak / MB),
            "file_backed_peak_MB": round(viewer.peak_file / MB), "frames_held": peers.held_range(stats, "sequence:frame")}


def limit_rows(env: dict, workdir: Path) -> list[Row]:
    return [_limit_row(peers.row_transport(env, "ring"), "shared-memory ring"), _limit_row(peers.row_transport(env, "tcp"), "TCP"),
            _limit_row(row_file_with_limit(env, workdir), "a file opened with --memory-limit")]


# --- damaged files --------------------------------------------------------------------------------------------


def file_rows(env: dict, workdir: Path) -> list[Row]:
    clean = {k: v for k, v in env.items() if not k.startswith("RERUN")}
    result = _python(str(ROOT / "tests" / "sdk" / "file_fuzz.py"), str(workdir / "fuzz.rrd"), "200", "9", str(workdir / "scratch.rrd"),
                     "--write", env=clean)
    if result.returncode != 0:
        fuzz_row = Row("file fuzz", "200 files", f"**crashed** (the fuzz script exited {result.returncode})", "-", False,
                       result.stderr[-300:])
    else:
        t = json.loads(result.stdout.splitlines()[-1])
        ok = t["frames_recovered"] == t["frames_intact"] and not (t["files_rejected"] or t["raw_errors"] or t["rows_changed"] or t["crashed"])
        fuzz_row = Row("file fuzz: 1-3 bit flips or a cut in a 40-frame `rr.save` recording, read by `recording.load`",
                       f"{t['cases']} files", f"{t['frames_recovered']:,} of {t['frames_intact']:,} intact frames recovered; "
                       f"{t['files_rejected']} files rejected whole, {t['raw_errors']} raw exceptions, {t['rows_changed']} rows silently "
                       f"changed, {t['crashed']} crashes", "-", ok)
    fixture = ROOT / "tests" / "fixtures" / "rrd_v040" / "damage_scalars.rrd"
    result = _python(str(ROOT / "tests" / "sdk" / "legacy_damage.py"), str(fixture), "60", "9", env=clean)
    if result.returncode != 0:
        legacy_row = Row("rerun-sdk 0.4.0 file fuzz", "60 files", f"**crashed** (exit {result.returncode})", "-", False, result.stderr[-300:])
    else:
        t = json.loads(result.stdout.splitlines()[-1])
        ok = t["recovered_intact"] == t["intact_rows"] and not (t["rejected_with_intact_rows"] or t["raw_exceptions"])
        legacy_row = Row("0.4.0 file fuzz: a bit flip or a cut in a file written by rerun-sdk 0.4.0 (one zstd stream, no checksum)",
                         f"{t['files']} files", f"{t['recovered_intact']:,} of {t['intact_rows']:,} intact rows recovered (+{t['rows_beyond']:,} "
                         f"decoded past the damage); {t['rejected_whole']} files rejected whole ({t['rejected_with_intact_rows']} with intact "
                         f"rows), {t['raw_exceptions']} raw exceptions, {t['changed']} rows silently changed", "-", ok,
                         f"{t['changed']} changed rows: 0.4.0 files carry no checksum" if t["changed"] else "")
    return [fuzz_row, legacy_row]


# --- the bad-call matrix --------------------------------------------------------------------------------------


def call_rows(env: dict) -> list[Row]:
    clean = {k: v for k, v in env.items() if not k.startswith("RERUN")}
    result = _python(str(ROOT / "tests" / "sdk" / "bad_calls.py"), env=clean)
    if result.returncode != 0:
        return [Row("bad-call matrix", "-", f"**crashed** (exit {result.returncode})", "-", False, result.stderr[-300:])]
    t = json.loads(result.stdout.splitlines()[-1])
    default, strict = t["default"], t["strict"]
    n = t["cases"]

    def counts(found: dict, order: list[str]) -> str:
        return ", ".join(f"{found.get(k, 0)} {k}" for k in order)

    return [
        Row("bad-call matrix, default mode (warn and drop; good calls around it kept)", f"{n} calls",
            counts(default, ["survived", "lost data", "raised"]), "-", default.get("survived", 0) == n),
        Row("bad-call matrix, strict mode (raise the documented error)", f"{n} calls", counts(strict, ["raised", "raised other", "no raise"]),
            "-", strict.get("raised", 0) == n),
    ]


# --- loggers killed or stopped inside a frame -----------------------------------------------------------------


def _frames(recording, entity: str) -> list[int]:
    return recording.table(entity).column("frame").to_pylist() if entity in recording.entity_paths else []


def _whole(recording, entity: str, points: int) -> bool:
    """Every kept frame of ``entity`` holds exactly the points the logger logged for it."""
    if entity not in recording.entity_paths:
        return True
    table = recording.table(entity)
    cells = table.column("rerun.point3d").combine_chunks()
    prefix = entity.split("/")[0]
    for row, frame in enumerate(table.column("frame").to_pylist()):
        got = cells[row].values.flatten().to_numpy().reshape(-1, 3)
        if not np.array_equal(got, logger_proc.expected_points(prefix, frame, points)):
            return False
    return True


def _wait_file_size(path: Path, size: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size >= size:
            return True
        time.sleep(0.02)
    return False


def _process_state(pid: int) -> str:
    """The state letter of /proc/PID/stat ("T": stopped)."""
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().rsplit(")", 1)[1].split()[0]


def _fault_row(env: dict, workdir: Path, transport: str, fault: str, hold_s: float = 0.0) -> Row:
    """A logger of 3.6 MB (ring: chunked) or 1.2 MB (TCP) point clouds gets ``fault`` ("kill" or "stop") while a
    steady logger of 40 small frames runs beside it; the viewer records everything with ``--save``."""
    from rerun.recording import load

    save = workdir / f"{transport}-{fault}-{hold_s:.0f}.rrd"
    viewer = peers.Viewer(env, "--save", str(save))
    addr = f"127.0.0.1:{viewer.port}"
    script = str(ROOT / "tests" / "transport" / "logger_proc.py")
    if transport == "ring":  # frames travel in chunks; the hook stops the sender inside the second one, for certain
        points, count = 300_000, 6
        flags = ["--forever", "--freeze-mid-frame"] if fault == "kill" else ["--count", str(count), "--stop-mid-frame"]
        doomed_env = dict(env, RERUN_RING_BYTES=str(4 << 20), RERUN_SEGMENT_BYTES="0")
    else:  # no hook inside a TCP frame: the fault lands where the stream is once 20 MB have arrived
        points, count = 100_000, 60
        flags = ["--count", "400" if fault == "kill" else str(count), "--sleep", "0.01"]
        doomed_env = dict(env)
    doomed = subprocess.Popen([sys.executable, script, "--addr", addr, "--transport", transport, "--prefix", "doomed", "--points",
                               str(points), *flags], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=doomed_env)
    note = ""
    try:
        if transport == "ring":
            logger_proc.wait_for_line(doomed, logger_proc.MID_FRAME_LINE, timeout=120)
            if fault == "stop":  # it stops itself right after the line: wait until it has
                deadline = time.monotonic() + 30
                while _process_state(doomed.pid) != "T" and time.monotonic() < deadline:
                    time.sleep(0.01)
        else:
            if not _wait_file_size(save, 20 * MB, 120):
                note = "the TCP logger never reached 20 MB"
            os.kill(doomed.pid, signal.SIGKILL if fault == "kill" else signal.SIGSTOP)
        if fault == "kill" and transport == "ring":
            doomed.kill()
        stopped_at = time.monotonic()
        steady = _python(script, "--addr", addr, "--transport", transport, "--prefix", "steady", "--count", "40", "--points", "500",
                         "--sleep", "0.02", timeout=300, env=env)
        alive_during = viewer.alive()
        if fault == "stop":
            remaining = hold_s - (time.monotonic() - stopped_at)
            if remaining > 0:
                time.sleep(remaining)  # the stop's length is what this row measures
            os.kill(doomed.pid, signal.SIGCONT)
        doomed.communicate(timeout=300)
    finally:
        if doomed.poll() is None:
            doomed.kill()
            doomed.communicate()
    stats, _, crashed = viewer.stop()
    recording = load(save)
    steady_frames = _frames(recording, "steady/points")
    doomed_frames = _frames(recording, "doomed/points")
    whole = _whole(recording, "doomed/points", points)
    steady_ok = steady.returncode == 0 and steady_frames == list(range(40))
    contiguous = doomed_frames == list(range(len(doomed_frames)))
    save.unlink()
    survived = alive_during and not crashed
    if fault == "kill":
        label = (f"kill -9 of a {transport} logger " + ("inside its second chunked 3.6 MB frame (certain)" if transport == "ring"
                 else "at a random point of a stream of 1.2 MB frames"))
        expected = "1 (the frame before)" if transport == "ring" else "0..k, contiguous"
        intact = (len(doomed_frames) == 1) if transport == "ring" else contiguous
        outcome = (f"{'survived' if survived else '**crashed**'}; the killed logger's frames kept: {len(doomed_frames)} (expected {expected}), "
                   f"{'each whole' if whole else '**a kept frame differs**'}; a logger alongside kept {len(steady_frames)}/40")
    else:
        what = "inside its second chunked 3.6 MB frame" if transport == "ring" else "at a random point of its stream of 1.2 MB frames"
        label = f"SIGSTOP of a {transport} logger {what}, SIGCONT after {hold_s:.0f} s"
        intact = doomed_frames == list(range(count)) and doomed.returncode == 0
        outcome = (f"{'survived' if survived else '**crashed**'}; the stopped logger's frames kept: {len(doomed_frames)}/{count}"
                   f"{'' if intact else ' (**lost data**)'}, {'each whole' if whole else '**a kept frame differs**'}; "
                   f"a logger alongside kept {len(steady_frames)}/40")
        if not intact:
            errors = [s.get("last_error") for s in (stats or {}).get("sources", []) if s.get("last_error")]
            note = "; ".join(e for e in errors if e)[:300]
    return Row(label, "1", outcome, "-", survived and intact and whole and steady_ok, note)


def kill_rows(env: dict, workdir: Path) -> list[Row]:
    return [
        _fault_row(env, workdir, "ring", "kill"),
        _fault_row(env, workdir, "tcp", "kill"),
        _fault_row(env, workdir, "ring", "stop", hold_s=3),
        _fault_row(env, workdir, "ring", "stop", hold_s=25),  # longer than the 20 s pause allowed inside a TCP frame
        _fault_row(env, workdir, "tcp", "stop", hold_s=25),
    ]


# --- a full disk (RLIMIT_FSIZE: writes past it fail with EFBIG, as ENOSPC would on a full disk) --------------

DISK_LOGGER = """
import resource, signal, sys, numpy as np, rerun as rr
from rerun import _session
path, limit = sys.argv[1], int(sys.argv[2])
if limit:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
rr.init("disk-full")
rr.save(path)
for i in range(40):
    rr.set_time_sequence("step", i)
    rr.log_points("cloud", np.full((2500, 3), i, np.float32))
    rr.log_scalar("scalar", float(i))
    _session.flush()  # one frame per entity per step, as in the reference run
rr.disconnect()
print("finished")
"""

DISK_LIMIT = 1_000_000


def _rows_of(path: Path) -> set:
    from rerun.recording import load

    recording = load(path)
    return {(entity, step) for entity in recording.entity_paths for step in recording.table(entity).column("step").to_pylist()}


def row_logger_disk_full(env: dict, workdir: Path) -> Row:
    from rerun.wire.frames import iter_frames

    reference, full = workdir / "reference.rrd", workdir / "full.rrd"
    subprocess.run([sys.executable, "-c", DISK_LOGGER, str(reference), "0"], check=True, capture_output=True, env=env, timeout=120)
    result = subprocess.run([sys.executable, "-c", DISK_LOGGER, str(full), str(DISK_LIMIT)], capture_output=True, text=True, env=env,
                            timeout=120)
    data = reference.read_bytes()
    frames = list(iter_frames(data, 8))
    ends = [f.offset for f in frames[1:]] + [len(data)]
    fits = max((end for end in ends if end <= DISK_LIMIT), default=8)
    (workdir / "fits.rrd").write_bytes(data[:fits])
    expected = _rows_of(workdir / "fits.rrd")
    got = _rows_of(full)
    finished = result.returncode == 0 and "finished" in result.stdout
    named = str(full) in result.stderr
    ok = finished and expected <= got and got <= _rows_of(reference)
    outcome = (("survived (ran to the end)" if finished else f"**raised** (exit {result.returncode})")
               + f"; the file keeps {len(got)} of the {len(expected)} rows whose frames fit, "
               f"{'nothing else' if got <= expected else f'{len(got - expected)} more'}; "
               + ("a warning names the file" if named else "**no warning names the file**"))
    return Row(f"disk full under `rr.save` (file size limit {DISK_LIMIT / MB:.0f} MB, 80 frames of 30 kB)", "1", outcome, "-", ok and named,
               "" if ok else result.stderr[-300:])


def _ignore_sigxfsz_and_limit_file_size() -> None:  # runs in the viewer's child process before exec
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (DISK_LIMIT * 5, DISK_LIMIT * 5))


def row_viewer_disk_full(env: dict, workdir: Path) -> Row:
    """A viewer whose ``--save`` file hits the size limit while a logger sends ~10 MB: it must keep serving."""
    from rerun.recording import load

    save = workdir / "viewer-full.rrd"
    viewer = peers.Viewer(env, "--save", str(save), "--exit-after-idle", "1", preexec_fn=_ignore_sigxfsz_and_limit_file_size)
    script = str(ROOT / "tests" / "transport" / "logger_proc.py")
    logger = _python(script, "--addr", f"127.0.0.1:{viewer.port}", "--transport", "tcp", "--prefix", "disk", "--count", "40",
                     "--points", "20000", env=env, timeout=300)
    try:
        viewer.proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        pass
    stats, err, crashed = viewer.stop()
    in_store = peers.store_rows(stats, "disk/points")
    try:
        saved = _frames(load(save), "disk/points")
        readable = True
    except Exception as exc:  # noqa: BLE001 - an unreadable file is the outcome
        saved, readable = [], False
        err += f"\n{exc}"
    named = str(save) in err
    ok = not crashed and logger.returncode == 0 and in_store == 40 and readable and saved == list(range(len(saved)))
    outcome = (("survived" if not crashed else "**crashed**") + f"; the viewer kept {in_store}/40 frames; its --save file "
               f"{'is readable' if readable else '**is unreadable**'} with the first {len(saved)} frames; "
               + ("a message names the file" if named else "**no message names the file**"))
    return Row("disk full under the viewer's `--save` (file size limit 5 MB, a logger sends 40 x 240 kB)", "1", outcome, "-", ok and named,
               "" if ok else err[-300:])


def disk_rows(env: dict, workdir: Path) -> list[Row]:
    return [row_logger_disk_full(env, workdir), row_viewer_disk_full(env, workdir)]


GROUPS: dict[str, Callable[[dict, Path], list[Row]]] = {
    "tcp": lambda env, workdir: tcp_rows(env),
    "limits": limit_rows,
    "files": file_rows,
    "calls": lambda env, workdir: call_rows(env),
    "kills": kill_rows,
    "disk": disk_rows,
}


def table(rows: list[Row]) -> str:
    lines = ["| test | cases tried | survived / lost data / crashed | RSS peak vs limit | goal |", "|---|---|---|---|---|"]
    for row in rows:
        goal = "met" if row.goal else "**not met**" + (f": {row.note}" if row.note else "")
        lines.append(f"| {row.test} | {row.cases} | {row.outcome} | {row.memory} | {goal} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default=",".join(GROUPS), help=f"comma-separated subset of {','.join(GROUPS)}")
    parser.add_argument("--json", help="also write the rows as JSON here")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "RERUN_RING_BYTES"}
    started = time.monotonic()
    load_before = os.getloadavg()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="hardening-table-") as tmp:
        for name in args.rows.split(","):
            t0 = time.monotonic()
            group = GROUPS[name](env, Path(tmp))
            for row in group:
                print(json.dumps(row._asdict()), file=sys.stderr, flush=True)
            print(f"# {name}: {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
            rows.extend(group)
    load_after = os.getloadavg()
    print(f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {time.monotonic() - started:.0f} s, "
          f"load average {load_before[0]:.1f} before / {load_after[0]:.1f} after, {os.cpu_count()} CPUs; "
          f"viewer `--memory-limit {LIMIT / MB:.0f}MB`; RSS = private + file-backed resident memory (peak of 10 ms samples).\n")
    print(table(rows))
    met = sum(r.goal for r in rows)
    print(f"\nGoal met in {met} of {len(rows)} rows.")
    if args.json:
        Path(args.json).write_text(json.dumps([r._asdict() for r in rows], indent=1))


if __name__ == "__main__":
    main()
