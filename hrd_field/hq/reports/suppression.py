"""Small-count suppression for published tables, with secondary suppression.

A table with its margins is a grid of (rows + 1) × (periods + 1) cells: the last row holds
the period totals, the last column the row totals, the corner the grand total. Every row
and every column of that grid sums to zero once the margins are counted negatively, so a
withheld cell can be worked out from the published ones exactly when it is a *bridge* in
the graph whose vertices are the grid's rows and columns and whose edges are the withheld
cells (a cell on no cycle of withheld cells is pinned by the others). Cells from 1 to k−1
are withheld first; then, while some withheld cell is a bridge, one more cell is withheld to
put it on a cycle — the smallest non-zero one that closes a cycle, inner cells before
totals. Zeros stay published unless nothing else can close the cycle.
"""

from __future__ import annotations

from collections.abc import Sequence

Cell = tuple[int, int]


def suppress(grid: Sequence[Sequence[int]], k: int) -> set[Cell]:
    """The cells of ``grid`` (margins included, see above) to withhold."""
    n_rows, n_cols = len(grid), len(grid[0]) if grid else 0
    hidden: set[Cell] = {(i, j) for i in range(n_rows) for j in range(n_cols)
                         if 0 < grid[i][j] < k}
    if not hidden or k <= 1:
        return hidden
    everything = {(i, j) for i in range(n_rows) for j in range(n_cols)}
    while True:
        bridge = _first_bridge(hidden, n_rows)
        if bridge is None:
            return hidden
        extra = _extra_cell(grid, hidden, bridge)
        if extra is None:  # cannot happen on a complete grid; withhold everything
            return everything
        hidden.add(extra)


def _vertices(cell: Cell, n_rows: int) -> tuple[int, int]:
    """Rows are vertices 0..n_rows-1, columns n_rows.."""
    return cell[0], n_rows + cell[1]


def _first_bridge(edges: set[Cell], n_rows: int) -> Cell | None:
    adjacency: dict[int, list[tuple[int, Cell]]] = {}
    for cell in sorted(edges):
        u, v = _vertices(cell, n_rows)
        adjacency.setdefault(u, []).append((v, cell))
        adjacency.setdefault(v, []).append((u, cell))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    counter = 0
    for root in sorted(adjacency):
        if root in order:
            continue
        # Iterative Tarjan: (vertex, edge it was reached by, next neighbour index).
        order[root] = low[root] = counter
        counter += 1
        stack: list[tuple[int, Cell | None, int]] = [(root, None, 0)]
        while stack:
            vertex, via, idx = stack[-1]
            if idx < len(adjacency[vertex]):
                stack[-1] = (vertex, via, idx + 1)
                nxt, cell = adjacency[vertex][idx]
                if cell == via:
                    continue
                if nxt in order:
                    low[vertex] = min(low[vertex], order[nxt])
                else:
                    order[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, cell, 0))
            else:
                stack.pop()
                if stack and via is not None:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[vertex])
                    if low[vertex] > order[parent]:
                        return via
    return None


def _reach(edges: set[Cell], start: tuple[str, int]) -> set[tuple[str, int]]:
    """Rows ("r", i) and columns ("c", j) connected to ``start`` through ``edges``."""
    seen = {start}
    frontier = [start]
    while frontier:
        kind, index = frontier.pop()
        for i, j in edges:
            if kind == "r" and i == index:
                other = ("c", j)
            elif kind == "c" and j == index:
                other = ("r", i)
            else:
                continue
            if other not in seen:
                seen.add(other)
                frontier.append(other)
    return seen


def _extra_cell(grid: Sequence[Sequence[int]], hidden: set[Cell], bridge: Cell) -> Cell | None:
    """A published cell joining the two sides of the bridge (it closes a cycle through
    it), or failing that one touching either side (it extends the path towards one)."""
    rest = hidden - {bridge}
    side_a = _reach(rest, ("r", bridge[0]))
    side_b = _reach(rest, ("c", bridge[1]))
    n_rows, n_cols = len(grid), len(grid[0])
    best: tuple[tuple[int, int, int, int], Cell] | None = None
    for i in range(n_rows):
        for j in range(n_cols):
            if (i, j) in hidden:
                continue
            r, c = ("r", i), ("c", j)
            closes = (r in side_a and c in side_b) or (r in side_b and c in side_a)
            touches = r in side_a or r in side_b or c in side_a or c in side_b
            if not touches:
                continue
            value = grid[i][j]
            is_margin = int(i == n_rows - 1 or j == n_cols - 1)
            rank = (int(not closes), int(value == 0), is_margin, value)
            if best is None or rank < best[0]:
                best = (rank, (i, j))
    return best[1] if best else None
