#!/usr/bin/env python3
"""Generate the SQL that is written once elsewhere (Python 3 standard library only).

1. Equality/hash blocks. Every summary or state type gets the same four functions, two
   operators and a hash operator class, written once in sql/templates/equality.sql. A family
   file asks for them with a marker pair, and this script rewrites what lies between:

       -- BEGIN GENERATED equality(churn_state) ...
       -- END GENERATED equality(churn_state)

   The expanded blocks are committed (pgrx includes the family files at compile time).

2. The upgrade script from the last release, sql/csmetrics--OLD--NEW.sql. The family files
   (in install order, as src/lib.rs lists them) are the single source of the SQL API. The
   script is: a header, the hand-written delta sql/delta/OLD--NEW.sql (real changes to objects
   OLD already had: CREATE OR REPLACE, ALTER), then every statement of the family files that
   creates an object the released install script sql/released/csmetrics--OLD.sql does not have,
   with its comments, family by family. Objects are identified by kind and signature (type,
   function or aggregate with argument types, cast, operator with operand types, operator class,
   comment target), not by text.

   A family statement for an object OLD already created must be textually the same as in OLD
   (modulo comments and spacing), or else be carried by a delta statement that is itself the
   same as the family statement (modulo OR REPLACE): otherwise an upgraded database would differ
   from a fresh install, and the script stops with an error naming the object.

Usage: scripts/gen-sql.py            rewrite what is stale
       scripts/gen-sql.py --check    exit 1 (listing the files) if a generated file is stale

Once NEW is released the upgrade script is frozen: the release copies the install script into
sql/released/, and the next version's script is generated from that one (see CONTRIBUTING.md).
"""
import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL = ROOT / "sql"
# Install order of the family files (src/lib.rs, extension_sql_file! requires).
FAMILIES = ["survey", "equality", "customer", "revenue", "health", "engagement"]
TEMPLATES = {"equality": SQL / "templates" / "equality.sql"}
RULE = "-" * 93

MARKER = re.compile(r"^-- BEGIN GENERATED (\w+)\((\w+)\)[^\n]*\n.*?^-- END GENERATED \1\(\2\)\n",
                    re.M | re.S)


# --------------------------------------------------------------------------------------------
# 1. Template expansion
# --------------------------------------------------------------------------------------------
def expand_templates(text: str) -> str:
    def block(m: re.Match) -> str:
        name, typ = m[1], m[2]
        if name not in TEMPLATES:
            sys.exit(f"gen-sql: unknown template {name!r} (known: {', '.join(TEMPLATES)})")
        body = TEMPLATES[name].read_text().replace("@TYPE@", typ)
        # The template's own header comment (lines before the first blank line) explains the
        # template; the expansion starts at its first statement.
        body = body.split("\n\n", 1)[1].lstrip("\n")
        return (f"-- BEGIN GENERATED {name}({typ}): sql/templates/{name}.sql via scripts/gen-sql.py\n"
                f"{body}-- END GENERATED {name}({typ})\n")
    return MARKER.sub(block, text)


# --------------------------------------------------------------------------------------------
# 2. Statements and their identity
# --------------------------------------------------------------------------------------------
def block_comment_end(text: str, i: int) -> int:
    """Index after the /* ... */ comment opening at i (PostgreSQL's nest)."""
    depth, j = 0, i
    while j < len(text):
        if text.startswith("/*", j):
            depth, j = depth + 1, j + 2
        elif text.startswith("*/", j):
            depth, j = depth - 1, j + 2
            if depth == 0:
                return j
        else:
            j += 1
    sys.exit(f"gen-sql: unterminated /* comment: {text[i:i + 80]!r}")


