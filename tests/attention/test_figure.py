"""Data of the lightning figure against the spec's Macaulay2 table (d = 2 keeps it fast)."""

from expressivity.paper_figures.fig_lightning_generators import lightning_generator_data


def test_generator_data_d2():
    data = lightning_generator_data(d=2, t=2, max_degree=4)
    assert data[1]["generators_raw"] == {1: 4, 2: 3}
    assert data[2]["generators_raw"] == {1: 4, 4: 1}
    quartic = data[2]["degrees"][3]
    assert quartic["dim_I"] == 1 and quartic["by_family"]["resultant"] == 1 and quartic["complete"]
    assert data[1]["degrees"][1]["by_family"]["low_rank"] == 3
