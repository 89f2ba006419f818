// Names the calling thread, so that `top -H`, `perf report --sort comm` and gdb show which
// camera, clock or publisher a busy thread is instead of a dozen threads called "node".
#pragma once

#include <string>

#if defined(__linux__)
#include <pthread.h>
#endif

namespace mosaic {

inline void NameThisThread(const std::string& name) {
#if defined(__linux__)
  // Linux keeps 15 bytes and a terminator; a longer name is refused, so it is cut.
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
#else
  (void)name;
#endif
}

// A thread starts with its creator's name. While one of these lives, the threads a library
// starts from this thread (x264's slice threads, in avcodec_open2) are named `name`; the
// thread's own name comes back after.
class ScopedThreadName {
 public:
  explicit ScopedThreadName(const std::string& name) {
#if defined(__linux__)
    pthread_getname_np(pthread_self(), previous_, sizeof previous_);
#endif
    NameThisThread(name);
  }
  ~ScopedThreadName() { NameThisThread(previous_); }
  ScopedThreadName(const ScopedThreadName&) = delete;
  ScopedThreadName& operator=(const ScopedThreadName&) = delete;

 private:
  char previous_[16] = {};
};

}  // namespace mosaic
