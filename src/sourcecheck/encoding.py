"""Bytes to text: byte-order marks, strict UTF-8, then the most plausible legacy code page.

charset-normalizer proposes candidates, but on short European texts its first choice is often
wrong in a way that matters here (latin-1 French read as cp1250 turns "crème" into "crčme";
latin-2 Polish comes back as iso8859-10). So every candidate is decoded and scored by how
plausible its non-ASCII words are (`_badness`), and the least bad wins; ties go to the more
common code page. Nothing here raises: callers turn `None` into the right error.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator

# UTF-32 before UTF-16: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Most common first: the order breaks ties between code pages that decode a text identically
# (curly quotes are the same bytes in cp1252 and cp1250).
_PREFERRED = (
    "cp1252", "cp1250", "iso8859_2", "iso8859_15", "cp1251", "koi8_r", "cp1253", "iso8859_7",
    "cp1254", "cp1257", "iso8859_13",
)

# Non-ASCII letters of the languages we expect, lower case. A word whose non-ASCII letters no
# single language has is a sign of the wrong code page.
_ALPHABETS = tuple(
    frozenset(letters)
    for letters in (
        "àâæçéèêëîïôœùûüÿ",  # French
        "äöüß",  # German
        "áéíñóúüºª",  # Spanish
        "áâãàçéêíóôõúºª",  # Portuguese
        "àèéìíîòóùú",  # Italian
        "àçèéíïòóúü",  # Catalan
        "áéíóúèëïöü",  # Dutch
        "åäöæøéü",  # Scandinavian
        "áðéíóúýþæö",  # Icelandic
        "ąćęłńóśźż",  # Polish
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "áéíóöőúüű",  # Hungarian
        "ăâîșşțţ",  # Romanian
        "čćđšž",  # Croatian, Slovene, Serbian (Latin)
        "çğıöşüâî",  # Turkish
        "āčēģīķļņšūž",  # Latvian
        "ąčęėįšųūž",  # Lithuanian
        "äöõüšž",  # Estonian
    )
)
# Symbols that are almost never text but are what a wrong code page makes of letters.
_ODD_SYMBOLS = frozenset("¤¦¨¯´¸˘˙˝˛ˇ¬¶±")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SPACE = re.compile(r"\s")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
_MAX_WORDS = 5000
# Bad points per non-ASCII word (plus control characters per 100): under _CLEAN a European
# reading is taken without asking charset-normalizer; at _GARBAGE or over, nothing is.
_CLEAN = 0.1
_GARBAGE = 0.35


def detect_bom(data: bytes) -> str | None:
    """The codec named by the byte-order mark `data` starts with, or None."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def declared_html_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 KB (`<meta charset>`), as a Python codec.

    Browsers read a page declared as latin-1 or ASCII as windows-1252, and so do we.
    """
    head = data[:4096].decode("ascii", errors="replace")
    match = re.search(r"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", head, re.IGNORECASE)
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1)).name
    except LookupError:
        return None
    return "cp1252" if name in ("iso8859-1", "ascii", "latin-1") else name


def decode_bytes(data: bytes, *, declared: str | None = None) -> tuple[str, str] | None:
    """Decode `data` as text; return `(text, codec name)`, or None if it reads only as garbage.

    Order: byte-order mark, strict UTF-8, the `declared` charset (an HTML meta tag) if it
    decodes cleanly, then the most plausible code page. Example:
    `decode_bytes("“Tak”".encode("cp1250"))` is `("“Tak”", "cp1252")`, the same text.
    """
    bom = detect_bom(data)
    if bom is not None:
        try:
            return data.decode(bom), bom
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = _mostly_utf8(data)
    if mixed is not None:
        return mixed, "utf-8+cp1252"
    if declared and declared not in ("utf-8", "utf-16", "utf-32"):
        try:
            text = data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
        else:
            if _badness(text) < _GARBAGE:
                return text, declared
    return _best_code_page(data)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few stray cp1252 bytes (pasted from Word), decoded as such; else None.

    Real cp1252 text almost never holds valid multi-byte UTF-8 sequences, so many valid ones
    and few invalid bytes mean UTF-8 with patches of cp1252, not cp1252 read wrongly.
    """
    replaced = data.decode("utf-8", errors="replace")
    invalid = replaced.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    valid = sum(1 for char in replaced if not char.isascii()) - replaced.count("\ufffd")
    if valid < 1 or valid < invalid:
        return None
    return data.decode("utf-8", errors=_CP1252_FALLBACK)


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("cp1252", errors="replace"), error.end


