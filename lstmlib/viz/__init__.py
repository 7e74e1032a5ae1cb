"""Plotly figures of the book (no widgets): the book's plotly style, static HTML, RNN and LSTM figures,
one diagram per cell.
Imports the core and data.
"""
from .cell_diagrams import (CELLS, Symbol, Node, Wire, Label, CellDiagram, cell_diagram_spec, cell_diagram,
                            annotation_boxes)
from .figures import (use_book_style, BOOK_ENV, in_book_build, to_static_html, rounded, StaticHTML, heatmap,
                      PALETTE)
from .lstm_figures import step_equations, pipes_and_valves
from .rnn_figures import unrolled_figure, curves_figure, loss_figure

__all__ = ["CELLS", "Symbol", "Node", "Wire", "Label", "CellDiagram", "cell_diagram_spec", "cell_diagram",
           "annotation_boxes", "use_book_style", "BOOK_ENV", "in_book_build", "to_static_html", "rounded", "StaticHTML",
           "heatmap", "PALETTE", "step_equations", "pipes_and_valves", "unrolled_figure", "curves_figure",
           "loss_figure"]