def split_statements(text: str) -> list[tuple[str, str]]:
    """(leading comments and blank lines, statement text with its ';') pairs, plus a final
    ('trailing trivia', '') pair. psql meta-commands (\\echo ... \\quit) count as statements."""
    out, i, n, start = [], 0, len(text), 0
    stmt_start = None
    while i < n:
        c = text[i]
        if stmt_start is None:
            if c.isspace():
                i += 1
                continue
            if text.startswith("--", i):
                i = text.find("\n", i) + 1 or n
                continue
            if text.startswith("/*", i):
                i = block_comment_end(text, i)
                continue
            stmt_start = i
            if c == "\\":  # psql meta-command: the rest of the line
                end = text.find("\n", i)
                end = n if end < 0 else end
                out.append((text[start:stmt_start], text[stmt_start:end]))
                i = start = end
                stmt_start = None
                continue
        if text.startswith("--", i):
            i = text.find("\n", i) + 1 or n
        elif text.startswith("/*", i):
            i = block_comment_end(text, i)
        elif c == "'":
            i = text.index("'", i + 1) + 1
            while i < n and text[i] == "'":  # '' inside a literal
                i = text.index("'", i + 1) + 1
        elif c == '"':
            i = text.index('"', i + 1) + 1
        elif c == "$" and (m := re.match(r"\$[A-Za-z_]*\$", text[i:])):
            i = text.index(m[0], i + len(m[0])) + len(m[0])
        elif c == ";":
            out.append((text[start:stmt_start], text[stmt_start:i + 1]))
            i = start = i + 1
            stmt_start = None
        else:
            i += 1
    if stmt_start is not None:
        sys.exit(f"gen-sql: statement without ';': {text[stmt_start:stmt_start + 80]!r}")
    out.append((text[start:], ""))
    return out


def strip_comments(stmt: str) -> str:
    """Statement text without -- comments, whitespace collapsed (strings kept as they are)."""
    parts, i, n = [], 0, len(stmt)
    while i < n:
        c = stmt[i]
        if stmt.startswith("--", i):
            i = stmt.find("\n", i) + 1 or n
            parts.append(" ")
        elif stmt.startswith("/*", i):
            i = block_comment_end(stmt, i)
            parts.append(" ")
        elif c in "'\"":
            j = stmt.index(c, i + 1) + 1
            parts.append(stmt[i:j])
            i = j
        elif c == "$" and (m := re.match(r"\$[A-Za-z_]*\$", stmt[i:])):
            j = stmt.index(m[0], i + len(m[0])) + len(m[0])
            parts.append(stmt[i:j])
            i = j
        else:
            parts.append(" " if c.isspace() else c)
            i += 1
    text = re.sub(r"\s+", " ", "".join(parts)).strip()
    return re.sub(r"\s*([(),;=])\s*", r"\1", text)


TYPE_ALIASES = {
    "int": "integer", "int4": "integer", "int2": "smallint", "int8": "bigint",
    "float4": "real", "float8": "double precision", "bool": "boolean",
    "timestamp with time zone": "timestamptz", "timestamp without time zone": "timestamp",
    "varchar": "character varying", "decimal": "numeric",
}
MULTIWORD_TYPES = ("double precision", "timestamp with time zone", "timestamp without time zone",
                   "time with time zone", "time without time zone", "character varying",
                   "bit varying")


def split_top(text: str, sep: str = ",") -> list[str]:
    parts, depth, cur = [], 0, ""
    for c in text:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        if c == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += c
    if cur.strip():
        parts.append(cur)
    return parts


def norm_type(t: str) -> str:
    t = re.sub(r"\s+", " ", t.strip().lower()).replace("@extschema@.", "")
    arr = ""
    while t.endswith("[]"):
        arr, t = arr + "[]", t[:-2].strip()
    return TYPE_ALIASES.get(t, t) + arr


def arg_types(args: str, aggregate: bool = False) -> tuple[str, ...]:
    """Argument types of a CREATE FUNCTION / AGGREGATE / COMMENT ON signature: names, modes and
    defaults dropped, OUT arguments left out (they are not part of the identity)."""
    types = []
    args = re.sub(r"\bORDER BY\b", ",", args, flags=re.I) if aggregate else args
    for a in split_top(args):
        a = re.split(r"\s+DEFAULT\s+|\s*=\s*", a.strip(), maxsplit=1, flags=re.I)[0].strip()
        if not a or a == "*":
            continue
        words = a.split()
        mode = words[0].upper()
        if mode in ("IN", "OUT", "INOUT", "VARIADIC"):
            if mode == "OUT":
                continue
            a = " ".join(words[1:])
        low = a.lower()
        if not low.startswith(MULTIWORD_TYPES) and len(a.split(None, 1)) == 2 \
                and not re.match(r"^\w+\s*\(", a):
            a = a.split(None, 1)[1]  # "name type"
        types.append(norm_type(a))
    return tuple(types)


def paren_args(text: str, start: int) -> tuple[str, int]:
    """The text inside the parenthesis opening at or after start, and the index after it."""
    i = text.index("(", start)
    depth = 0
    for j in range(i, len(text)):
        depth += {"(": 1, ")": -1}.get(text[j], 0)
        if depth == 0:
            return text[i + 1:j], j + 1
    raise ValueError(text)


