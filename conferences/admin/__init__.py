"""Django admin for the conference domain.

Plain edits use the ModelAdmin save (model validation and constraints still run
in the forms); writes with business rules (publishing, paper decisions,
document numbers, certificates, check-in) go through conferences.services.
Every changelist selects its related rows up front so its query count does not
grow with the number of rows.

Django autodiscovers this package; importing each module below runs its
@admin.register decorators. The building blocks every app's admin shares live
in core.admin.
"""

from conferences.admin import (  # noqa: F401 (imported to register their ModelAdmins)
    agenda,
    api_tokens,
    awards,
    conferences,
    documents,
    organizations,
    papers,
    proceedings,
)
