"""Evidence uploads: kind by content, size limit, random names, safe serving."""

import hashlib
import io
import os
import stat
import struct
import zipfile
import zlib

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from app.uploads import (
    ALLOWED,
    StoredFile,
    UploadRejected,
    UploadStore,
    is_stored_name,
    sanitise_name,
    send_stored,
    sniff,
)

# ---------------------------------------------------------------------------------------------
# Real, minimal sample files, built here rather than kept as binaries in the repository.


def make_pdf(text: str = "Statement") -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_png(width: int = 2, height: int = 2) -> bytes:
    """An 8-bit RGB PNG, each chunk with its CRC."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


# A well-known minimal valid JPEG: a 1x1 greyscale baseline image (SOI, DQT, SOF0, DHT x2, SOS, EOI).
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000"
    "ffdb004300" + "01" * 64 + "ffc0000b080001000101011100"
    "ffc4001f0000010501010101010100000000000000000102030405060708090a0b"
    "ffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa"
    "ffda0008010100003f00d2cf20ffd9"
)

CONTENT_TYPES_DOCX = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
DOCUMENT_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Witness statement</w:t></w:r></w:p></w:body></w:document>"
)


def make_zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def make_docx() -> bytes:
    return make_zip({"[Content_Types].xml": CONTENT_TYPES_DOCX, "_rels/.rels": ROOT_RELS, "word/document.xml": DOCUMENT_XML})


def make_xlsx() -> bytes:
    content_types = CONTENT_TYPES_DOCX.replace("/word/document.xml", "/xl/workbook.xml").replace(
        "wordprocessingml.document.main+xml", "spreadsheetml.sheet.main+xml"
    )
    return make_zip({"[Content_Types].xml": content_types, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": "<workbook/>"})


def make_jar() -> bytes:
    return make_zip({"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\nMain-Class: Evil\n", "Evil.class": "\xca\xfe\xba\xbe"})


PDF = make_pdf()
PNG = make_png()
DOCX = make_docx()
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode."

MAX = 1000


@pytest.fixture
def root(tmp_path):
    return tmp_path / "uploads"


@pytest.fixture
def store(root):
    return UploadStore(root, max_bytes=MAX)


@pytest.fixture
def big_store(root):
    return UploadStore(root, max_bytes=20 * 1024 * 1024)


def files_in(root):
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


# ---------------------------------------------------------------------------------------------
# The samples themselves are real files


def test_samples_are_well_formed():
    assert PDF.startswith(b"%PDF-1.4") and PDF.rstrip().endswith(b"%%EOF")
    xref_at = int(PDF.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert PDF[xref_at:].startswith(b"xref\n")
    for number in range(1, 6):
        offset = int(PDF[xref_at:].split(b"\n")[2 + number][:10])
        assert PDF[offset:].startswith(f"{number} 0 obj".encode())
    # PNG: every chunk's CRC is right and the image data inflates to 2 rows of 1 + 2*3 bytes.
    position, chunks = 8, []
    while position < len(PNG):
        (length,) = struct.unpack(">I", PNG[position : position + 4])
        kind, data = PNG[position + 4 : position + 8], PNG[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", PNG[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF
        chunks.append((kind, data))
        position += 12 + length
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    assert len(zlib.decompress(chunks[1][1])) == 2 * (1 + 2 * 3)
    # JPEG: starts with SOI and JFIF APP0, ends with EOI, every marker segment length adds up to SOS.
    assert JPEG[:2] == b"\xff\xd8" and JPEG[-2:] == b"\xff\xd9"
    position, markers = 2, []
    while JPEG[position + 1] != 0xDA:
        assert JPEG[position] == 0xFF
        markers.append(JPEG[position + 1])
        (length,) = struct.unpack(">H", JPEG[position + 2 : position + 4])
        position += 2 + length
    assert markers == [0xE0, 0xDB, 0xC0, 0xC4, 0xC4]
    with zipfile.ZipFile(io.BytesIO(DOCX)) as archive:
        assert archive.testzip() is None
        assert {"[Content_Types].xml", "word/document.xml"} <= set(archive.namelist())


# ---------------------------------------------------------------------------------------------
# sniff: content decides


@pytest.mark.parametrize(
    ("content", "kind"),
    [(PDF, "pdf"), (JPEG, "jpeg"), (PNG, "png"), (DOCX, "docx")],
    ids=["pdf", "jpeg", "png", "docx"],
)
def test_sniff_recognises_allowed_kinds(content, kind):
    assert sniff(content[:16], io.BytesIO(content)) == kind
    assert sniff(content) == kind  # head is the whole file


@pytest.mark.parametrize(
    "content",
    [
        HTML,
        EXE,
        b"",
        b"hello",
        b" %PDF-1.4 leading junk",
        b"\n%PDF-1.4",
        b"GIF89a\x01\x00\x01\x00",
        b"\x89PNG\r\n",  # a truncated signature
        b"\xff\xd8",  # a truncated JPEG marker
        b"PK\x03\x04 not really a zip",
        make_zip({"notes.txt": "hello"}),
        make_xlsx(),
        make_jar(),
        make_zip({"word/document.xml": DOCUMENT_XML}),  # no [Content_Types].xml
        make_zip({"[Content_Types].xml": CONTENT_TYPES_DOCX}),  # no word/document.xml
    ],
    ids=[
        "html",
        "exe",
        "empty",
        "text",
        "space-before-pdf",
        "newline-before-pdf",
        "gif",
        "short-png",
        "short-jpeg",
        "fake-zip",
        "plain-zip",
        "xlsx",
        "jar",
        "no-content-types",
        "no-document",
    ],
)
def test_sniff_rejects_everything_else(content):
    assert sniff(content[:16], io.BytesIO(content)) is None
    assert sniff(content) is None


def test_sniff_rejects_macro_enabled_word():
    docm = make_zip(
        {
            "[Content_Types].xml": CONTENT_TYPES_DOCX.replace(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                "application/vnd.ms-word.document.macroEnabled.main+xml",
            ),
            "word/document.xml": DOCUMENT_XML,
            "word/vbaProject.bin": "macros",
        }
    )
    assert sniff(docm[:4], io.BytesIO(docm)) is None


def test_sniff_reads_docx_from_a_path_and_restores_stream_position(tmp_path):
    path = tmp_path / "anything.bin"
    path.write_bytes(DOCX)
    assert sniff(DOCX[:4], path) == "docx"
    assert sniff(DOCX[:4], str(path)) == "docx"
    stream = io.BytesIO(DOCX)
    stream.seek(7)
    assert sniff(DOCX[:4], stream) == "docx"
    assert stream.tell() == 7


def test_sniff_a_truncated_docx_is_not_a_document():
    assert sniff(DOCX[:4], io.BytesIO(DOCX[: len(DOCX) // 2])) is None


@given(st.binary(max_size=64))
def test_sniff_never_raises_on_arbitrary_bytes(data):
    assert sniff(data) in {None, "pdf", "jpeg", "png", "docx"}
    assert sniff(b"PK\x03\x04" + data, io.BytesIO(b"PK\x03\x04" + data)) is None


# ---------------------------------------------------------------------------------------------
# save


@pytest.mark.parametrize(
    ("content", "name", "kind", "extension", "shown"),
    [
        (PDF, "statement.pdf", "pdf", "pdf", "statement.pdf"),
        (JPEG, "injury.jpeg", "jpeg", "jpg", "injury.jpeg"),
        (PNG, "screenshot.png", "png", "png", "screenshot.png"),
        (DOCX, "MG11.docx", "docx", "docx", "MG11.docx"),
        # The content decides, not the name: the stored name and the shown name both end in
        # the sniffed kind's extension.
        (PDF, "statement.txt", "pdf", "pdf", "statement.txt.pdf"),
        (PDF, "statement.html", "pdf", "pdf", "statement.html.pdf"),
        (PNG, "photo", "png", "png", "photo.png"),
        (PNG, "photo.PNG", "png", "png", "photo.PNG"),
    ],
    # Named ids: the DOCX bytes hold the zip's timestamp, and under pytest-xdist every worker
    # must collect the same test ids.
    ids=["pdf", "jpeg", "png", "docx", "pdf-named-txt", "pdf-named-html", "png-without-extension", "png-upper-case"],
)
def test_save_stores_allowed_files(store, root, content, name, kind, extension, shown):
    stored = store.save(io.BytesIO(content), name)
    assert isinstance(stored, StoredFile)
    assert stored.kind == kind
    assert stored.content_type == ALLOWED[kind]
    assert stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.original_name == shown
    assert stored.stored_name.endswith("." + extension)
    assert is_stored_name(stored.stored_name)
    assert files_in(root) == [stored.stored_name]
    assert (root / stored.stored_name).read_bytes() == content
    with store.open(stored.stored_name) as handle:
        assert handle.read() == content
    assert store.path(stored.stored_name) == root / stored.stored_name


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (HTML, "statement.pdf", "The file is not a PDF, JPEG, PNG or Word (DOCX) document"),
        (EXE, "photo.png", "The file is not a PDF, JPEG, PNG or Word (DOCX) document"),
        (make_zip({"statement.pdf": "x"}), "bundle.zip", "The file is not a PDF, JPEG, PNG or Word (DOCX) document"),
        (make_xlsx(), "schedule.docx", "The file is not a PDF, JPEG, PNG or Word (DOCX) document"),
        (make_jar(), "statement.docx", "The file is not a PDF, JPEG, PNG or Word (DOCX) document"),
        (b"", "statement.pdf", "The file is empty"),
        (PDF[:10] + b"x" * (MAX + 1 - 10), "statement.pdf", "The file is larger than 1000 bytes"),
    ],
    ids=["html-as-pdf", "exe-as-png", "plain-zip", "xlsx", "jar", "empty", "too-large"],
)
def test_save_rejects_and_leaves_nothing_behind(store, root, content, name, message):
    with pytest.raises(UploadRejected) as raised:
        store.save(io.BytesIO(content), name)
    assert str(raised.value) == message
    assert isinstance(raised.value, ValueError)
    assert files_in(root) == []


def test_size_limit_is_inclusive(store, root):
    exactly = PDF + b"%" * (MAX - len(PDF))
    assert len(exactly) == MAX
    stored = store.save(io.BytesIO(exactly), "max.pdf")
    assert stored.size == MAX
    with pytest.raises(UploadRejected, match="larger than"):
        store.save(io.BytesIO(exactly + b"%"), "max-plus-one.pdf")
    assert files_in(root) == [stored.stored_name]


def test_twenty_megabyte_message(big_store):
    assert big_store.max_bytes == 20 * 1024 * 1024

    class Endless(io.RawIOBase):
        """A stream that never ends: reading must stop just past the limit."""

        def __init__(self):
            self.served = 0

        def readable(self):
            return True

        def read(self, size=-1):
            assert 0 < size <= 1024 * 1024, "reads in bounded chunks"
            self.served += size
            return (b"%PDF-1.7\n" + b"0" * size)[:size]

    endless = Endless()
    with pytest.raises(UploadRejected) as raised:
        big_store.save(endless, "huge.pdf")
    assert str(raised.value) == "The file is larger than 20 MB"
    assert endless.served == 20 * 1024 * 1024 + 1


def test_stream_error_leaves_nothing_behind(store, root):
    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def read(self, size=-1):
            raise OSError("connection reset")

    with pytest.raises(OSError, match="connection reset"):
        store.save(Broken(), "statement.pdf")
    assert files_in(root) == []


def test_reads_a_stream_delivering_short_chunks(store):
    class Trickle(io.RawIOBase):
        def __init__(self, data):
            self.data = data

        def readable(self):
            return True

        def read(self, size=-1):
            piece, self.data = self.data[:7], self.data[7:]
            return piece

    stored = UploadStore(store.root, max_bytes=10_000).save(Trickle(DOCX), "statement.docx")
    assert stored.kind == "docx"
    assert stored.sha256 == hashlib.sha256(DOCX).hexdigest()


def test_works_with_a_werkzeug_file_storage(store):
    from werkzeug.datastructures import FileStorage

    upload = FileStorage(stream=io.BytesIO(PNG), filename="C:\\fakepath\\injury.png", content_type="text/html")
    stored = store.save(upload, upload.filename)
    assert stored.kind == "png" and stored.content_type == "image/png"  # the browser's content type is ignored
    assert stored.original_name == "injury.png"


def test_stored_names_are_random(store, root):
    first = store.save(io.BytesIO(PDF), "statement.pdf")
    second = store.save(io.BytesIO(PDF), "statement.pdf")
    assert first.stored_name != second.stored_name
    assert first.sha256 == second.sha256
    for stored in (first, second):
        token = stored.stored_name.removesuffix(".pdf")
        assert len(token) == 32 and int(token, 16) >= 0  # 128 random bits
        assert "statement" not in stored.stored_name
    assert files_in(root) == sorted([first.stored_name, second.stored_name])


def test_permissions(tmp_path):
    root = tmp_path / "instance" / "uploads"
    old_umask = os.umask(0o022)
    try:
        stored = UploadStore(root, max_bytes=MAX).save(io.BytesIO(PDF), "statement.pdf")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE((root / stored.stored_name).stat().st_mode) == 0o600


def test_save_into_an_existing_root_keeps_its_files(store, root):
    root.mkdir(mode=0o700)
    (root / "keep.txt").write_text("not ours")
    stored = store.save(io.BytesIO(JPEG), "a.jpg")
    assert files_in(root) == sorted(["keep.txt", stored.stored_name])


@pytest.mark.parametrize("max_bytes", [0, -1, 1.5, True, "20"])
def test_max_bytes_must_be_positive_int(tmp_path, max_bytes):
    with pytest.raises(ValueError):
        UploadStore(tmp_path, max_bytes=max_bytes)


# ---------------------------------------------------------------------------------------------
# The officer's file name


@pytest.mark.parametrize(
    ("given_name", "kind", "expected"),
    [
        ("C:\\Users\\x\\statement.pdf", "pdf", "statement.pdf"),
        ("../../x.pdf", "pdf", "x.pdf"),
        ("/etc/passwd", "pdf", "passwd.pdf"),
        ("a/b\\c/d.png", "png", "d.png"),
        ("state\x00ment\r\n.pdf", "pdf", "statement.pdf"),
        ("photo\u202egnp.exe", "png", "photognp.exe.png"),  # right-to-left override removed, and the kind's extension added
        ("statement.html", "pdf", "statement.html.pdf"),
        ("scan.JPG", "jpeg", "scan.JPG"),
        ("scan.jpeg", "jpeg", "scan.jpeg"),
        ("scan.png", "jpeg", "scan.png.jpg"),
        ("pdf", "pdf", "pdf.pdf"),
        ("  witness   statement.docx  ", "docx", "witness statement.docx"),
        ("", "pdf", "document.pdf"),
        (None, "jpeg", "document.jpg"),
        ("..", "png", "document.png"),
        ("folder/", "docx", "document.docx"),
        ("\x01\x02", "pdf", "document.pdf"),
        ("Déclaration – Zoë.pdf", "pdf", "Déclaration – Zoë.pdf"),
        ('say "hi"; rm.pdf', "pdf", 'say "hi"; rm.pdf'),
    ],
)
def test_sanitise_name(given_name, kind, expected):
    assert sanitise_name(given_name, kind) == expected


def test_long_names_are_cut_to_150_keeping_the_extension():
    name = sanitise_name("x" * 400 + ".docx", "docx")
    assert len(name) == 150 and name.endswith("x.docx")
    assert len(sanitise_name("y" * 400, "pdf")) == 150


@given(st.text(max_size=300))
def test_sanitised_names_are_always_safe(name):
    clean = sanitise_name(name, "pdf")
    assert 0 < len(clean) <= 150
    assert "/" not in clean and "\\" not in clean
    assert clean.strip(".") != ""
    assert all(ord(char) >= 0x20 and char not in "\x7f\u2028\u2029\u202e" for char in clean)
    assert sanitise_name(clean, "pdf") == clean


def test_save_sanitises_the_name(store):
    assert store.save(io.BytesIO(PDF), "C:\\Users\\x\\statement.pdf").original_name == "statement.pdf"
    assert store.save(io.BytesIO(PDF), "../../x.pdf").original_name == "x.pdf"
    assert store.save(io.BytesIO(JPEG), "").original_name == "document.jpg"


# ---------------------------------------------------------------------------------------------
# open / path / delete: only names save() could have given


BAD_NAMES = [
    "../etc/passwd",
    "abc",
    "A" * 32 + ".pdf",
    "a" * 32 + ".PDF",
    "a" * 31 + ".pdf",
    "a" * 33 + ".pdf",
    "g" * 32 + ".pdf",
    "a" * 32 + ".exe",
    "a" * 32 + ".jpeg",
    "a" * 32 + ".pdf\n",
    "a" * 32 + ".pdf/",
    "../" + "a" * 32 + ".pdf",
    "/" + "a" * 32 + ".pdf",
    "",
    None,
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_malformed_names_are_refused(store, root, name):
    root.mkdir()
    with pytest.raises(ValueError):
        store.open(name)
    with pytest.raises(ValueError):
        store.path(name)
    with pytest.raises(ValueError):
        store.delete(name)
    assert not is_stored_name(name)


def test_right_shape_but_missing(store, root):
    root.mkdir()
    with pytest.raises(FileNotFoundError):
        store.open("0" * 32 + ".pdf")
    with pytest.raises(FileNotFoundError):
        store.path("0" * 32 + ".pdf")


def test_delete(store, root):
    stored = store.save(io.BytesIO(PDF), "statement.pdf")
    store.delete(stored.stored_name)
    assert files_in(root) == []
    store.delete(stored.stored_name)  # already gone: no error
    with pytest.raises(FileNotFoundError):
        store.path(stored.stored_name)


# ---------------------------------------------------------------------------------------------
# send_stored


@pytest.fixture
def app():
    return Flask(__name__)


def served(app, store, stored, **kwargs):
    with app.test_request_context():
        response = send_stored(store, stored, **kwargs)
        response.direct_passthrough = False
        body = response.get_data()
        response.close()
    return response, body


def test_send_pdf_inline(app, store):
    stored = store.save(io.BytesIO(PDF), "Witness statement.pdf")
    response, body = served(app, store, stored)
    assert response.status_code == 200
    assert body == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="Witness statement.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Content-Length"] == str(len(PDF))


def test_send_pdf_as_attachment_when_asked(app, store):
    stored = store.save(io.BytesIO(PDF), "statement.pdf")
    response, _ = served(app, store, stored, as_attachment=True)
    assert response.headers["Content-Disposition"] == "attachment; filename=statement.pdf"


def test_send_image_inline(app, store):
    stored = store.save(io.BytesIO(PNG), "injury.png")
    response, body = served(app, store, stored)
    assert body == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"] == "inline; filename=injury.png"


def test_send_docx_always_as_attachment(app, root):
    store = UploadStore(root, max_bytes=10_000)
    stored = store.save(io.BytesIO(DOCX), "MG11 statement.docx")
    response, body = served(app, store, stored, as_attachment=False)
    assert body == DOCX
    assert response.headers["Content-Type"] == ALLOWED["docx"]
    assert response.headers["Content-Disposition"] == 'attachment; filename="MG11 statement.docx"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_send_uses_the_stored_type_not_the_name(app, store):
    stored = store.save(io.BytesIO(PDF), "statement.html")
    response, _ = served(app, store, stored)
    assert response.headers["Content-Type"] == "application/pdf"


def test_send_non_ascii_name(app, store):
    stored = store.save(io.BytesIO(PDF), "Déclaration.pdf")
    response, _ = served(app, store, stored)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=UTF-8''D%C3%A9claration.pdf" in disposition


def test_send_an_unknown_content_type_as_an_octet_stream_download(app, store):
    stored = store.save(io.BytesIO(PDF), "statement.pdf")
    tampered = StoredFile(stored.stored_name, "pdf", "text/html", stored.size, stored.sha256, "x.html")
    response, _ = served(app, store, tampered)
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_send_accepts_any_object_with_the_three_attributes(app, store):
    stored = store.save(io.BytesIO(JPEG), "face.jpg")

    class Row:  # like the Document model
        stored_name = stored.stored_name
        content_type = "image/jpeg"
        original_name = "face.jpg"

    response, body = served(app, store, Row())
    assert body == JPEG and response.headers["Content-Type"] == "image/jpeg"


def test_send_missing_file(app, store, root):
    root.mkdir()
    missing = StoredFile("0" * 32 + ".pdf", "pdf", "application/pdf", 1, "0" * 64, "x.pdf")
    with app.test_request_context(), pytest.raises(FileNotFoundError):
        send_stored(store, missing)


# ---------------------------------------------------------------------------------------------
# Zip bombs dressed as Word documents (built here, small: nothing large is kept in the repository)


def make_docx_with(extra: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_DOCX)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("word/document.xml", DOCUMENT_XML)
        for name, data in extra.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_docx_unpacking_past_the_limit_is_refused(root):
    store = UploadStore(root, max_bytes=1024 * 1024, max_unpacked_bytes=1024 * 1024)
    bomb = make_docx_with({"word/media/image1.png": bytes(3 * 1024 * 1024)})
    assert len(bomb) < 10_000
    with pytest.raises(UploadRejected, match="unpacks to more than 1 MB"):
        store.save(io.BytesIO(bomb), "statement.docx")
    assert files_in(root) == []


def test_a_docx_packed_absurdly_tight_is_refused_under_the_limit(root):
    store = UploadStore(root, max_bytes=1024 * 1024, max_unpacked_bytes=50 * 1024 * 1024)
    bomb = make_docx_with({"word/media/image1.png": bytes(2 * 1024 * 1024)})  # about 1000:1
    with pytest.raises(UploadRejected, match="packed far tighter"):
        store.save(io.BytesIO(bomb), "statement.docx")
    assert files_in(root) == []


def test_a_real_sized_docx_with_ordinary_compression_is_accepted(root):
    store = UploadStore(root, max_bytes=1024 * 1024, max_unpacked_bytes=1024 * 1024)
    text = "".join(f"<w:p><w:r><w:t>Paragraph {n} of the statement.</w:t></w:r></w:p>" for n in range(5000))
    stored = store.save(io.BytesIO(make_docx_with({"word/extra.xml": text.encode()})), "statement.docx")
    assert stored.kind == "docx" and stored.stored_name.endswith(".docx")


def test_the_unpacked_limit_must_be_positive(tmp_path):
    for bad in (0, -1, True, 1.5):
        with pytest.raises(ValueError, match="max_unpacked_bytes"):
            UploadStore(tmp_path, max_bytes=10, max_unpacked_bytes=bad)


def test_send_a_row_whose_content_type_disagrees_with_the_stored_kind_as_an_octet_stream(app, store):
    stored = store.save(io.BytesIO(PDF), "statement.pdf")
    tampered = StoredFile(stored.stored_name, "png", "image/png", stored.size, stored.sha256, "x.png")
    response, _ = served(app, store, tampered)
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")
