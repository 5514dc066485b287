"""Statement and quote blocks for flyers (being written)."""
