"""The reader's widgets: virtual lists on the Line API and the article view."""
