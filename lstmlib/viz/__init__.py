"""Plotly figures of the book (no widgets): the book's plotly style, static HTML, image grids, RNN,
LSTM and GRU figures, figures over a text, one diagram per cell. Imports the core and data.
"""
from .cell_diagrams import (CELLS, Symbol, Node, Wire, Label, CellDiagram, cell_diagram_spec, cell_diagram,
                            annotation_boxes)
from .figures import (use_book_style, BOOK_ENV, in_book_build, to_static_html, rounded, StaticHTML, heatmap,
                      PALETTE)
from .gate_figures import cell_walk_figure, gru_unit_figure, LECTURE_GATES, gate_walk_figure
from .images import MAX_COLS, image_grid, attention_maps, sampling_grid_figure
from .lstm_figures import step_equations, pipes_and_valves
from .run_figures import RUN_COLOURS, curves_by_lr, accuracy_by_seed
from .rnn_figures import unrolled_figure, curves_figure, loss_figure
from .text_figures import prefix_bars, coloured_text

__all__ = ["CELLS", "Symbol", "Node", "Wire", "Label", "CellDiagram", "cell_diagram_spec", "cell_diagram",
           "annotation_boxes", "use_book_style", "BOOK_ENV", "in_book_build", "to_static_html", "rounded", "StaticHTML",
           "heatmap", "PALETTE", "cell_walk_figure", "gru_unit_figure", "LECTURE_GATES", "gate_walk_figure", "MAX_COLS", "image_grid",
           "attention_maps", "sampling_grid_figure", "step_equations", "pipes_and_valves", "unrolled_figure",
           "curves_figure", "loss_figure", "prefix_bars", "coloured_text", "RUN_COLOURS", "curves_by_lr",
           "accuracy_by_seed"]
