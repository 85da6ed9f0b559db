"""Cross-check of the TypeScript learner against scikit-learn on the committed runs' exact train/test split.

Optional and not part of the build: needs python3 with scikit-learn and numpy (Debian: apt-get install
python3-sklearn). Run from the repository root:

    python3 model/tools/sklearn_baseline.py [--seeds 5]

For each reference run in model/artifacts/runs.json it trains scikit-learn forests on the run's training rows (the
complement of metrics.json's test_row_indices) and prints their test accuracy over several forest seeds: the defaults
the issue quotes (500 trees), and the hyperparameters our cross-validation selected.
"""
import argparse
import json
import pathlib

import numpy as np
from sklearn import __version__ as sklearn_version
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    data_file = ROOT / "model/data/winequality-white.csv"
    header = [name.strip('"') for name in data_file.read_text().splitlines()[0].split(";")]
    table = np.genfromtxt(data_file, delimiter=";", skip_header=1)
    y = table[:, header.index("quality")].astype(int)
    runs = json.loads((ROOT / "model/artifacts/runs.json").read_text())["runs"]
    print(f"scikit-learn {sklearn_version}; accuracy on each run's 980 test rows, over {args.seeds} forest seeds")
    for feature_set, run_id in sorted(runs.items()):
        metrics = json.loads((ROOT / "model/artifacts" / run_id / "metrics.json").read_text())
        columns = [header.index(name) for name in metrics["features"]]
        test = np.zeros(len(y), dtype=bool)
        test[metrics["split"]["test_row_indices"]] = True
        x = table[:, columns].astype(np.float32)
        selected = metrics["cross_validation"]["selected"]["params"]
        candidates = [
            ("random forest, 500 trees, defaults", RandomForestClassifier, {"n_estimators": 500}),
            ("extra-trees, 500 trees, defaults", ExtraTreesClassifier, {"n_estimators": 500}),
            (
                f"random forest, our selection {selected}",
                RandomForestClassifier,
                {
                    "n_estimators": selected["trees"],
                    "max_features": selected["max_features"],
                    "min_samples_leaf": selected["min_leaf"],
                },
            ),
        ]
        print(f"{feature_set} (run {run_id}; ours: {metrics['test']['accuracy']:.3f})")
        for name, model_class, params in candidates:
            scores = [
                (model_class(random_state=seed, n_jobs=1, **params).fit(x[~test], y[~test]).predict(x[test]) == y[test]).mean()
                for seed in range(args.seeds)
            ]
            print(f"  {name}: mean {np.mean(scores):.3f}, min {min(scores):.3f}, max {max(scores):.3f}")


if __name__ == "__main__":
    main()
