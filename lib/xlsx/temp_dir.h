// TempDir: a new private directory with a unique name, removed with everything in it when its
// TempDir goes, whatever happened to the work done in it. Not thread-safe: one owner at a time.
#pragma once

#include <string>

#include "core/result.h"

namespace shopmcp::xlsx {

class TempDir {
 public:
  // Creates "<parent>/<prefix>XXXXXX" (mode 0700, unique); parent "" = $TMPDIR, else /tmp.
  // Fails with the reason, which names the parent (for the log).
  static core::Result<TempDir> create(const std::string& parent, const std::string& prefix);
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  void remove();
  std::string path_;  // "" once moved from
};

// The whole content of the file at `path`; fails with the reason (for the log).
core::Result<std::string> read_file(const std::string& path);

}  // namespace shopmcp::xlsx
