// kernel/lib/log.h: the kernel log. Each line is stamped with guest time since reset, a level and
// the hart that wrote it: "[    0.001234] I hart2: text". Lines from different harts never mix.
#pragma once

#include <cstdarg>

#include "koios/types.h"

namespace kernel {

enum class LogLevel : char { Debug = 'D', Info = 'I', Warning = 'W', Error = 'E' };

void log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
// Unstamped output, for the console monitor and for results parsed by tests (BENCH lines).
void print(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vprint(const char* fmt, va_list args);

#define LOG_DEBUG(...) ::kernel::log(::kernel::LogLevel::Debug, __VA_ARGS__)
#define LOG_INFO(...) ::kernel::log(::kernel::LogLevel::Info, __VA_ARGS__)
#define LOG_WARN(...) ::kernel::log(::kernel::LogLevel::Warning, __VA_ARGS__)
#define LOG_ERROR(...) ::kernel::log(::kernel::LogLevel::Error, __VA_ARGS__)

}  // namespace kernel
