"""The B&B figure: data first (tested against the certificate), then the file."""

from expressivity.paper_figures.fig_milp_bb import bb_progress_data


def test_bb_progress_data_and_figure(tmp_path):
    data = bb_progress_data(4)
    for d in data.values():
        assert d["bounded"]
        # a binary tree: nodes = 2 * leaves - 1
        assert d["nodes"] == 2 * d["leaves"] - 1
        leaves = [t[1] for t in d["trace"]]
        assert leaves == sorted(leaves) and leaves[-1] == d["leaves"]
    assert data["orbital"]["nodes"] < data["plain"]["nodes"]
    from expressivity.paper_figures.registry import build_figures

    files = build_figures(tmp_path, ["milp_bb"], formats=("png",))
    assert files[0].stat().st_size > 5000


def test_leaf_depths_count_every_leaf():
    from expressivity.milp import certify_direction
    from expressivity.paper_figures.fig_milp_bb import leaf_depths

    tree = {"ray": 0, "one": {}, "zero": {"ray": 1, "one": {}, "zero": {}}}
    assert leaf_depths(tree) == {1: 1, 2: 2}
    r, _ = certify_direction(4, 1)
    assert sum(leaf_depths(r.tree).values()) == r.leaves
