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
