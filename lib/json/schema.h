// Schema: a JSON Schema (draft-04 subset RapidJSON implements) compiled once and used to validate
// arguments, with errors phrased for a person or a model: "limit: must be at most 100 (got 500)".
// Thread-safe after construction (validation uses a per-call validator; a schema with a
// "pattern" validates one call at a time, see schema.cpp).
#pragma once

#include <memory>
#include <string>

#include <rapidjson/document.h>

#include "core/result.h"

namespace shopmcp::json {

class Schema {
 public:
  // `schema` must be an object schema; it is copied.
  explicit Schema(const rapidjson::Value& schema);
  ~Schema();
  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

  // Ok, or an invalid_argument error naming the field and the rule it breaks. Unknown
  // properties are refused when the schema says additionalProperties: false.
  core::Result<void> validate(const rapidjson::Value& instance) const;

  const rapidjson::Value& document() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shopmcp::json
