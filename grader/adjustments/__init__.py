"""What an instructor changes after the grader: adjustments with their
reasons and who made them, and the late policy, read from adjustments.toml
(book.py); when each submission was handed in, and by which clock
(times.py); the final score worked out from the grader's (settle.py); and
all of it applied to a class's result as its reports are written, never to
the saved results, so that a regrade loses nothing (in_class.py)."""
from .book import FILENAME, AdjustmentsError, Book, LatePolicy, load_book
from .in_class import adjust_class, adjust_upload, book_for, book_path, book_text, unknown_students

__all__ = ["FILENAME", "AdjustmentsError", "Book", "LatePolicy", "adjust_class", "adjust_upload", "book_for",
           "book_path", "book_text", "load_book", "unknown_students"]
