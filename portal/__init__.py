"""The residents' blueprint: catalogue, forms, check answers, confirmation, tracking."""
