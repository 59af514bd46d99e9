"""The one place nbgrader traits are set for this course.

The repository root is an nbgrader course directory: instructors run the
ordinary nbgrader commands here, and `autograder build` loads this file too.
"""

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "pytorch-katas"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.solution_directory = "solutions"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# Notebooks only: data and helpers come from the `assignments` package.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__"]

# Students see a typed stub that raises, not nbgrader's bare default.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Training exercises take seconds; kernels start with torch. Keep plain
# `nbgrader autograde` usable with the same notebooks.
c.Execute.timeout = 120
c.Execute.startup_timeout = 120

# Feedback must not show hidden tests (nbgrader shows them by default), nor the tracebacks that quote them.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "autograder.feedback_redact.RedactHiddenTracebacks",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
