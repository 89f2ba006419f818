// Camera URLs as the media threads need them: passwords masked for any text a user may see,
// and the demo: form turned into an FFmpeg lavfi graph.
#pragma once

#include <string>

namespace mosaic {

// rtsp://user:secret@host/x -> rtsp://user:***@host/x. Anything without credentials is unchanged.
std::string RedactUrl(const std::string& url);

// Replaces every occurrence of `secret` (if non-empty) in `text` with "***".
std::string RedactSecret(std::string text, const std::string& secret);

// The password part of a URL's userinfo, or "" when there is none.
std::string UrlPassword(const std::string& url);

// "demo:testsrc2?size=640x360&rate=25" -> "testsrc2=size=640x360:rate=25". Only FFmpeg's synthetic
// video sources are allowed and values are restricted to a safe alphabet, so a config file can
// never reach lavfi filters that read files (movie=, amovie=). Returns false with `error` set.
bool DemoUrlToLavfiGraph(const std::string& url, std::string* graph, std::string* error);

}  // namespace mosaic
