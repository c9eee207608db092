"""The coach itself: interview, advice and catalogues, free of any chat platform."""
