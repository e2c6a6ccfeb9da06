"""The committed join model matches the feature code, and the fitting script runs end to end."""

import json

from newsfold.cluster.calibrate import fit, pairs_for
from newsfold.cluster.stream import FEATURES, MODEL_PATH, StreamClusterer


def test_committed_model_matches_features():
    model = json.loads(MODEL_PATH.read_text())
    assert model["features"] == list(FEATURES)
    assert len(model["coef"]) == len(FEATURES)
    assert model["fitted_on"]  # says what it was fitted on
    sc = StreamClusterer()
    assert 0.0 < sc.threshold < 1.0


def test_teacher_forced_pairs_and_fit(fixtures_dir):
    rows = [json.loads(l) for l in open(fixtures_dir / "cluster" / "events.jsonl")]
    X, y = pairs_for(rows)
    assert X and len(X) == len(y)
    assert all(len(x) == len(FEATURES) for x in X)
    # two stories with two articles each: the second article of each finds its gold story
    assert sum(y) >= 2 and 0 in y
    model = fit([rows, rows])
    assert len(model["coef"]) == len(FEATURES) and model["n_pairs"] == 2 * len(y)
