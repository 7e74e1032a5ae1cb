"""Latency of the X/O widget: median and p95 over 100 updates (target: p95 < 50 ms).

    python benchmarks/bench_xo_widget.py
"""
import numpy as np

from lstmlib.data.lectures import lecture_filters
from lstmlib.widgets.xo import xo_explorer, xo_images


def main(n: int = 100) -> tuple[float, float]:
    ex = xo_explorer()
    images, filters = list(xo_images().values()), list(lecture_filters())
    ex.timings.clear()
    for k in range(n):
        if k % 10 == 0:
            ex.update(image=images[(k // 10) % len(images)], filt=filters[(k // 10) % 3])
        else:
            ex.update(position=(7 * k) % 49)
    t = np.array(ex.timings[-n:]) * 1e3
    med, p95 = float(np.median(t)), float(np.percentile(t, 95))
    print(f"X/O widget: {len(t)} updates, median {med:.1f} ms, p95 {p95:.1f} ms (target p95 < 50 ms)")
    return med, p95


if __name__ == "__main__":
    main()
