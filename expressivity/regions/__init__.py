"""Polyhedral region counting: hyperplane arrangements, activation regions, MILP counts, bounds."""

from .arrangement import (Arrangement, ArrangementCount, Flat, arrangement_from_dict, arrangement_to_dict,
                          braid_arrangement, central_generic_count, count_arrangement_regions,
                          general_position_bounded_count, general_position_count, intersection_poset,
                          load_arrangement)
from .bounds import (all_bounds, montufar2014_lower_bound, montufar2017_upper_bound, serra_lower_bound,
                     serra_upper_bound)
from .limits import LimitReachedError
from .sweep import SweepRow, random_relu_network, region_count_sweep
from .completeness import CompletenessCertificate, certify_completeness
from .enumeration import (Region, RegionEnumeration, certify_region, count_regions, enumerate_regions,
                          estimate_region_count, linear_pieces, normalize_box)
from .slice import SliceRegions, plane_network, plane_through_points, slice_regions

__all__ = [
    "Arrangement", "ArrangementCount", "Flat", "arrangement_from_dict", "arrangement_to_dict",
    "braid_arrangement", "central_generic_count", "count_arrangement_regions",
    "general_position_bounded_count", "general_position_count", "intersection_poset", "load_arrangement",
    "all_bounds", "montufar2014_lower_bound", "montufar2017_upper_bound", "serra_lower_bound",
    "serra_upper_bound",
    "CompletenessCertificate", "certify_completeness",
    "Region", "RegionEnumeration", "certify_region", "count_regions", "enumerate_regions",
    "estimate_region_count", "linear_pieces", "normalize_box",
    "SweepRow", "random_relu_network", "region_count_sweep",
    "LimitReachedError",
    "SliceRegions", "plane_network", "plane_through_points", "slice_regions",
]
