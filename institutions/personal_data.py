"""Who sees a person's contact details in full, and the masks everyone else sees.

Qihang keeps one contact detail that identifies a person outside it: the mobile phone
(``lms.User.phone``). Accounts made by a roster import use the phone as the *username*, so a
username that looks like a phone or an email is masked the same way wherever it stands in for a
name. There are no ID-card or staff-number fields; ``mask_id`` is here for the day there are.

The policy, screen by screen (roles without access to a screen are left out):

- A person's record (``/institutions/people/<id>/``): phone and email in full for the city
  admins and for the institution admins whose subtree holds the person; every view is audited.
- People and team lists, report CSV/XLSX/PDF, the certificate desk and its ZIP exports: no phone
  or email columns at all, and a username standing in for a name is masked, for every viewer
  (institution and city admins, supervisors).
- Roster import errors: a well-formed phone or email is masked (a malformed one is shown as
  typed so that it can be corrected).
- The institution statistics API: numbers per unit only, nobody's contact details.
- Grading screens: trainers see a name or an anonymous code, never contact details.
- The Wagtail admin's user screens (city admins only): as Wagtail shows them (username and email
  in the list); opening a user's edit page is audited.
- The person themself: everything, on their profile and in their own data export.

Institution admins must be able to call people about overdue training, so the record page shows
them the number; every list and file that leaves the screen shows it masked, because lists are
what gets copied, printed and forwarded. Every view of a record is in the audit log.
"""

from institutions.selectors import administers, is_city_admin
from lms.personal_data import list_name, mask_email, mask_id, mask_login, mask_phone

__all__ = [
    "list_name",
    "mask_email",
    "mask_id",
    "mask_login",
    "mask_phone",
    "may_see_contact",
]


def may_see_contact(viewer, person) -> bool:
    """Whether ``viewer`` sees ``person``'s phone and email in full on the person's record page.
    Lists and exports never do (see the table above)."""
    if not viewer.is_authenticated:
        return False
    if viewer.pk == person.pk:
        return True
    return is_city_admin(viewer) or administers(viewer, person)
