#include "url_text.h"

#include <set>

namespace mosaic {
namespace {

// [scheme://][userinfo@]host...: the userinfo ends at the last '@' before the first '/' after
// the scheme, so passwords that contain '@' are still masked whole.
bool FindUserinfo(const std::string& url, size_t* begin, size_t* end) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return false;
  const size_t authority = scheme + 3;
  size_t path = url.find('/', authority);
  if (path == std::string::npos) path = url.size();
  const size_t at = url.rfind('@', path);
  if (at == std::string::npos || at < authority) return false;
  *begin = authority;
  *end = at;
  return true;
}

bool IsSafeValue(const std::string& value) {
  if (value.empty() || value.size() > 64) return false;
  for (char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '#';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string RedactUrl(const std::string& url) {
  size_t begin = 0, end = 0;
  if (!FindUserinfo(url, &begin, &end)) return url;
  const size_t colon = url.find(':', begin);
  if (colon == std::string::npos || colon > end) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(end);
}

std::string UrlPassword(const std::string& url) {
  size_t begin = 0, end = 0;
  if (!FindUserinfo(url, &begin, &end)) return "";
  const size_t colon = url.find(':', begin);
  if (colon == std::string::npos || colon > end) return "";
  return url.substr(colon + 1, end - colon - 1);
}

std::string RedactSecret(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

bool DemoUrlToLavfiGraph(const std::string& url, std::string* graph, std::string* error) {
  static const std::set<std::string> kSources = {
      "testsrc", "testsrc2", "smptebars", "smptehdbars", "rgbtestsrc", "yuvtestsrc", "color",
      "mandelbrot", "life", "cellauto", "pal75bars", "pal100bars", "allrgb", "allyuv"};
  static const std::set<std::string> kOptions = {"size", "s", "rate", "r", "color", "c",
                                                 "duration", "d", "decimals", "alpha"};
  const std::string prefix = "demo:";
  if (url.compare(0, prefix.size(), prefix) != 0) {
    *error = "not a demo: URL";
    return false;
  }
  const std::string rest = url.substr(prefix.size());
  const size_t question = rest.find('?');
  const std::string source = rest.substr(0, question);
  if (kSources.count(source) == 0) {
    *error = "unknown demo source \"" + source + "\" (use testsrc2, smptebars, color, ...)";
    return false;
  }
  std::string options;
  if (question != std::string::npos) {
    const std::string query = rest.substr(question + 1);
    size_t start = 0;
    while (start <= query.size()) {
      size_t amp = query.find('&', start);
      if (amp == std::string::npos) amp = query.size();
      const std::string pair = query.substr(start, amp - start);
      start = amp + 1;
      if (pair.empty()) continue;
      const size_t eq = pair.find('=');
      const std::string key = pair.substr(0, eq);
      const std::string value = eq == std::string::npos ? "" : pair.substr(eq + 1);
      if (kOptions.count(key) == 0) {
        *error = "unknown demo option \"" + key + "\"";
        return false;
      }
      if (!IsSafeValue(value)) {
        *error = "demo option \"" + key + "\" needs a plain value";
        return false;
      }
      options += (options.empty() ? "" : ":") + key + "=" + value;
    }
  }
  *graph = options.empty() ? source : source + "=" + options;
  return true;
}

}  // namespace mosaic
