"""Generated, labelled resume corpus: people, templates, renderers and the driver."""
