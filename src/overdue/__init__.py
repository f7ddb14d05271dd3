"""overdue: consumer-loan delinquency under Chinese law, from the first missed payment to enforcement."""

__version__ = "0.1.0"
