"""What courses announce to apps further down the import chain (quizzes, certificates)."""

from django.dispatch import Signal

# Sent after commit-free completion of a lesson: sender=LessonPage, user, lesson, course.
lesson_completed = Signal()
# Sent when a learner has completed every lesson of a course: sender=CoursePage, user, enrollment.
course_completed = Signal()
