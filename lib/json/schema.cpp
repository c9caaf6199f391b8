#include "json/schema.h"

#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <sstream>
#include <string_view>
#include <vector>

#include "core/mutex.h"

#include "json/json.h"

namespace shopmcp::json {

struct Schema::Impl {
  rapidjson::Document doc;
  std::unique_ptr<rapidjson::SchemaDocument> compiled;
  // RapidJSON 1.1's compiled "pattern" regexes keep their match state in mutable members of the
  // shared schema (internal/regex.h, SearchWithAnchoring): two threads validating at once write
  // the same buffers and can crash. A schema with a pattern validates one call at a time.
  bool has_pattern = false;
  mutable core::Mutex pattern_mu;
};

namespace {

// Whether any (sub)schema has a "pattern" keyword; walks with an explicit stack.
bool has_pattern_keyword(const rapidjson::Value& root) {
  std::vector<const rapidjson::Value*> todo{&root};
  while (!todo.empty()) {
    const rapidjson::Value* v = todo.back();
    todo.pop_back();
    if (v->IsObject()) {
      for (const auto& m : v->GetObject()) {
        if (std::string_view(m.name.GetString()) == "pattern" && m.value.IsString()) return true;
        if (m.value.IsObject() || m.value.IsArray()) todo.push_back(&m.value);
      }
    } else if (v->IsArray()) {
      for (const auto& e : v->GetArray()) todo.push_back(&e);
    }
  }
  return false;
}

}  // namespace

Schema::Schema(const rapidjson::Value& schema) : impl_(std::make_unique<Impl>()) {
  impl_->doc.CopyFrom(schema, impl_->doc.GetAllocator());
  impl_->compiled = std::make_unique<rapidjson::SchemaDocument>(impl_->doc);
  impl_->has_pattern = has_pattern_keyword(impl_->doc);
}

Schema::~Schema() = default;

const rapidjson::Value& Schema::document() const { return impl_->doc; }

namespace {

std::string shown(const rapidjson::Value& v) {
  std::string s = to_string(v);
  if (s.size() > 60) s = core::utf8_clip(s, 57) + "...";
  return s;
}

std::string pointer_text(const rapidjson::Pointer& p) {
  std::string out;
  for (std::size_t i = 0; i < p.GetTokenCount(); ++i) {
    const auto& t = p.GetTokens()[i];
    if (!out.empty()) out += '.';
    out.append(t.name, t.length);
  }
  return out;
}

std::string list_of(const rapidjson::Value& arr) {
  std::string out;
  for (const auto& e : arr.GetArray()) {
    if (!out.empty()) out += ", ";
    out += e.IsString() ? std::string(e.GetString(), e.GetStringLength()) : to_string(e);
  }
  return out;
}

// The rule broken, from the failing keyword and the sub-schema that holds it.
std::string rule_text(const std::string& keyword, const rapidjson::Value& sub) {
  auto member = [&](const char* k) -> const rapidjson::Value* {
    if (!sub.IsObject()) return nullptr;
    auto it = sub.FindMember(k);
    return it == sub.MemberEnd() ? nullptr : &it->value;
  };
  std::ostringstream o;
  if (keyword == "type") {
    const rapidjson::Value* t = member("type");
    std::string want = t && t->IsString() ? t->GetString() : "of another type";
    if (want == "integer") return "must be an integer";
    if (want == "object" || want == "array") return "must be an " + want;
    if (want == "string" || want == "number" || want == "boolean") return "must be a " + want;
    return "must be " + want;
  }
  if (keyword == "minimum" || keyword == "maximum") {
    const rapidjson::Value* lo = member("minimum");
    const rapidjson::Value* hi = member("maximum");
    if (lo && hi) {
      o << "must be from " << to_string(*lo) << " to " << to_string(*hi);
    } else if (keyword == "minimum" && lo) {
      o << "must be at least " << to_string(*lo);
    } else if (hi) {
      o << "must be at most " << to_string(*hi);
    }
    return o.str();
  }
  if (keyword == "enum") {
    if (const rapidjson::Value* e = member("enum"); e && e->IsArray()) {
      return "must be one of: " + list_of(*e);
    }
  }
  if (keyword == "pattern" || keyword == "format") {
    if (const rapidjson::Value* f = member("format");
        f && f->IsString() && std::string(f->GetString()) == "date") {
      return "must be a date in YYYY-MM-DD format";
    }
    if (const rapidjson::Value* p = member("pattern"); p && p->IsString()) {
      return std::string("must match the pattern ") + p->GetString();
    }
  }
  if (keyword == "minLength") {
    if (const rapidjson::Value* n = member("minLength")) {
      return "must be at least " + to_string(*n) + " characters long";
    }
  }
  if (keyword == "maxLength") {
    if (const rapidjson::Value* n = member("maxLength")) {
      return "must be at most " + to_string(*n) + " characters long";
    }
  }
  return "breaks the schema rule '" + keyword + "'";
}

}  // namespace

core::Result<void> Schema::validate(const rapidjson::Value& instance) const {
  const rapidjson::Value& schema = impl_->doc;
  // Required and unknown properties first: RapidJSON 1.1 does not say which one failed.
  if (instance.IsObject() && schema.IsObject()) {
    auto props = schema.FindMember("properties");
    auto req = schema.FindMember("required");
    if (req != schema.MemberEnd() && req->value.IsArray()) {
      for (const auto& r : req->value.GetArray()) {
        if (r.IsString() && !instance.HasMember(r)) {
          return core::invalid_argument(std::string(r.GetString()) + ": is required");
        }
      }
    }
    auto extra = schema.FindMember("additionalProperties");
    if (props != schema.MemberEnd() && extra != schema.MemberEnd() && extra->value.IsFalse()) {
      for (const auto& m : instance.GetObject()) {
        if (!props->value.HasMember(m.name)) {
          std::string known;
          for (const auto& p : props->value.GetObject()) {
            if (!known.empty()) known += ", ";
            known += p.name.GetString();
          }
          return core::invalid_argument(std::string(m.name.GetString()) +
                                        ": unknown argument; allowed: " + known);
        }
      }
    }
  }
  rapidjson::SchemaValidator validator(*impl_->compiled);
  bool valid = false;
  if (impl_->has_pattern) {
    core::MutexLock l(&impl_->pattern_mu);
    valid = instance.Accept(validator);
  } else {
    valid = instance.Accept(validator);
  }
  if (valid) return {};

  const std::string keyword = validator.GetInvalidSchemaKeyword();
  const rapidjson::Pointer doc_ptr = validator.GetInvalidDocumentPointer();
  const rapidjson::Pointer schema_ptr = validator.GetInvalidSchemaPointer();
  std::string field = pointer_text(doc_ptr);
  const rapidjson::Value* sub = schema_ptr.Get(schema);
  const rapidjson::Value* got = doc_ptr.Get(instance);
  std::string msg = (field.empty() ? std::string("arguments") : field) + ": " +
                    rule_text(keyword, sub ? *sub : schema);
  if (got != nullptr && !got->IsObject()) msg += " (got " + shown(*got) + ")";
  return core::invalid_argument(msg);
}

}  // namespace shopmcp::json
