"""The French error of a step the secretariat or the treasurer cannot take yet."""


class DuesError(Exception):
    """A step the secretariat cannot take yet; the message is French."""