def identity(stmt: str) -> tuple:
    """What object a statement creates (or comments on), by kind and signature."""
    s = strip_comments(stmt)
    if s.startswith("\\"):
        return ("psql", s)
    m = re.match(r"CREATE (?:OR REPLACE )?(FUNCTION|AGGREGATE|PROCEDURE) ([\w@.]+)\(", s, re.I)
    if m:
        args, _ = paren_args(s, m.end() - 1)
        kind = m[1].lower()
        return (kind, m[2].replace("@extschema@.", ""), arg_types(args, kind == "aggregate"))
    m = re.match(r"CREATE TYPE ([\w@.]+)(.?)", s, re.I)
    if m:
        kind = "shell type" if m[2] == ";" else "type"
        return (kind, m[1].replace("@extschema@.", ""))
    m = re.match(r"CREATE CAST\((.+?) AS (.+?)\)", s, re.I)
    if m:
        return ("cast", norm_type(m[1]), norm_type(m[2]))
    m = re.match(r"CREATE OPERATOR CLASS ([\w@.]+) .*?USING (\w+)", s, re.I)
    if m:
        return ("operator class", m[1].replace("@extschema@.", ""), m[2].lower())
    m = re.match(r"CREATE OPERATOR FAMILY ([\w@.]+) USING (\w+)", s, re.I)
    if m:
        return ("operator family", m[1].replace("@extschema@.", ""), m[2].lower())
    m = re.match(r"CREATE OPERATOR ([\w@.]*?)([^\w\s(@.]+)\s*\((.*)\)", s, re.I)
    if m:
        opts = dict((k.strip().upper(), v.strip()) for k, _, v in
                    (o.partition("=") for o in split_top(m[3])))
        return ("operator", m[2], norm_type(opts.get("LEFTARG", "none")),
                norm_type(opts.get("RIGHTARG", "none")))
    m = re.match(r"COMMENT ON (AGGREGATE|FUNCTION|PROCEDURE) ([\w@.]+)\(", s, re.I)
    if m:
        args, _ = paren_args(s, m.end() - 1)
        return ("comment", m[1].lower(), m[2].replace("@extschema@.", ""),
                arg_types(args, m[1].upper() == "AGGREGATE"))
    m = re.match(r"COMMENT ON (.+?) IS ", s, re.I)
    if m:
        return ("comment", re.sub(r"\s+", " ", m[1].lower().replace("@extschema@.", "")))
    # Anything else (ALTER, GRANT, DO, SELECT): its text is its identity.
    return ("statement", s)


def same_definition(a: str, b: str) -> bool:
    """Two statements create the same object the same way (OR REPLACE and spacing aside)."""
    def norm(s: str) -> str:
        return re.sub(r"^CREATE OR REPLACE ", "CREATE ", strip_comments(s), flags=re.I)
    return norm(a) == norm(b)


def describe(key: tuple) -> str:
    parts = [key[0]] + [f"({', '.join(k)})" if isinstance(k, tuple) else str(k) for k in key[1:]]
    return " ".join(parts)


# --------------------------------------------------------------------------------------------
# Upgrade script
# --------------------------------------------------------------------------------------------
def trivia_paragraphs(trivia: str) -> list[str]:
    return [p.strip("\n") for p in re.split(r"\n\s*\n", trivia) if p.strip()]


def is_banner(paragraph: str) -> bool:
    return paragraph.startswith(RULE) or paragraph.splitlines()[0].startswith("-------")


