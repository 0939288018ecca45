"""Model interchange: ONNX graphs and weight files (``.safetensors``, ``.npz``) in and out.

Every reader returns a :class:`~expressivity.relu.ReLUNetwork`; :func:`read_network` and
:func:`write_network` choose the format by the file extension, and
:func:`expressivity.load_network` uses them for non-JSON files.  The optional packages
(``onnx``, ``safetensors``; the ``[interop]`` extra) are imported only when such a file is read
or written.  See ``docs/interop.md``.
"""

from ._deps import MissingDependencyError
from .formats import FORMATS, ConversionReport, convert_network, max_weight_deviation, network_format, read_network, write_network
from .onnx_io import load_onnx, network_from_onnx, network_to_onnx, save_onnx
from .weights import (LayerOrderError, infer_layer_order, load_npz, load_safetensors, network_from_arrays,
                      network_to_arrays, save_npz, save_safetensors)

__all__ = [
    "FORMATS", "ConversionReport", "convert_network", "max_weight_deviation", "network_format", "read_network",
    "write_network", "load_onnx", "network_from_onnx", "network_to_onnx", "save_onnx", "LayerOrderError",
    "infer_layer_order", "load_npz", "load_safetensors", "network_from_arrays", "network_to_arrays", "save_npz",
    "save_safetensors", "MissingDependencyError",
]
