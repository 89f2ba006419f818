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

}  // namespace mosaic
