"""overdue's web service: the borrower's pages and JSON API (``overdue serve``).

:func:`overdue.web.app.create_app` builds the application; see that module for what it
promises (no login, no cookies, nothing stored, nothing loaded from another host).
"""
