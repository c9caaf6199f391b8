// The mail options of Config (send_excel_email's SMTP server, credentials, sender, timeouts).
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <string>

#include "config/config.h"
#include "config/parse_with.h"
#include "xlsx/scratch_dir.h"

namespace {

using shopmcp::testing::parse_with;

std::string error_of(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  auto c = parse_with(std::move(args), std::move(env));
  REQUIRE_FALSE(c.has_value());
  return c.error().message;
}

}  // namespace

TEST_SUITE("config.mail") {
  TEST_CASE("mail is off by default, with 60 s and 10 s timeouts") {
    auto c = parse_with({}, {});
    REQUIRE(c.has_value());
    CHECK(c->smtp_url.empty());
    CHECK(c->mail_from.empty());
    CHECK(c->smtp_user.empty());
    CHECK(c->smtp_password.empty());
    CHECK(c->smtp_timeout == 40);
    CHECK(c->smtp_connect_timeout == 10);
  }

  TEST_CASE("SMTP settings come from the environment or flags, the password from its file") {
    shopmcp::testing::ScratchDir dir;
    const std::string pw_file = dir.path() + "/pw";
    std::ofstream(pw_file) << "s3cret pass\n";
    auto c = parse_with({"--smtp-timeout", "5", "--mail-from", "shop@example.com"},
                        {{"SHOP_MCP_SMTP_URL", "smtp://email-smtp.ap-east-1.amazonaws.com:587"},
                         {"SHOP_MCP_SMTP_USER", "AKIAEXAMPLE"},
                         {"SHOP_MCP_SMTP_PASSWORD_FILE", pw_file},
                         {"SHOP_MCP_MAIL_FROM", "other@example.com"},
                         {"SHOP_MCP_SMTP_CONNECT_TIMEOUT", "3"}});
    REQUIRE(c.has_value());
    CHECK(c->smtp_url == "smtp://email-smtp.ap-east-1.amazonaws.com:587");
    CHECK(c->smtp_user == "AKIAEXAMPLE");
    CHECK(c->smtp_password == "s3cret pass");
    CHECK(c->mail_from == "shop@example.com");  // the flag wins
    CHECK(c->smtp_timeout == 5);
    CHECK(c->smtp_connect_timeout == 3);
    CHECK(parse_with({"--smtp-url=smtps://mail.example.com"}, {})->smtp_url ==
          "smtps://mail.example.com");
  }

  TEST_CASE("bad mail settings name the option and the rule") {
    CHECK(error_of({"--smtp-url", "http://mail.example.com"})
              .rfind("--smtp-url: must be smtp://", 0) == 0);
    CHECK(error_of({"--smtp-url", "smtp://"}).rfind("--smtp-url: must be smtp://", 0) == 0);
    for (const char* url : {"smtp://user:pw@mail.example.com", "http://user:pw@mail.example.com",
                            "user:pw@mail.example.com:25"}) {
      const std::string e = error_of({"--smtp-url", url});
      CHECK_MESSAGE(e.find("must not hold credentials; use --smtp-user and --smtp-password-file") !=
                        std::string::npos,
                    e);
      CHECK_MESSAGE(e.find("pw") == std::string::npos, e);  // never echoed
    }
    CHECK(error_of({"--smtp-url", "mail.example.com:25"}).rfind("--smtp-url: must be smtp://", 0) ==
          0);
    CHECK(error_of({}, {{"SHOP_MCP_SMTP_URL", "smtp://mail.example.com\r\nX"}})
              .rfind("SHOP_MCP_SMTP_URL: must be smtp://", 0) == 0);
    CHECK(error_of({"--mail-from", "shop"}).rfind("--mail-from: must be an e-mail address", 0) ==
          0);
    CHECK(error_of({"--mail-from", "Shop <shop@example.com>"}).rfind("--mail-from:", 0) == 0);
    CHECK(error_of({"--smtp-timeout", "0"}).find("from 1 to 3600") != std::string::npos);
    CHECK(error_of({"--smtp-connect-timeout", "601"}).find("from 1 to 600") != std::string::npos);
    CHECK(error_of({"--smtp-password-file", "/nonexistent/pw"})
              .rfind("--smtp-password-file: cannot read", 0) == 0);
    CHECK(error_of({"--smtp-user", "me"}).find("go together") != std::string::npos);

    shopmcp::testing::ScratchDir dir;
    const std::string two_lines = dir.path() + "/two";
    std::ofstream(two_lines) << "one\ntwo\n";
    CHECK(error_of({"--smtp-user", "me", "--smtp-password-file", two_lines})
              .find("alone on one line") != std::string::npos);
    const std::string empty = dir.path() + "/empty";
    std::ofstream(empty) << "";
    CHECK(
        error_of({"--smtp-user", "me", "--smtp-password-file", empty}).find("alone on one line") !=
        std::string::npos);
    const std::string pw = dir.path() + "/pw";
    std::ofstream(pw) << "x\n";
    CHECK(error_of({"--smtp-password-file", pw}).find("go together") != std::string::npos);
  }

  TEST_CASE("--help lists every mail option with its environment variable") {
    const std::string help = shopmcp::config::help_text();
    for (const char* s : {"--smtp-url", "SHOP_MCP_SMTP_URL", "--smtp-user", "SHOP_MCP_SMTP_USER",
                          "--smtp-password-file", "SHOP_MCP_SMTP_PASSWORD_FILE", "--mail-from",
                          "SHOP_MCP_MAIL_FROM", "--smtp-timeout", "--smtp-connect-timeout"}) {
      CHECK_MESSAGE(help.find(s) != std::string::npos, s);
    }
  }
}
