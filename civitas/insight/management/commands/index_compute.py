"""``manage.py index_compute --framework F.csv --data D.csv --out results.csv|json``: the engine on files.

The framework CSV has COINr iMeta columns (iCode, Parent, Level, Weight, Direction, Type) or plain ones
(code, parent, level, weight, direction, indicator); the data CSV has a ``uCode`` column and one column per
indicator. Errors name the indicator and unit and exit with status 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civitas.insight import coin


class Command(BaseCommand):
    help = "Compute a composite index from a framework CSV and a data CSV (results as CSV or JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", required=True, help="framework CSV (iMeta or code/parent/... columns)")
        parser.add_argument("--data", required=True, help="data CSV with a uCode column")
        parser.add_argument("--out", required=True, help="results file: .csv or .json")
        parser.add_argument("--options", default="{}", help='pipeline options as JSON, e.g. {"impute": "mean"}')
        parser.add_argument("--sensitivity", type=int, default=0, help="Monte Carlo runs (0 = none)")
        parser.add_argument("--seed", type=int, default=1, help="random seed of the Monte Carlo runs")
        parser.add_argument("--weight-noise", type=float, default=0.25, help="± share each weight may vary")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if out.suffix.lower() not in (".csv", ".json"):
            raise CommandError("--out must end in .csv or .json")
        try:
            pipeline = json.loads(options["options"])
        except json.JSONDecodeError as error:
            raise CommandError(f"--options is not valid JSON: {error}")
        try:
            results = coin.compute_from_files(options["framework"], options["data"], pipeline)
            analysis = None
            if options["sensitivity"]:
                assert results.coin is not None
                analysis = coin.run_sensitivity(
                    results.coin,
                    runs=options["sensitivity"],
                    seed=options["seed"],
                    weight_noise=options["weight_noise"],
                )
        except coin.CoinError as error:
            raise CommandError(f"[{error.code}] {error.message}", returncode=2)
        if out.suffix.lower() == ".json":
            payload = coin.io.results_to_dict(results)
            if analysis is not None:
                payload["sensitivity"] = {
                    "runs": options["sensitivity"],
                    "seed": options["seed"],
                    "units": analysis.summary.reset_index().to_dict("records"),
                    "removal": {str(k): float(v) for k, v in analysis.removal.items()},
                    "first_order": {str(k): float(v) for k, v in analysis.first_order.items()},
                }
            out.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=float), encoding="utf-8")
        else:
            coin.write_results_csv(results, out)
            if analysis is not None:
                side = out.with_name(out.stem + "_sensitivity.csv")
                analysis.summary.to_csv(side, float_format="%.10g")
                self.stdout.write(f"rank intervals: {side}")
        self.stdout.write(f"{len(results.scores)} units → {out}")