def upgrade_script(old: str, new: str) -> str:
    released = {}
    for _, stmt in split_statements((SQL / "released" / f"csmetrics--{old}.sql").read_text()):
        if stmt:
            released[identity(stmt)] = stmt
    delta_path = SQL / "delta" / f"{old}--{new}.sql"
    delta_text = delta_path.read_text() if delta_path.exists() else ""
    delta = {identity(s): s for _, s in split_statements(delta_text) if s}

    errors, sections, defined = [], [], set()
    for family in FAMILIES:
        path = SQL / f"{family}.sql"
        text = path.read_text()
        if expand_templates(text) != text:
            errors.append(f"{path.relative_to(ROOT)}: generated blocks are stale")
        pieces = split_statements(text)
        out: list[str] = []
        pending_banner = None
        first = True
        kept = 0
        for trivia, stmt in pieces[:-1]:
            paragraphs = trivia_paragraphs(trivia)
            key = identity(stmt)
            defined.add(key)
            if first:
                # The family file's own header says what the family is: keep it for the
                # section even when its first statements are already released.
                header, paragraphs = (paragraphs[:1], paragraphs[1:]) \
                    if paragraphs and not is_banner(paragraphs[0]) else ([], paragraphs)
                out.extend(header)
                first = False
            if key in released:
                if not same_definition(stmt, released[key]):
                    if key not in delta:
                        errors.append(
                            f"{path.relative_to(ROOT)}: {describe(key)} differs from its {old} "
                            f"definition; an upgrade needs it in {delta_path.relative_to(ROOT)} "
                            f"(CREATE OR REPLACE / ALTER)")
                    elif not same_definition(delta[key], stmt):
                        errors.append(
                            f"{delta_path.relative_to(ROOT)}: {describe(key)} is not the same "
                            f"as in {path.relative_to(ROOT)}")
                # Dropped with its comments; a section banner waits for the section's first
                # new statement.
                banners = [p for p in paragraphs if is_banner(p)]
                if banners:
                    pending_banner = banners[-1]
                continue
            if pending_banner and not any(is_banner(p) for p in paragraphs):
                paragraphs.insert(0, pending_banner)
            pending_banner = None
            if out and (paragraphs or re.search(r"\n[ \t]*\n", trivia)):
                out.append("")
            if paragraphs:
                out.append("\n\n".join(paragraphs))
            out.append(stmt)
            kept += 1
        if kept:
            sections.append((family, "\n".join(out)))
    for key in released:
        if key not in defined and key[0] not in ("psql", "statement"):
            errors.append(f"{describe(key)}, created by {old}, is in no family file: released "
                          f"objects stay (a change is a CREATE OR REPLACE in the delta file)")
    for key in delta:
        if key not in released and key[0] != "statement":
            errors.append(f"{delta_path.relative_to(ROOT)}: {describe(key)} is not a {old} "
                          f"object; new objects come from the family files")
    if errors:
        sys.exit("gen-sql: " + "\n  ".join(["cannot generate the upgrade script:"] + errors))

    lines = [
        f"-- csmetrics {old} -> {new} (ALTER EXTENSION csmetrics UPDATE).",
        "-- GENERATED by scripts/gen-sql.py: do not edit. New objects come from the family files",
        f"-- (sql/*.sql) minus what sql/released/csmetrics--{old}.sql created; changes to {old} "
        "objects",
        f"-- from sql/delta/{old}--{new}.sql. Carries a {old} database to exactly what CREATE "
        "EXTENSION",
        f"-- csmetrics creates at {new}; tests/clients/test_upgrade.py compares the two catalogs.",
        "\\echo Use \"ALTER EXTENSION csmetrics UPDATE\" to load this file. \\quit",
        "",
    ]
    # The delta file's first paragraph describes the file itself and is not copied.
    delta_body = delta_text.strip("\n").split("\n\n", 1)[-1] if delta_text.startswith("--") \
        else delta_text
    if delta_body.strip():
        lines += [RULE, f"-- Changes to {old} objects (signatures unchanged), from "
                  f"sql/delta/{old}--{new}.sql", RULE, delta_body.strip("\n"), ""]
    for family, body in sections:
        lines += [RULE, f"-- New in {new}: the {family} family (sql/{family}.sql)", RULE,
                  body.strip("\n"), ""]
    return "\n".join(lines)


def versions() -> tuple[str, str]:
    new = re.search(r'^version = "([^"]+)"', (ROOT / "Cargo.toml").read_text(), re.M)[1]
    released = sorted((p.name[len("csmetrics--"):-len(".sql")]
                       for p in (SQL / "released").glob("csmetrics--*.sql")),
                      key=lambda v: tuple(int(x) for x in v.split(".")))
    return released[-1], new


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="change nothing; exit 1 if a generated file is not current")
    args = ap.parse_args()
    stale = []
    for family in FAMILIES:
        path = SQL / f"{family}.sql"
        text = path.read_text()
        want = expand_templates(text)
        if want != text:
            stale.append(path)
            if not args.check:
                path.write_text(want)
    old, new = versions()
    path = SQL / f"csmetrics--{old}--{new}.sql"
    want = upgrade_script(old, new)
    if not path.exists() or path.read_text() != want:
        stale.append(path)
        if not args.check:
            path.write_text(want)
    for p in stale:
        print(f"gen-sql: {p.relative_to(ROOT)} {'is stale' if args.check else 'regenerated'}",
              file=sys.stderr)
    if stale and args.check:
        print("gen-sql: run `make sql` (scripts/gen-sql.py) and commit the result",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
