from .assignments import Assignment, AssignmentException, ExceptionKind
from .learning import Enrollment, EnrollmentSource, EnrollmentStatus, LessonProgress, PathCompletion
from .pages import (
    Audience,
    CourseIndexPage,
    CoursePage,
    LearningPathCourse,
    LearningPathPage,
    LessonPage,
    Level,
    ModulePage,
    Topic,
)

__all__ = [
    "Assignment",
    "AssignmentException",
    "ExceptionKind",
    "Audience",
    "CourseIndexPage",
    "CoursePage",
    "Enrollment",
    "EnrollmentSource",
    "EnrollmentStatus",
    "LearningPathCourse",
    "LearningPathPage",
    "LessonPage",
    "LessonProgress",
    "Level",
    "ModulePage",
    "PathCompletion",
    "Topic",
]
