#include "xlsx/temp_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace shopmcp::xlsx {

core::Result<TempFile> TempFile::create(const std::string& dir, const std::string& prefix,
                                        const std::string& suffix) {
  std::string where = dir;
  if (where.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    where = tmpdir != nullptr && tmpdir[0] != '\0' ? tmpdir : "/tmp";
  }
  std::string pattern = where + "/" + prefix + "XXXXXX" + suffix;
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  const int fd = mkstemps(buf.data(), static_cast<int>(suffix.size()));
  if (fd < 0) {
    return core::internal("cannot create a temporary file in " + where + ": " +
                          std::strerror(errno));
  }
  close(fd);
  return TempFile(std::string(buf.data()));
}

TempFile::TempFile(TempFile&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

TempFile::~TempFile() { remove(); }

void TempFile::remove() {
  if (!path_.empty()) unlink(path_.c_str());
  path_.clear();
}

core::Result<std::string> TempFile::read() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return core::internal("cannot open " + path_ + ": " + std::strerror(errno));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return core::internal("cannot read " + path_);
  return data;
}

}  // namespace shopmcp::xlsx
