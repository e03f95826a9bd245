"""What the API answers to OPTIONS (REST_FRAMEWORK["DEFAULT_METADATA_CLASS"])."""

from rest_framework.metadata import SimpleMetadata


class Metadata(SimpleMetadata):
    """OPTIONS names the view and its media types; the fields are the schema's business.

    DRF's own fills "actions" by calling get_object() for PUT, which fails on a list route that
    takes PUT (nominations/criteria/) with an AssertionError, a 500.
    """

    def determine_actions(self, request, view):
        return {}
