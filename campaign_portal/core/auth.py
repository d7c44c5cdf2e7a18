"""Authentication backend: the signed-in user with their membership, unit and its parent in one query.

Every page needs the user's role and unit (`access.scope_for`) for its shell and its scoping; Django's
ModelBackend loads the user alone, and the membership was a second query on every request.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("membership__unit__parent").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
