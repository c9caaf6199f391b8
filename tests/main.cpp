#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "log/log.h"

int main(int argc, char** argv) {
  // Tests assert on results, not log lines: keep the output to doctest's own.
  shopmcp::log::setup("off", "text");
  doctest::Context context(argc, argv);
  return context.run();
}
