"""Reads one received message (.eml) with an .xlsx attachment and prints what the test checks, as
JSON: headers (the subject decoded), the MIME structure, the text body, the attachment, and the
worksheet read from the zip with the standard library only (sharedStrings.xml, sheet1.xml,
styles.xml): every row's values (dates as "YYYY-MM-DD HH:MM:SS"), per column the cell types, number
formats and width, the header row's styles and the frozen pane.

Run with /usr/bin/python3:  inspect_mail.py MESSAGE.eml [--max-rows N]
"""

import argparse
import datetime
import email
import email.header
import email.policy
import io
import json
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET
import zipfile

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
# Excel's built-in number formats that are dates or times.
BUILTIN_DATES = set(range(14, 23)) | {45, 46, 47}
BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00"}


def is_date_format(code):
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)  # quoted text, colours, escapes
    return bool(re.search(r"[ydhs]", code, re.I)) or bool(re.search(r"m", code, re.I))


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def display_width(s):
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)


def excel_date(serial):
    t = datetime.datetime(1899, 12, 30) + datetime.timedelta(days=serial)
    t = (t + datetime.timedelta(microseconds=500_000)).replace(microsecond=0)
    return t.strftime("%Y-%m-%d %H:%M:%S")


def read_styles(z):
    root = ET.fromstring(z.read("xl/styles.xml"))
    formats = dict(BUILTIN_FORMATS)
    for nf in root.findall("m:numFmts/m:numFmt", NS):
        formats[int(nf.get("numFmtId"))] = nf.get("formatCode")
    fonts = [f.find("m:b", NS) is not None for f in root.findall("m:fonts/m:font", NS)]
    fills = []
    for f in root.findall("m:fills/m:fill", NS):
        pf = f.find("m:patternFill", NS)
        fills.append(pf is not None and pf.get("patternType") == "solid")
    xfs = []
    for xf in root.findall("m:cellXfs/m:xf", NS):
        num_id = int(xf.get("numFmtId", "0"))
        code = formats.get(num_id, f"builtin {num_id}")
        xfs.append({
            "bold": fonts[int(xf.get("fontId", "0"))],
            "fill": fills[int(xf.get("fillId", "0"))],
            "numfmt": code,
            "date": num_id in BUILTIN_DATES or (num_id >= 164 and is_date_format(code)),
        })
    return xfs


def read_sheet(data, max_rows):
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
    styles = read_styles(z)
    workbook = ET.fromstring(z.read("xl/workbook.xml"))
    sheets = workbook.findall("m:sheets/m:sheet", NS)
    root = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))

    pane = root.find("m:sheetViews/m:sheetView/m:pane", NS)
    widths = {}
    for c in root.findall("m:cols/m:col", NS):
        for i in range(int(c.get("min")) - 1, int(c.get("max"))):
            widths[i] = float(c.get("width"))

    rows, header_styles, columns = [], [], {}
    for r in root.findall("m:sheetData/m:row", NS):
        index = int(r.get("r")) - 1
        values = []
        for c in r.findall("m:c", NS):
            col = col_index(c.get("r"))
            while len(values) < col:
                values.append(None)
            t = c.get("t", "n")
            style = styles[int(c.get("s", "0"))]
            v = c.find("m:v", NS)
            if t == "s":
                value = shared[int(v.text)]
            elif t == "inlineStr":
                value = "".join(x.text or "" for x in c.iter(f"{{{NS['m']}}}t"))
            elif t == "n":
                num = float(v.text)
                value = excel_date(num) if style["date"] else (int(num) if num.is_integer() else num)
            else:
                value = v.text if v is not None else None
            values.append(value)
            if index == 0:
                header_styles.append(style)
            else:
                info = columns.setdefault(col, {"types": set(), "numfmts": set(), "dates": set(),
                                                "max_width": 0})
                info["types"].add(t)
                info["numfmts"].add(style["numfmt"])
                info["dates"].add(style["date"])
                shown = value if isinstance(value, str) else (
                    f"{value:,.2f}" if "0.00" in style["numfmt"] else str(value))
                info["max_width"] = max(info["max_width"], display_width(shown))
        if index == 0 or len(rows) <= max_rows:
            rows.append(values)
    row_count = len(root.findall("m:sheetData/m:row", NS)) - 1
    header = rows[0] if rows else []
    return {
        "name": sheets[0].get("name") if sheets else None,
        "sheets": len(sheets),
        "header": header,
        "header_styles": header_styles,
        "pane": dict(pane.attrib) if pane is not None else None,
        "row_count": row_count,
        "rows": rows[1:],
        "columns": [{
            "header": header[i] if i < len(header) else None,
            "width": widths.get(i),
            "header_width": display_width(header[i]) if i < len(header) else 0,
            "types": sorted(columns.get(i, {}).get("types", [])),
            "numfmts": sorted(columns.get(i, {}).get("numfmts", [])),
            "dates": sorted(columns.get(i, {}).get("dates", [])),
            "max_width": columns.get(i, {}).get("max_width", 0),
        } for i in range(len(header))],
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("eml")
    p.add_argument("--max-rows", type=int, default=1_000_000)
    a = p.parse_args()
    raw = open(a.eml, "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    lines = raw.split(b"\r\n")
    out = {
        "bytes": len(raw),
        "bare_lf": raw.replace(b"\r\n", b"").count(b"\n"),
        "max_line": max(len(x) for x in lines),
        "from": str(msg["From"]),
        "to": str(msg["To"]),
        "subject_raw": re.search(rb"\r\nSubject: (.*?)\r\n(?![ \t])", raw, re.S).group(1)
        .decode("ascii", "replace"),
        "subject": str(email.header.make_header(email.header.decode_header(
            email.message_from_bytes(raw)["Subject"]))),
        "date": str(msg["Date"]),
        "date_parsed": msg["Date"].datetime.isoformat() if msg["Date"] else None,
        "message_id": str(msg["Message-ID"]),
        "mime_version": str(msg["MIME-Version"]),
        "content_type": msg.get_content_type(),
        "parts": [part.get_content_type() for part in msg.iter_parts()],
        "defects": [str(d) for d in msg.defects],
    }
    text = next(p for p in msg.iter_parts() if p.get_content_type() == "text/plain")
    out["text_charset"] = text.get_content_charset()
    out["text_cte"] = text["Content-Transfer-Encoding"]
    out["text"] = text.get_content()
    att = next(p for p in msg.iter_parts() if p.get_content_disposition() == "attachment")
    data = att.get_payload(decode=True)
    body_lines = att.get_payload(decode=False).strip().split("\n")
    out["attachment"] = {
        "filename": att.get_filename(),
        "content_type": att.get_content_type(),
        "cte": att["Content-Transfer-Encoding"],
        "size": len(data),
        "base64_line_lengths": sorted({len(x.rstrip("\r")) for x in body_lines[:-1]}),
        "base64_last_line": len(body_lines[-1].rstrip("\r")),
    }
    out["sheet"] = read_sheet(data, a.max_rows)
    json.dump(out, sys.stdout, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
