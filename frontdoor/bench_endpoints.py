"""Load-test baselines."""


def init_app(app):
    pass