_CP1252_FALLBACK = "sourcecheck-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_bytes)


def _best_code_page(data: bytes) -> tuple[str, str] | None:
    scored: list[tuple[float, str, str]] = []
    for name in _PREFERRED:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        score = _badness(text)
        if score == 0.0 and not _mostly_non_latin(text):
            return text, codecs.lookup(name).name  # a clean Latin reading; earlier ones are likelier
        scored.append((score, name, text))
    least = min((score for score, _, _ in scored), default=_GARBAGE)
    if least < _CLEAN:
        tied = [(name, text) for score, name, text in scored if score <= least + 1e-9]
        name, text = tied[0]
        if len({text for _, text in tied}) > 1 and _mostly_non_latin(text):
            # Greek read as Cyrillic looks as clean to us as the real thing; charset-normalizer
            # knows letter frequencies, so its ranking decides between such readings.
            ranked = [pair for guess in _normalizer_guesses(data) for pair in tied if pair[0] == guess]
            name, text = (ranked or tied)[0]
        return text, codecs.lookup(name).name
    # No European code page reads it cleanly: a multi-byte encoding (Shift-JIS, GBK, Big5)?
    guess = _normalizer_best(data)
    if guess is not None and _CONTROLS.search(guess[0]) is None:
        return guess
    if least < _GARBAGE:
        score, name, text = min(scored)
        return text, codecs.lookup(name).name
    return None


def _normalizer_guesses(data: bytes) -> list[str]:
    from charset_normalizer import from_bytes

    names: list[str] = []
    for match in from_bytes(data):
        for name in [match.encoding, *match.could_be_from_charset]:
            if name not in names:
                names.append(name)
    return names


