"""Institution reporting: training requirements and assignments, statistics, dashboards, reports.

It sits above every other app: it reads courses, quizzes and certificates; nothing imports it.
"""
