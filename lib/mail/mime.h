// MIME: one outgoing e-mail rendered for SMTP DATA (RFC 5322 headers, RFC 2045-2047 encodings,
// RFC 2231 file names): multipart/mixed with a UTF-8 text part and base64 attachments.
// Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace shopmcp::mail {

struct Attachment {
  std::string filename;      // UTF-8, no path or quotes; non-ASCII is encoded (RFC 2231, 2047)
  std::string content_type;  // e.g. "application/pdf"
  std::string data;          // the file's bytes
};

struct Message {
  std::string from;     // addr-spec (valid_address)
  std::string to;       // addr-spec (valid_address)
  std::string subject;  // UTF-8, one line
  std::string text;     // UTF-8 body, any line endings
  std::vector<Attachment> attachments;
};

// What differs between two renderings of the same message; tests fix both.
struct Stamp {
  std::int64_t date_unix = 0;  // the Date header
  std::string token;           // [0-9a-z] only: makes the boundary and Message-ID unique
};

// An address the shop sends from or to: a plain addr-spec "local@domain" in ASCII (dot-atom local
// part, a domain of at least two letter/digit/hyphen labels), at most 254 characters, with no
// spaces, quotes, angle brackets, control characters (CR, LF) or display name.
bool valid_address(std::string_view address);

// Header text for an unstructured field (Subject): printable ASCII stays as it is; anything else
// becomes RFC 2047 "B" encoded-words in UTF-8, each on its own folded line ("\r\n ") of at most
// 76 characters, never splitting a UTF-8 character (a word holds at least 6 bytes; when `used`
// leaves no room for one, the text starts with a fold). `used` = characters already on the first
// line ("Subject: " is 9).
std::string encode_header_text(std::string_view utf8, std::size_t used);

// RFC 5322 date-time in UTC: "Thu, 01 Jan 2026 00:00:00 +0000".
std::string rfc5322_date(std::int64_t unix_seconds);

// The whole message with CRLF line endings, ready for SMTP DATA: From, To, Subject, Date,
// Message-ID, MIME-Version and a multipart/mixed body (the text as base64 UTF-8, then each
// attachment as base64 in 76-character lines). Fails with invalid_argument, naming the field,
// when an address is not valid_address, the subject holds a control character (CR and LF
// included) or a file name is empty or holds one of / \ " or a control character: nothing given
// can add a header or a part.
core::Result<std::string> render(const Message& m, const Stamp& stamp);

}  // namespace shopmcp::mail