def _normalizer_best(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is None or match.chaos > 0.1 or match.encoding.startswith(("utf_16", "utf_32")):
        return None
    return str(match), codecs.lookup(match.encoding).name


def _mostly_non_latin(text: str) -> bool:
    scripts = [_script(c) for word in _non_ascii_words(text) for c in word if c.isalpha()]
    return sum(s != "latin" for s in scripts) > len(scripts) / 2


def _badness(text: str) -> float:
    """How implausible a decoded text is: 0 for clean text, higher for mojibake.

    Points for control characters; per word, for non-ASCII letters that no one language has,
    for odd symbols and symbols stuck to letters, for Latin mixed with Cyrillic or Greek, for a
    capital after small letters (KOI8-R read as cp1251); and a little for every language beyond
    the first that the whole text's letters need ("crčme brűlée" needs Czech and Hungarian).
    """
    controls = len(_CONTROLS.findall(text))
    points = 0.0
    words = 0
    letters: set[str] = set()
    for word in _non_ascii_words(text):
        words += 1
        points += _word_badness(word)
        letters.update(c for c in word.lower() if c.isalpha() and not c.isascii() and _script(c) == "latin")
        if words >= _MAX_WORDS:
            break
    per_word = points / words if words else 0.0
    per_char = 100.0 * controls / max(len(text), 1)
    return per_word + per_char + 0.05 * max(_languages_needed(letters) - 1, 0)


def _languages_needed(letters: set[str]) -> int:
    """How many alphabets (greedily) it takes to cover `letters`; uncoverable ones are ignored."""
    left = {c for c in letters if any(c in alphabet for alphabet in _ALPHABETS)}
    needed = 0
    while left:
        best = max(_ALPHABETS, key=lambda alphabet: len(left & alphabet))
        left -= best
        needed += 1
    return needed


def _non_ascii_words(text: str) -> Iterator[str]:
    """Each whitespace-delimited word with a non-ASCII character, cut to 40 characters a side.

    Found from the non-ASCII characters outward, so a long ASCII token (a data: URI) costs
    nothing and the scan stays linear.
    """
    end = 0
    for match in _NON_ASCII.finditer(text):
        if match.start() < end:
            continue
        low = max(end, match.start() - 40)
        left = text[low : match.start()]
        start = low + 1 + max(left.rfind(" "), left.rfind("\n"), left.rfind("\t"))
        space = _SPACE.search(text, match.end(), match.end() + 40)
        end = space.start() if space else min(len(text), match.end() + 40)
        yield text[start:end]


def _word_badness(word: str) -> float:
    points = 0.0
    if len({_script(c) for c in word if c.isalpha()} - {"other"}) > 1:
        points += 1.0
    latin = {c for c in word.lower() if c.isalpha() and not c.isascii() and _script(c) == "latin"}
    if latin and not any(latin <= alphabet for alphabet in _ALPHABETS):
        points += 1.0
    for i, char in enumerate(word):
        if char.isascii() or char.isalpha():
            continue
        before = i > 0 and word[i - 1].isalpha()
        after = i + 1 < len(word) and word[i + 1].isalpha()
        if char in _ODD_SYMBOLS:
            points += 1.0
        elif before and after and char not in "’‘·\u00ad":
            points += 1.0  # "Wa³êsa" is cp1250 "Wałęsa" read as cp1252
        elif (before or after) and unicodedata.category(char)[0] in "SN" and char not in "°©®™²³":
            points += 1.0  # "£ód¼" is latin-2 "Łódź" read as cp1252
    for prev, char in zip(word, word[1:]):
        if prev.islower() and char.isupper() and not (prev.isascii() and char.isascii()):
            points += 0.5
            break
    return points


def _script(char: str) -> str:
    code = ord(char)
    if code < 0x250 or 0x1E00 <= code < 0x1F00:
        return "latin"
    if 0x370 <= code < 0x400:
        return "greek"
    if 0x400 <= code < 0x530:
        return "cyrillic"
    return "other"


# Signatures of formats that are not text, as (magic, offset, what to call it).
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF-", 0, "a PDF"),
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image"),
    (b"\xff\xd8\xff", 0, "a JPEG image"),
    (b"GIF87a", 0, "a GIF image"),
    (b"GIF89a", 0, "a GIF image"),
    (b"RIFF", 0, "a RIFF media file (WebP, WAV or AVI)"),
    (b"II*\x00", 0, "a TIFF image"),
    (b"MM\x00*", 0, "a TIFF image"),
    (b"PK\x03\x04", 0, "a ZIP archive (.docx, .odt and .epub files are ZIP archives)"),
    (b"PK\x05\x06", 0, "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "an old Microsoft Office file (.doc, .xls)"),
    (b"\x1f\x8b", 0, "a gzip archive"),
    (b"BZh", 0, "a bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "a RAR archive"),
    (b"ustar", 257, "a tar archive"),
    (b"\x7fELF", 0, "an ELF executable"),
    (b"MZ", 0, "a Windows executable"),
    (b"\xcf\xfa\xed\xfe", 0, "a Mach-O executable"),
    (b"\xca\xfe\xba\xbe", 0, "a Java class or Mach-O file"),
    (b"\x00asm", 0, "a WebAssembly module"),
    (b"SQLite format 3\x00", 0, "an SQLite database"),
    (b"{\\rtf", 0, "an RTF document"),
    (b"ID3", 0, "an MP3 file"),
    (b"OggS", 0, "an Ogg media file"),
    (b"fLaC", 0, "a FLAC audio file"),
)


def sniff_binary(data: bytes) -> str | None:
    """What non-text format `data` is ("a PNG image"), "binary data (...)" for NUL bytes, or None.

    Only the first 8 KB are looked at. Text with a UTF-16 or UTF-32 byte-order mark is full of
    NUL bytes and is still text. Signatures short enough to begin real text ("MZ", "BZh", "ID3")
    count only when NUL bytes follow.
    """
    if detect_bom(data) is not None:
        return None
    head = data[:8192]
    has_nul = b"\x00" in head
    for magic, offset, what in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            if len(magic) <= 3 and not has_nul and magic not in (b"\x1f\x8b", b"\xff\xd8\xff"):
                continue
            return what
    return "binary data (it has NUL bytes)" if has_nul else None
