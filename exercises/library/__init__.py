"""The exercise library: exercises, muscles and the body map's areas, points, quotes, schemes; the body map, the chart.

May import writing and photos; never articles, the gym or the leads."""
