"""Operations Advisor: cited, cross-lingual advice for internet-operations teams."""

__version__ = "0.1.0"
