"""The workflow engine: definitions as data, validated at load, interpreted by code.

Imports neither the web layers nor the database session, so it can be used and tested alone.
"""
from workflows.definition import Definition, Page, Question, State, Transition  # noqa: F401
from workflows.errors import DefinitionError  # noqa: F401
from workflows.loader import Registry, load_directory, load_file  # noqa: F401
