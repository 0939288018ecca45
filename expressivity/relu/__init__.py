"""ReLU networks: exact and float networks, network files; later MAX_n, braid fan, polytopes."""

from .network import Activation, Layer, ReLUNetwork
from .network_io import load_network, network_from_dict, network_to_dict, save_network

__all__ = [
    "Activation",
    "Layer",
    "ReLUNetwork",
    "load_network",
    "save_network",
    "network_from_dict",
    "network_to_dict",
]
