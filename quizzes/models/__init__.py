from ..review_options import ReviewItem, ReviewMoment
from .attempts import Attempt, AttemptAnswer, AttemptState, QuizOverride
from .bank import Question, QuestionCategory, QuestionType, QuestionVersion
from .quiz import GradingMethod, OverduePolicy, QuizPage, QuizSlot
from .statistics import QuizStatistics

__all__ = [
    "Attempt",
    "AttemptAnswer",
    "AttemptState",
    "GradingMethod",
    "OverduePolicy",
    "Question",
    "QuestionCategory",
    "QuestionType",
    "QuestionVersion",
    "QuizOverride",
    "QuizPage",
    "QuizSlot",
    "QuizStatistics",
    "ReviewItem",
    "ReviewMoment",
]
