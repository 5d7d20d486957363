"""`advisor ingest` on a folder of every supported format, `advisor search` on it, and refused files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from advisor.cli import app
from tests.readers.makers import write_hostile, write_samples

runner = CliRunner()
SENTENCES = {
    "referrals": "Keep the rules short: one link per customer",
    "social-calendar": "Reserva una hora cada lunes para decidir los cinco temas",
    "store-private-domain": "收银台是加好友转化率最高的位置",
    "community-handbook": "群主应在新成员入群二十四小时内私聊欢迎",
    "onboarding-playbook": "Track each step from sign-up to first value",
}


def _ids() -> list[str]:
    result = runner.invoke(app, ["search", "anything", "-k", "50", "--json"])
    return sorted(row["chunk_id"] for row in json.loads(result.output)["results"])


def test_a_folder_of_every_format_is_ingested_and_searchable(tmp_path: Path) -> None:
    write_samples(tmp_path / "docs")
    result = runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--json"])
    assert result.exit_code == 0, result.output
    statuses = {d["source"]: d["status"] for d in json.loads(result.output)["documents"]}
    assert statuses == dict.fromkeys(SENTENCES, "added")
    for source, sentence in SENTENCES.items():
        found = runner.invoke(app, ["search", sentence, "-k", "1", "--json", "--source", source])
        (top,) = json.loads(found.output)["results"]
        assert sentence in top["text"] and top["section"]
        assert (top["page"] == 2) if source == "community-handbook" else (top.get("page") is None)
    shown = runner.invoke(app, ["search", SENTENCES["community-handbook"], "-k", "1"])
    assert "§ 社群运营手册 › 第二章 新成员留存, p. 2" in shown.output


def test_refused_files_give_one_line_and_exit_2_and_change_nothing(tmp_path: Path) -> None:
    samples = write_samples(tmp_path / "docs")
    assert runner.invoke(app, ["ingest", str(tmp_path / "docs")]).exit_code == 0
    before = _ids()
    for name, (path, _, phrase) in write_hostile(tmp_path / "hostile", samples).items():
        result = runner.invoke(app, ["ingest", str(path)])
        assert result.exit_code == 2, (name, result.output)
        assert result.output.count("\n") == 1 and result.output.startswith("error:") and phrase in result.output
        assert _ids() == before, name
