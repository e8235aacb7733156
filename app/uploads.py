"""Evidence files officers upload for a court bundle: checked, stored and served safely.

What a file is comes from its content, never its name: only PDF, JPEG, PNG and Word (DOCX)
are accepted, and a size limit is enforced while reading. Files are stored outside static/
under random names (32 hex digits and the extension of the sniffed kind, whatever the
uploaded name says), with owner-only permissions. A Word document that would unpack to more
than a limit, or packs absurdly tight, is refused (a zip bomb). The name the officer's
computer gave the file is kept only for display and as the download name, reduced to a safe
base name whose extension is the sniffed kind's ("statement.html" holding a PDF is shown and
downloaded as "statement.html.pdf").

Who may see a file is decided by the views (the roles allowed to see the case), not here.
`sniff`, `sanitise_name` and `is_stored_name` are pure; `UploadStore` touches only its root
folder; `send_stored` is the one Flask-facing function and imports Flask when called.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import secrets
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, Protocol

ALLOWED = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# The extension a stored file gets for each kind.
EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png", "docx": "docx"}

# The extensions a download name may already end with for each kind; otherwise one is added.
NAME_EXTENSIONS = {"pdf": {"pdf"}, "jpeg": {"jpg", "jpeg"}, "png": {"png"}, "docx": {"docx"}}
KIND_OF_EXTENSION = {extension: kind for kind, extension in EXTENSIONS.items()}

# Kinds a browser may show in the page; anything else is always sent as a download.
INLINE_TYPES = frozenset({ALLOWED["pdf"], ALLOWED["jpeg"], ALLOWED["png"]})

STORED_NAME = re.compile(r"[0-9a-f]{32}\.(?:pdf|jpg|png|docx)")

MAX_NAME_LENGTH = 150
CHUNK_SIZE = 64 * 1024
HEAD_SIZE = 1024

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ZIP_MAGIC = b"PK\x03\x04"

# The content type a DOCX's [Content_Types].xml gives its main part (word/document.xml).
# A macro-enabled .docm or a .dotx template declares a different one and is refused.
DOCX_MAIN_PART_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MAX_CONTENT_TYPES_BYTES = 1024 * 1024

# A Word document is deflated XML and images: 5 to 20 times smaller than it unpacks is usual.
# A zip bomb is thousands of times; 100 leaves room for very repetitive documents.
DOCX_MAX_RATIO = 100
DOCX_MAX_ENTRIES = 10_000
DEFAULT_DOCX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # the UPLOAD_DOCX_MAX_UNPACKED_MB default

NOT_ALLOWED_MESSAGE = "The file is not a PDF, JPEG, PNG or Word (DOCX) document"
EMPTY_MESSAGE = "The file is empty"


class UploadRejected(ValueError):
    """An upload refused; str() is a message that can be shown to the officer as it is."""


def _size_text(max_bytes: int) -> str:
    mb = 1024 * 1024
    if max_bytes >= mb and max_bytes % mb == 0:
        return f"{max_bytes // mb} MB"
    if max_bytes >= mb:
        return f"{max_bytes / mb:.1f} MB"
    if max_bytes >= 1024:
        return f"{max_bytes / 1024:.0f} KB"
    return f"{max_bytes} bytes"


def unpacks_too_large_message(max_bytes: int) -> str:
    return f"The Word document unpacks to more than {_size_text(max_bytes)}, or is packed far tighter than a real document"


def too_large_message(max_bytes: int) -> str:
    """'The file is larger than 20 MB' for the 20 MB setting (MB here meaning MiB)."""
    return f"The file is larger than {_size_text(max_bytes)}"


# ---------------------------------------------------------------------------------------------
# Pure parts


def _is_docx(source: str | os.PathLike[str] | IO[bytes]) -> bool:
    """A valid zip holding [Content_Types].xml and word/document.xml, the latter declared as a
    Word document's main part. Reads only the central directory and the small content-types
    entry, so a zip bomb costs nothing."""
    try:
        with zipfile.ZipFile(source) as archive:
            entries = {info.filename: info for info in archive.infolist()}
            content_types = entries.get("[Content_Types].xml")
            if content_types is None or "word/document.xml" not in entries:
                return False
            if content_types.file_size > MAX_CONTENT_TYPES_BYTES:
                return False
            with archive.open(content_types) as member:
                declared = member.read(MAX_CONTENT_TYPES_BYTES + 1)
            return DOCX_MAIN_PART_TYPE in declared
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError, ValueError):
        # Corrupt, encrypted, an unsupported compression method or truncated: not a document.
        return False


def docx_unpacks_within(path: str | os.PathLike[str], max_unpacked_bytes: int) -> bool:
    """Whether a DOCX (already recognised by sniff) is no zip bomb: at most DOCX_MAX_ENTRIES
    parts, unpacking to at most `max_unpacked_bytes` in all and at most DOCX_MAX_RATIO times
    its size on disk. The sizes the zip declares are checked first (nothing unpacked); then
    every part is unpacked, counting, to check they were true (zipfile stops each part at its
    declared size and checks its CRC, so a lying header fails here too)."""
    try:
        packed = os.path.getsize(path)
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            declared = sum(info.file_size for info in entries)
            if len(entries) > DOCX_MAX_ENTRIES or declared > max_unpacked_bytes or declared > DOCX_MAX_RATIO * packed:
                return False
            unpacked = 0
            for info in entries:
                with archive.open(info) as member:
                    while chunk := member.read(CHUNK_SIZE):
                        unpacked += len(chunk)
                        if unpacked > declared:
                            return False
            return True
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError, ValueError):
        return False


def sniff(head: bytes, path_or_stream: str | os.PathLike[str] | IO[bytes] | None = None) -> str | None:
    """The kind of file ("pdf", "jpeg", "png" or "docx") from its content, or None.

    `head` is the start of the file (a few bytes are enough for PDF, JPEG and PNG). A DOCX
    is a zip, and telling it from any other zip (.xlsx, .jar, a plain archive) needs the
    whole file: pass its path or a seekable binary stream as `path_or_stream`. Without it,
    `head` itself is tried as the whole file. A stream's position is restored afterwards.
    """
    if head.startswith(PDF_MAGIC):
        return "pdf"
    if head.startswith(JPEG_MAGIC):
        return "jpeg"
    if head.startswith(PNG_MAGIC):
        return "png"
    if head.startswith(ZIP_MAGIC):
        if path_or_stream is None:
            return "docx" if _is_docx(io.BytesIO(head)) else None
        if isinstance(path_or_stream, str | os.PathLike):
            return "docx" if _is_docx(path_or_stream) else None
        try:
            position = path_or_stream.tell()
        except (OSError, AttributeError, ValueError):
            position = None
        try:
            return "docx" if _is_docx(path_or_stream) else None
        finally:
            if position is not None:
                with contextlib.suppress(OSError, ValueError):
                    path_or_stream.seek(position)
    return None


_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def sanitise_name(original_name: str | None, kind: str) -> str:
    """The officer's file name made safe to show and to send as a download name.

    Keeps only the base name (after the last / or \\), drops control and invisible formatting
    characters (including the right-to-left override that can disguise an extension), turns
    other odd spacing into plain spaces, and limits the length to 150 characters, keeping the
    extension. The extension is the kind's: a name that ends otherwise ("statement.html"
    holding a PDF) gets the kind's added ("statement.html.pdf"), so a downloaded copy is never
    opened as something else. Falls back to "document.<ext>" (the stored extension) when nothing
    is left.
    """
    fallback = f"document.{EXTENSIONS[kind]}"
    if not original_name:
        return fallback
    base = re.split(r"[/\\]", str(original_name))[-1]
    cleaned = []
    for char in unicodedata.normalize("NFC", base):
        category = unicodedata.category(char)
        if category in _UNSAFE_CATEGORIES:
            continue
        cleaned.append(" " if category == "Zs" else char)
    name = re.sub(r" {2,}", " ", "".join(cleaned)).strip()
    if not name.strip("."):
        return fallback
    if name.rpartition(".")[2].lower() not in NAME_EXTENSIONS[kind] or "." not in name:
        name = f"{name}.{EXTENSIONS[kind]}"
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and 0 < len(extension) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_NAME_LENGTH].rstrip()
    return name


def is_stored_name(stored_name: object) -> bool:
    """Whether `stored_name` has exactly the shape save() gives: 32 lowercase hex digits,
    a dot and pdf/jpg/png/docx. Anything else (a path, "..", upper case) is refused."""
    return isinstance(stored_name, str) and STORED_NAME.fullmatch(stored_name) is not None


# ---------------------------------------------------------------------------------------------
# Storage


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    kind: str
    content_type: str
    size: int
    sha256: str
    original_name: str


class UploadStore:
    """A folder of uploaded evidence (keep it outside static/, e.g. instance/uploads)."""

    def __init__(self, root: str | Path, max_bytes: int, max_unpacked_bytes: int = DEFAULT_DOCX_MAX_UNPACKED_BYTES):
        for name, value in (("max_bytes", max_bytes), ("max_unpacked_bytes", max_unpacked_bytes)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{name} must be a positive whole number of bytes")
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.max_unpacked_bytes = max_unpacked_bytes

    @classmethod
    def from_config(cls, config) -> UploadStore:
        """The app's store: UPLOAD_FOLDER, UPLOAD_MAX_BYTES, UPLOAD_DOCX_MAX_UNPACKED_BYTES."""
        return cls(config["UPLOAD_FOLDER"], config["UPLOAD_MAX_BYTES"], config["UPLOAD_DOCX_MAX_UNPACKED_BYTES"])

    def _ensure_root(self) -> None:
        if not self.root.is_dir():
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(self.root, 0o700)  # mkdir's mode is reduced by the umask

    def save(self, stream: IO[bytes], original_name: str | None) -> StoredFile:
        """Check and store one upload (a werkzeug FileStorage or any binary stream).

        Raises UploadRejected (empty, too large, not an allowed kind); nothing is left in
        root then. The stream is read from its current position.
        """
        self._ensure_root()
        fd, temp_name = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=self.root)  # 0o600
        temp_path = Path(temp_name)
        try:
            digest = hashlib.sha256()
            head = b""
            size = 0
            with os.fdopen(fd, "wb") as out:
                while True:
                    # Never ask for more than one byte past the limit.
                    chunk = stream.read(min(CHUNK_SIZE, self.max_bytes + 1 - size))
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise UploadRejected(too_large_message(self.max_bytes))
                    if len(head) < HEAD_SIZE:
                        head += chunk[: HEAD_SIZE - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if size == 0:
                raise UploadRejected(EMPTY_MESSAGE)
            kind = sniff(head, temp_path)
            if kind is None:
                raise UploadRejected(NOT_ALLOWED_MESSAGE)
            if kind == "docx" and not docx_unpacks_within(temp_path, self.max_unpacked_bytes):
                raise UploadRejected(unpacks_too_large_message(self.max_unpacked_bytes))
            stored_name = f"{secrets.token_hex(16)}.{EXTENSIONS[kind]}"
            os.chmod(temp_path, 0o600)
            os.replace(temp_path, self.root / stored_name)
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
        return StoredFile(
            stored_name=stored_name,
            kind=kind,
            content_type=ALLOWED[kind],
            size=size,
            sha256=digest.hexdigest(),
            original_name=sanitise_name(original_name, kind),
        )

    def _checked(self, stored_name: str) -> Path:
        if not is_stored_name(stored_name):
            raise ValueError(f"Not a stored file name: {stored_name!r}")
        return self.root / stored_name

    def path(self, stored_name: str) -> Path:
        """Where a stored file is. ValueError for a name save() could not have given;
        FileNotFoundError when it is not there."""
        path = self._checked(stored_name)
        if not path.is_file():
            raise FileNotFoundError(f"No stored file {stored_name}")
        return path

    def open(self, stored_name: str) -> BinaryIO:
        """The stored file opened for reading (the caller closes it); errors as path()."""
        return self._checked(stored_name).open("rb")

    def delete(self, stored_name: str) -> None:
        """Remove a stored file (to clean up when the database write fails); no error if
        it is already gone. ValueError for a malformed name."""
        self._checked(stored_name).unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# Serving


DOWNLOAD_CSP = "default-src 'none'; sandbox"


class _StoredLike(Protocol):
    stored_name: str
    content_type: str
    original_name: str


def send_stored(store: UploadStore, stored: _StoredLike, as_attachment: bool = False):
    """A Flask response sending a stored file (call inside a request, after the view has
    checked the user's role may see the case).

    The Content-Type is the sniffed kind's, which the stored name's extension records (save()
    names files by their content, never by the uploaded name); a row whose content_type says
    otherwise is sent as application/octet-stream. DOCX (and anything not a PDF or image) is
    always a download; PDF and images are inline unless as_attachment, as the court page opens
    them. nosniff and a CSP of "default-src 'none'; sandbox" stop an uploaded file loading
    anything or running script in our origin, and the response is not kept in shared or
    on-disk caches. Raises FileNotFoundError (make it a 404)
    if the file is missing and ValueError if the stored name is malformed.
    """
    import flask

    path = store.path(stored.stored_name)
    kind = KIND_OF_EXTENSION[stored.stored_name.rpartition(".")[2]]
    content_type = ALLOWED[kind] if stored.content_type == ALLOWED[kind] else "application/octet-stream"
    attachment = as_attachment or content_type not in INLINE_TYPES
    download_name = sanitise_name(stored.original_name, kind) if content_type != "application/octet-stream" else "document"
    response = flask.send_file(
        path,
        mimetype=content_type,
        as_attachment=attachment,
        download_name=download_name,
        conditional=True,
        etag=True,
    )
    # The sandbox header does not stop Chromium's own PDF viewer (tried with Chromium 156, top
    # level and in a plain iframe); an iframe *attribute* sandbox="..." would block it.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
