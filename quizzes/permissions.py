"""Who may edit which questions: city admins every bank, trainers the banks they author."""

from wagtail.permission_policies import ModelPermissionPolicy

EDIT_ANY_BANK = "quizzes.edit_any_bank"


def can_edit_any_bank(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm(EDIT_ANY_BANK))


def banks_for(user):
    from quizzes.models import QuestionBank

    if can_edit_any_bank(user):
        return QuestionBank.objects.all()
    return QuestionBank.objects.filter(authors=user)


class QuestionPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed to the questions of the user's own banks."""

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return can_edit_any_bank(user) or instance.bank.authors.filter(pk=user.pk).exists()

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model.objects.none()
        if can_edit_any_bank(user):
            return self.model.objects.all()
        return self.model.objects.filter(bank__authors=user)
