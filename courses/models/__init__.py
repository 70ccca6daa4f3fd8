from .assignments import Assignment, AssignmentException, AssignmentStatus, ExceptionKind
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
    "AssignmentStatus",
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
