"""The duration a course outline shows for a timed quiz is its time limit (issue 13: the outline
said 10 minutes for a quiz limited to 20)."""

import importlib

import pytest
from django.apps import apps

from courses.models import LessonPage
from courses.services import enrollment_create
from quizzes.models import QuizPage
from tests.factories import QUESTION_SPECS, make_course, make_quiz

pytestmark = pytest.mark.django_db


def outline_minutes(client, course, lesson) -> str:
    body = client.get(course.url).content.decode()
    item = body.split(f">{lesson.title}</a>", 1)[1].split("</li>", 1)[0]
    return item.split("·", 1)[1].strip().split("<", 1)[0].strip()


def test_a_timed_quiz_shows_its_time_limit_in_the_outline(client, learner):
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[QUESTION_SPECS["true_false"]], time_limit_minutes=20)
    assert quiz.estimated_minutes == 20
    assert outline_minutes(client, course, quiz) == "20 phút"
    enrollment_create(user=learner, course=course)
    client.force_login(learner)
    assert "Thời gian: 20 phút" in client.get(quiz.url).content.decode()  # the quiz page says the same


def test_an_untimed_quiz_keeps_its_estimate(client):
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[QUESTION_SPECS["true_false"]], estimated_minutes=15)
    assert quiz.estimated_minutes == 15
    assert outline_minutes(client, course, quiz) == "15 phút"


def test_publishing_a_new_time_limit_moves_the_duration():
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[QUESTION_SPECS["true_false"]], time_limit_minutes=20)
    quiz.time_limit_minutes = 30
    quiz.save_revision().publish()
    assert LessonPage.objects.get(pk=quiz.pk).estimated_minutes == 30


def test_the_migration_mends_existing_quizzes():
    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[QUESTION_SPECS["true_false"]], time_limit_minutes=20)
    LessonPage.objects.filter(pk=quiz.pk).update(estimated_minutes=10)  # as seeded before the fix
    migration = importlib.import_module("quizzes.migrations.0008_quiz_estimated_minutes_from_time_limit")
    migration.estimated_minutes_from_time_limit(apps, None)
    assert QuizPage.objects.get(pk=quiz.pk).estimated_minutes == 20
