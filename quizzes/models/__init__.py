from .attempts import Attempt, AttemptAnswer, AttemptState, QuizOverride
from .bank import Question, QuestionCategory, QuestionType, QuestionVersion
from .quiz import GradingMethod, OverduePolicy, QuizPage, QuizSlot, ReviewMoment

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
    "ReviewMoment",
]
