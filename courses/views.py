"""HTML pages of learning: lesson access, enrol, complete, my learning, my profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import selectors, services
from courses.forms import StudyGoalForm
from courses.models import CoursePage, LearnerProfile, LessonPage
from lms.forms import UserProfileForm
from lms.services import user_profile_update
from lms.two_factor import two_factor_offered


def lesson_serve(request, lesson: LessonPage, render_page):
    """Serve a lesson to an enrolled learner whose sequence allows it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    course = selectors.course_of(lesson)
    context = selectors.lesson_context_for(lesson=lesson, course=course, user=request.user)
    if context["enrollment"] is None:
        messages.info(request, _("Enrol in the course to open its lessons."))
        return redirect(course.url)
    if context["lesson_locked"]:
        messages.warning(request, _("Complete the earlier lessons of this course first."))
        return redirect(course.url)
    services.enrollment_touch(enrollment=context["enrollment"], lesson=lesson)
    request.lesson_context = context
    return render_page(request)


@login_required
@require_POST
def enroll(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    try:
        _enrollment, created = services.enrollment_create(user=request.user, course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(course.url)
    if created:
        messages.success(request, _("You are enrolled. Start with the first lesson."))
    return redirect(course.url)


@login_required
@require_POST
def restart(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    try:
        services.enrollment_restart(user=request.user, course=course)
        messages.success(request, _("The course starts again from its first lesson."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(course.url)


@login_required
@require_POST
def complete_lesson(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live().public(), pk=lesson_id)
    try:
        result = services.lesson_complete(user=request.user, lesson=lesson)
    except services.NotEnrolled as error:
        messages.error(request, str(error))
        return redirect(selectors.course_of(lesson).url)
    except services.LessonLocked as error:
        messages.warning(request, str(error))
        return redirect(selectors.course_of(lesson).url)
    if result.course_completed:
        messages.success(request, _("Congratulations: you have completed the course."))
    elif result.created:
        messages.success(request, _("Lesson marked complete."))
    following = request.POST.get("next_lesson")
    if following and following.isdigit():
        nxt = LessonPage.objects.live().filter(pk=int(following)).first()
        if nxt is not None:
            return redirect(nxt.url)
    return redirect(lesson.url)


@login_required
def my_learning(request):
    goal = selectors.study_goal_of(user=request.user)
    days_to_exam = (goal.exam_date - timezone.localdate()).days if goal and goal.exam_date else None
    return render(
        request,
        "courses/my_learning.html",
        {
            "learning": selectors.my_learning(user=request.user),
            "goal": goal,
            "days_to_exam": days_to_exam,
        },
    )


@login_required
def profile(request):
    goal = LearnerProfile.objects.filter(user=request.user).first() or LearnerProfile(
        user=request.user
    )
    user_form = UserProfileForm(request.POST or None, instance=request.user, prefix="user")
    goal_form = StudyGoalForm(request.POST or None, instance=goal, prefix="goal")
    if request.method == "POST" and user_form.is_valid() and goal_form.is_valid():
        with transaction.atomic():
            user_profile_update(
                user=request.user,
                **{
                    key: user_form.cleaned_data[key]
                    for key in ("real_name", "phone", "email", "preferred_language")
                },
            )
            services.learner_profile_update(user=request.user, **goal_form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    return render(
        request,
        "courses/profile.html",
        {
            "user_form": user_form,
            "goal_form": goal_form,
            "two_factor_offered": two_factor_offered(request.user),
        },
    )
