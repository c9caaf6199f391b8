// Reading rendered mail back, for the fuzz targets that check it (fuzz_mime, fuzz_tool_args):
// splitting, RFC 2047 B-words and header fields. Thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "fuzz_support.h"

namespace shopmcp::fuzz {

inline constexpr std::string_view kWordOpen = "=?UTF-8?B?";

inline std::vector<std::string> split(std::string_view s, std::string_view sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (auto p = s.find(sep); p != std::string_view::npos; p = s.find(sep, start)) {
    out.emplace_back(s.substr(start, p - start));
    start = p + sep.size();
  }
  out.emplace_back(s.substr(start));
  return out;
}

// Reads RFC 2047 B-words ("=?UTF-8?B?...?="), folded with "\r\n " between them, back to text,
// checking every word: its syntax, whole UTF-8 characters when `whole_chars`, and base64 that
// decodes. The value may start with a fold (no room for a word after the field's name).
inline std::string decode_words(std::string_view value, bool whole_chars) {
  std::string out;
  const std::vector<std::string> lines = split(value, "\r\n");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string word = lines[i];
    if (i == 0 && word.empty() && lines.size() > 1) continue;
    if (i > 0) {  // a folded line: the space is folding white space, not part of a word
      MCP_FUZZ_CHECK_MSG(!word.empty() && word[0] == ' ', printable(value));
      word.erase(0, 1);
    }
    MCP_FUZZ_CHECK_MSG(word.size() >= kWordOpen.size() + 2 && word.rfind(kWordOpen, 0) == 0 &&
                           word.compare(word.size() - 2, 2, "?=") == 0,
                       "word: " + printable(word));
    auto bytes = core::base64_decode(
        std::string_view(word).substr(kWordOpen.size(), word.size() - kWordOpen.size() - 2));
    MCP_FUZZ_CHECK_MSG(bytes.has_value(), "word: " + printable(word));
    if (whole_chars) MCP_FUZZ_CHECK_MSG(core::is_valid_utf8(*bytes), "word: " + printable(word));
    out += *bytes;
  }
  return out;
}

// Header fields (unfolded only as far as splitting: a field keeps its "\r\n " folds) in order.
struct Field {
  std::string name;
  std::string value;
};
inline std::vector<Field> fields(std::string_view head, const std::string& where) {
  std::vector<Field> out;
  for (const std::string& line : split(head, "\r\n")) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      MCP_FUZZ_CHECK_MSG(!out.empty(), where);
      out.back().value += "\r\n" + line;
      continue;
    }
    const auto colon = line.find(':');
    MCP_FUZZ_CHECK_MSG(colon != std::string::npos && is_token(line.substr(0, colon)),
                       "header line: " + printable(line) + "\n  " + where);
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    out.push_back(Field{line.substr(0, colon), value});
  }
  return out;
}

}  // namespace shopmcp::fuzz
