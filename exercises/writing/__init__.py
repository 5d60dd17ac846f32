"""Writing: what every editor screen and every text shares (publishing states, Markdown, references, history).

May import the photo library only; never articles, the library of exercises, the gym or the leads."""
