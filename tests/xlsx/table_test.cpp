#include "xlsx/table.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "xlsx/scratch_dir.h"
#include "xlsx/temp_dir.h"

namespace fs = std::filesystem;
using shopmcp::testing::ScratchDir;
using shopmcp::xlsx::display_width;
using shopmcp::xlsx::Kind;
using shopmcp::xlsx::read_file;
using shopmcp::xlsx::Table;
using shopmcp::xlsx::TempDir;
using shopmcp::xlsx::write_table;

namespace {

Table sample() {
  Table t{"訂單",
          {{"交易ID", Kind::kText},
           {"數量", Kind::kInteger},
           {"總金額", Kind::kMoney},
           {"訂單日期", Kind::kDateTime}},
          {}};
  t.rows.push_back({std::string("TXN000001"), 2.0, 31.0, std::string("2025-12-31 23:59:59")});
  t.rows.push_back({std::string("TXN000002"), 5.0, 1234567.5, std::string("not a date")});
  return t;
}

}  // namespace

TEST_SUITE("xlsx.table") {
  TEST_CASE("display width counts East Asian wide characters as two") {
    CHECK(display_width("") == 0);
    CHECK(display_width("TXN000001") == 9);
    CHECK(display_width("訂單") == 4);
    CHECK(display_width("陳大明 A") == 8);
    CHECK(display_width("可口可樂 Coke") == 13);
    CHECK(display_width("ＡＢ") == 4);  // full-width forms
    CHECK(display_width("😀") == 2);
    CHECK(display_width("é") == 1);
  }

  TEST_CASE("a table becomes an .xlsx (zip) with its sheet, and no temporaries are left") {
    ScratchDir dir;
    const std::string path = dir.path() + "/orders.xlsx";
    REQUIRE(write_table(sample(), path, dir.path()).has_value());
    auto bytes = read_file(path);
    REQUIRE(bytes.has_value());
    CHECK(bytes->size() > 1000);
    CHECK(bytes->rfind("PK\x03\x04", 0) == 0);
    for (const char* part : {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"}) {
      CHECK_MESSAGE(bytes->find(part) != std::string::npos, part);
    }
    CHECK(dir.entries() == 1);  // only the workbook: libxlsxwriter removed its own files
    CHECK_FALSE(read_file(dir.path() + "/none.xlsx").has_value());
  }

  TEST_CASE("workbooks written from several threads at once are all whole") {
    // libxlsxwriter is not reentrant (gmtime, rand); TSan reports a race here unless write_table
    // serializes it.
    ScratchDir dir;
    std::vector<std::string> results(4);
    {
      std::vector<std::jthread> threads;
      for (std::size_t i = 0; i < results.size(); ++i) {
        threads.emplace_back([&, i] {
          Table t = sample();
          for (int r = 0; r < 200; ++r) t.rows.push_back(t.rows[r % 2]);
          const std::string path = dir.path() + "/" + std::to_string(i) + ".xlsx";
          auto ok = write_table(t, path, dir.path());
          auto bytes = read_file(path);
          results[i] = ok && bytes ? *bytes : std::string();
        });
      }
    }
    for (const std::string& r : results) {
      CHECK(r.rfind("PK\x03\x04", 0) == 0);
      CHECK(r.find("xl/worksheets/sheet1.xml") != std::string::npos);
    }
    CHECK(dir.entries() == results.size());
  }

  TEST_CASE("Excel's limits are errors, not broken files") {
    ScratchDir dir;
    const std::string path = dir.path() + "/x.xlsx";
    Table bad_name = sample();
    bad_name.sheet_name = "a/b";
    auto r = write_table(bad_name, path, dir.path());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("worksheet name") != std::string::npos);

    Table long_cell = sample();
    long_cell.rows[0][0] = std::string(32768, 'x');
    r = write_table(long_cell, path, dir.path());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("row 1, column 交易ID") != std::string::npos);
    CHECK_FALSE(fs::exists(path));  // nothing half-written

    CHECK_FALSE(write_table(sample(), dir.path() + "/missing/x.xlsx", dir.path()).has_value());
  }

  TEST_CASE("a TempDir is unique, private, and removed with all it holds, once") {
    ScratchDir parent;
    std::string kept;
    {
      auto a = TempDir::create(parent.path(), "shop-export-");
      auto b = TempDir::create(parent.path(), "shop-export-");
      REQUIRE(a.has_value());
      REQUIRE(b.has_value());
      CHECK(a->path() != b->path());
      CHECK(fs::path(a->path()).parent_path() == fs::path(parent.path()));
      CHECK(fs::path(a->path()).filename().string().rfind("shop-export-", 0) == 0);
      CHECK((fs::status(a->path()).permissions() & fs::perms::all) == fs::perms::owner_all);
      REQUIRE(write_table(sample(), a->path() + "/x.xlsx", a->path()).has_value());
      fs::create_directory(a->path() + "/sub");
      CHECK(parent.entries() == 2);
      TempDir moved = std::move(*a);
      kept = moved.path();
      CHECK(a->path().empty());
      CHECK(fs::exists(kept + "/x.xlsx"));
    }
    CHECK_FALSE(fs::exists(kept));
    CHECK(parent.entries() == 0);
    auto missing = TempDir::create(parent.path() + "/nope", "x-");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().message.find(parent.path() + "/nope") != std::string::npos);
  }
}
