"""Paging a list without a COUNT query when its first page holds it all (the usual case)."""

from django.core.paginator import Paginator


def first_page_counted(rows, number, size: int):
    """The requested page of `rows`. On the first page the rows are read first: when they are the whole
    list they tell the count, and Paginator's COUNT query is not needed; other pages page as usual."""
    paginator = Paginator(rows, size)
    if number not in (None, "", "1"):
        return paginator.get_page(number)
    first = list(rows[: size + 1])
    if len(first) <= size:
        paginator.count = len(first)  # a cached property: set, it is not asked of the database
    # The page of the rows already read (Paginator.page would slice `rows` again).
    return paginator._get_page(first[:size], paginator.validate_number(1), paginator)
