"""The depth-bound figure's data against the spec's test vectors."""

from expressivity.paper_figures.fig_relu_depth_bounds import depth_bounds_data, make


def test_data():
    d = depth_bounds_data(29)
    i = {m: k for k, m in enumerate(d["m"])}
    assert (d["log2"][i[11]], d["log3"][i[11]], d["log5"][i[11]]) == (4, 3, 3)
    assert (d["log2"][i[29]], d["log3"][i[29]], d["log5"][i[29]]) == (5, 4, 3)
    assert d["first_open"] == 11 and d["exact"][i[10]] == 2


def test_make_returns_figure():
    fig = make()
    assert fig.axes and len(fig.axes[0].lines) >= 4
