"""The staff blueprint: sign-in, queues, case page, transitions."""
