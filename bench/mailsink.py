"""An email backend for benchmarks: Django's file backend, writing into the directory named
by ``BENCH_MAIL_DIR`` (the production settings read no ``EMAIL_FILE_PATH``)."""

import os

from django.core.mail.backends.filebased import EmailBackend as FileBackend

SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # what the file backend writes after each message


class EmailBackend(FileBackend):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("file_path", os.environ["BENCH_MAIL_DIR"])
        super().__init__(*args, **kwargs)
