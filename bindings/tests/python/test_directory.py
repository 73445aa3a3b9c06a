"""The iOS Call Directory across the FFI: the app object plans and records deliveries, a second,
read-only DirectoryReader (the extension's view of the App Group database) streams the load in
chunks. The planner and the delta themselves are tested in Rust."""

import json
import threading
import time

import pytest

import callguard_ffi as cg

# 050-1234-xxxx: 10,000 Japanese IP-phone numbers of 12 digits.
PREFIX = "+81501234*"
FIRST = 815_012_340_000
DENTIST = 815_012_340_005  # allow-listed with a label inside the blocked prefix
REPORTED = 819_012_345_678  # the user's scam report: blocked
NUISANCE = 819_033_334_444  # a feed's five nuisance reports: labelled
CHUNK = 4096


@pytest.fixture
def app(db_path, tmp_path):
    guard = cg.CallGuard(db_path, "JP", "balanced")
    guard.add_list_entry(cg.ListKind.BLOCK, PREFIX, None, None)
    guard.add_list_entry(cg.ListKind.ALLOW, "050-1234-0005", "歯医者", None)
    guard.report("090-1234-5678", cg.ReportCategory.SCAM, None)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    feed = tmp_path / "feed.csv"
    feed.write_text(
        f"# name: police\nnumber,category,count,last_seen\n+819033334444,spam,5,{now}\n",
        encoding="utf-8",
    )
    guard.import_feed(str(feed), cg.ImportOptions())
    return guard


def read_all(chunks, system):
    """Applies every chunk as the extension does, checking what iOS demands: each list of
    i64s strictly ascending (so unique) across chunks, one label per labelled number."""
    last_block = last_identify = -1
    count = 0
    while (chunk := chunks.next_chunk()) is not None:
        count += 1
        assert len(chunk.add_blocking) + len(chunk.add_identification) <= CHUNK
        if chunk.remove_all:
            assert count == 1
            system["block"].clear()
            system["identify"].clear()
        for n in chunk.remove_blocking:
            system["block"].remove(n)
        for n in chunk.remove_identification:
            del system["identify"][n]
        for n in chunk.add_blocking:
            assert isinstance(n, int) and n > last_block
            last_block = n
            assert n not in system["block"]
            system["block"].add(n)
        assert len(chunk.labels) == len(chunk.add_identification)
        for n, label in zip(chunk.add_identification, chunk.labels):
            assert n > last_identify
            last_identify = n
            assert n not in system["identify"]
            system["identify"][n] = label
    assert chunks.next_chunk() is None
    return count


def empty_system():
    return {"block": set(), "identify": {}}


def test_plan_full_load_then_a_delta(app, db_path):
    summary = app.plan_directory(1_000_000, 1, "ja")
    assert (summary.version, summary.entries) == (1, 10_002)
    assert (summary.blocking, summary.identification) == (10_000, 2)
    assert (summary.left_out, summary.budget, summary.extensions) == (0, 1_000_000, 1)
    plan = json.loads(summary.summary_json)
    assert plan["version"] == 1 and plan["entries"] == 10_002

    version = app.begin_directory_load(0)
    assert version == summary.version

    # The extension: a second object, read-only, on the same file.
    reader = cg.DirectoryReader.open(db_path)
    load = reader.load(0, False)
    assert (load.extension, load.version, load.base) == (0, version, None)
    assert load.mode == cg.DirectoryLoadMode.FULL
    system = empty_system()
    assert read_all(reader.chunks(load, CHUNK), system) == 3
    assert len(system["block"]) == 10_000
    assert FIRST in system["block"] and REPORTED in system["block"]
    assert DENTIST not in system["block"]
    assert system["identify"] == {DENTIST: "歯医者", NUISANCE: "迷惑電話 (5件)"}
    app.finish_directory_load(0, version, True)

    # A list changes: the dentist leaves the allow list, a number is added to the block list.
    assert app.remove_list_entry(cg.ListKind.ALLOW, "050-1234-0005")
    app.add_list_entry(cg.ListKind.BLOCK, "03-5253-5111", None, None)
    assert app.plan_directory(1_000_000, 1, "ja").version == 2
    version = app.begin_directory_load(0)
    load = reader.load(0, True)
    assert load.mode == cg.DirectoryLoadMode.DELTA
    assert (load.base, load.version) == (1, 2)
    chunks = reader.chunks(load, CHUNK)
    delta = chunks.next_chunk()
    assert not delta.remove_all
    assert delta.remove_identification == [DENTIST]
    assert delta.add_blocking == [81_352_535_111, DENTIST]  # integer order
    assert delta.remove_blocking == [] and delta.add_identification == []
    assert chunks.next_chunk() is None
    read_all(reader.chunks(load, CHUNK), system)
    assert len(system["block"]) == 10_002
    assert system["identify"] == {NUISANCE: "迷惑電話 (5件)"}

    # iOS failed: what it holds is unknown, so the next incremental load starts over.
    app.finish_directory_load(0, version, False)
    load = reader.load(0, True)
    assert load.mode == cg.DirectoryLoadMode.RESET and load.base is None
    again = {"block": {1}, "identify": {2: "x"}}
    read_all(reader.chunks(load, CHUNK), again)
    assert again == system


