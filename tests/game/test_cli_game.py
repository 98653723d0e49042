"""`middlepower game nash` and `middlepower game say-no`."""

from __future__ import annotations

from typer.testing import CliRunner

from middlepower.cli import app

runner = CliRunner()


def test_game_nash_writes_csv_and_curves(tmp_path):
    csv, html = tmp_path / "w.csv", tmp_path / "c.html"
    r = runner.invoke(app, ["game", "nash", "USA", "CAN", "--instrument", "opponent",
                            "--csv", str(csv), "--html", str(html)])
    assert r.exit_code == 0, r.output
    assert "USA" in r.output and "World welfare" in r.output
    assert csv.read_text().startswith("country,player,welfare_pct")
    assert "<svg" in html.read_text() and "best response of CAN" in html.read_text()


def test_game_nash_corner_is_a_one_line_error():
    r = runner.invoke(app, ["game", "nash", "USA", "CAN", "--instrument", "uniform"])
    assert r.exit_code == 2 and "no interior optimum" in r.output
    assert "Traceback" not in r.output


def test_game_say_no():
    r = runner.invoke(app, ["game", "say-no", "CAN", "--against", "USA", "--coalitions",
                            "EU27,GBR"])
    assert r.exit_code == 0, r.output
    assert "CAN can" in r.output and "EU27+GBR" in r.output.replace("\n", "")
