// TempFile: a new empty file with a unique name, removed when its TempFile goes, whatever happened
// to the work done on it. Not thread-safe: one owner at a time.
#pragma once

#include <string>

#include "core/result.h"

namespace shopmcp::xlsx {

class TempFile {
 public:
  // Creates "<dir>/<prefix>XXXXXX<suffix>" (mode 0600, unique); dir "" = $TMPDIR, else /tmp.
  // Fails with the reason, which names the directory (for the log).
  static core::Result<TempFile> create(const std::string& dir, const std::string& prefix,
                                       const std::string& suffix);
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();

  const std::string& path() const { return path_; }
  // The file's whole content.
  core::Result<std::string> read() const;

 private:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  void remove();
  std::string path_;  // "" once moved from
};

}  // namespace shopmcp::xlsx