def test_reading_while_the_app_writes(app, db_path):
    version = app.plan_directory(1_000_000, 1, "en").version
    assert app.begin_directory_load(0) == version
    reader = cg.DirectoryReader.open(db_path)
    chunks = reader.chunks(reader.load(0, False), 100)
    first = chunks.next_chunk()
    assert first.add_blocking[0] == FIRST

    errors = []

    def write():
        try:
            for i in range(20):
                app.add_list_entry(cg.ListKind.BLOCK, f"+81901{i:07d}", None, None)
                app.report(f"+81902{i:07d}", cg.ReportCategory.FRAUD, "振り込め詐欺")
                if i % 5 == 4:
                    app.plan_directory(1_000_000, 1, "en")
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    writer = threading.Thread(target=write)
    writer.start()
    system = {"block": set(first.add_blocking), "identify": {}}
    for n, label in zip(first.add_identification, first.labels):
        system["identify"][n] = label
    # Half the chunks while the app writes, the rest after it planned four times more.
    for _ in range(50):
        chunk = chunks.next_chunk()
        system["block"].update(chunk.add_blocking)
        system["identify"].update(zip(chunk.add_identification, chunk.labels))
    writer.join()
    assert errors == []
    read_all(chunks, system)
    # The stream is the version being loaded, whatever was planned meanwhile.
    assert len(system["block"]) == 10_000
    assert system["identify"] == {DENTIST: "歯医者", NUISANCE: "Nuisance calls (5 reports)"}

    # The next load picks up what the app planned since.
    newest = app.begin_directory_load(0)
    assert newest > version
    load = reader.load(0, False)
    assert load.version == newest
    later = empty_system()
    read_all(reader.chunks(load, CHUNK), later)
    assert len(later["block"]) == 10_000 + 20 + 20


def test_errors_arrive_with_their_reason(app, db_path, tmp_path):
    with pytest.raises(cg.CallGuardError.InvalidInput) as err:
        app.plan_directory(0, 1, "ja")
    assert "budget" in err.value.reason
    with pytest.raises(cg.CallGuardError.InvalidInput):
        app.plan_directory(1000, 0, "ja")
    # A language callguard does not speak falls back to English; a locale is read too.
    assert app.plan_directory(1000, 1, "fr").entries >= 0
    with pytest.raises(cg.CallGuardError.InvalidInput) as err:
        cg.DirectoryReader.open(str(tmp_path / "missing.db"))
    assert "missing.db" in err.value.reason
    reader = cg.DirectoryReader.open(db_path)
    load = reader.load(0, False)
    with pytest.raises(cg.CallGuardError.InvalidInput):
        reader.chunks(load, 0)
    forged = cg.DirectoryLoad(extension=0, version=1, base=None, mode=cg.DirectoryLoadMode.DELTA)
    with pytest.raises(cg.CallGuardError.InvalidInput):
        reader.chunks(forged, CHUNK)
    with pytest.raises(cg.CallGuardError.Database):
        cg.CallGuard(None, "JP", "balanced").begin_directory_load(0)


def test_live_caller_id_export(app, tmp_path):
    out = tmp_path / "live"
    manifest = json.loads(app.export_live_caller_id(str(out), "ja"))
    assert manifest["format"] == "callguard-live-caller-id"
    assert manifest["block"]["entries"] == 10_000
    assert manifest["identity"]["entries"] == 2
    identity = (out / "identity.jsonl").read_text(encoding="utf-8")
    assert "歯医者" in identity and "迷惑電話 (5件)" in identity
