"""The Data page in both languages: load modes, statuses and rejection reasons read in the
reader's language, while the store keeps the loader's English text."""

from __future__ import annotations

from pathlib import Path

import pytest

from proclens.cli import main
from tests.dashboards.apptest import assert_clean, open_page

CSV = (
    "case_id,activity,timestamp\n"
    "c0,a,2024-01-01 10:00\n"
    "c1,,2024-01-02 10:00\n"  # row 3
    "c2,b,not a date\n"  # row 4
    "c0,a,2024-01-01 10:00\n"  # row 5: exact duplicate of row 2
    "c3,a,2024-01-03 10:00,extra\n"  # row 6: one field too many
)
#: in the order the loader rejected them (the reader's before the duplicates)
REJECTED = {
    "en": [
        ("row 3", "empty activity in column 'activity'"),
        (
            "row 4",
            "unparsable timestamp 'not a date' in column 'timestamp' (ISO 8601 expected); "
            "pass --format (and --dayfirst) to read it",
        ),
        ("row 6", "expected 3 fields, found 4"),
        ("row 5", "exact duplicate of row 2"),
    ],
    "zh": [
        ("第 3 行", "列 'activity' 中活动为空"),
        (
            "第 4 行",
            "无法解析列 'timestamp' 中的时间戳 'not a date'（应为 ISO 8601）；"
            "请用 --format（及 --dayfirst）指定格式",
        ),
        ("第 6 行", "应有 3 个字段，实际 4 个"),
        ("第 5 行", "与第 2 行完全重复"),
    ],
}
HEADERS = {
    "en": ("Mode", "Status", "Where", "Reason"),
    "zh": ("模式", "状态", "位置", "原因"),
}
RUNS = {"en": ("new", "ok"), "zh": ("新建", "成功")}


@pytest.fixture(scope="module")
def rejects_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rejects")
    path = folder / "log.csv"
    path.write_text(CSV, encoding="utf-8")
    db = folder / "s.duckdb"
    assert main(["ingest", str(path), "--db", str(db), "--log", "x"]) == 0
    return db


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_load_history_and_rejections_read_in_the_language(
    rejects_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("PROCLENS_DB", str(rejects_db))
    at = open_page("data", log="x", lang=lang)
    assert_clean(at)
    mode, status, where, reason = HEADERS[lang]
    runs = at.dataframe[1].value
    assert (runs[mode].tolist(), runs[status].tolist()) == ([RUNS[lang][0]], [RUNS[lang][1]])
    rejected = at.dataframe[2].value
    assert list(zip(rejected[where], rejected[reason], strict=True)) == REJECTED[lang]


@pytest.mark.parametrize(
    ("lang", "help_text"),
    [
        ("en", "Press Upload to choose a file, or drop it on the box; at most 200 MB per file."),
        ("zh", "点击 “Upload” 按钮选择文件，或将文件拖放到框中；每个文件最大 200 MB。"),
    ],
)
def test_the_uploader_explains_its_english_box_in_the_language(
    rejects_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str, help_text: str
) -> None:
    """Streamlit's uploader box has no option for its own words; the tip says what they mean."""
    monkeypatch.setenv("PROCLENS_DB", str(rejects_db))
    at = open_page("data", log="x", lang=lang)
    [uploader] = at.get("file_uploader")
    assert uploader.proto.help == help_text
