// servers/runtime/startup_message.cc
#include "startup_message.h"

#include <cstring>

namespace koios {

Status StartupBuilder::add_string(const char* s) {
  if (finished_) return Status::BadState;
  usize length = std::strlen(s) + 1;
  if (length > capacity_ - strings_size_ || strings_size_ + length > kMaxMessageBytes) return Status::OutOfRange;
  std::memcpy(buffer_ + strings_size_, s, length);
  strings_size_ += u32(length);
  return Status::Ok;
}

Status StartupBuilder::add_arg(const char* arg) {
  if (envc_ != 0 || has_cwd_) return Status::BadState;
  TRY(add_string(arg));
  ++argc_;
  return Status::Ok;
}

Status StartupBuilder::add_env(const char* env) {
  if (has_cwd_) return Status::BadState;
  TRY(add_string(env));
  ++envc_;
  return Status::Ok;
}

Status StartupBuilder::set_cwd(const char* cwd) {
  if (has_cwd_) return Status::BadState;
  if (cwd[0] != '/') return Status::InvalidArgs;
  TRY(add_string(cwd));
  has_cwd_ = true;
  return Status::Ok;
}

Status StartupBuilder::add_handle(Handle handle, StartupHandleKind kind, u32 arg) {
  if (finished_) return Status::BadState;
  if (handle_count_ == kStartupMaxHandles) return Status::NoResources;
  handles_[handle_count_] = handle;
  infos_[handle_count_] = StartupHandleInfo{kind, arg};
  ++handle_count_;
  return Status::Ok;
}

Result<u32> StartupBuilder::finish() {
  if (finished_) return Status::BadState;
  u32 info_offset = sizeof(StartupHeader);
  u32 strings_offset = info_offset + handle_count_ * u32(sizeof(StartupHandleInfo));
  u64 total = u64(strings_offset) + strings_size_;
  if (total > capacity_ || total > kMaxMessageBytes) return Status::OutOfRange;
  // The strings move up to make room for the header and the records (regions may overlap).
  std::memmove(buffer_ + strings_offset, buffer_, strings_size_);
  StartupHeader header{kStartupMagic, has_cwd_ ? kStartupVersionCwd : kStartupVersion,
                       argc_, envc_, handle_count_, info_offset, strings_offset, strings_size_};
  std::memcpy(buffer_, &header, sizeof header);
  std::memcpy(buffer_ + info_offset, infos_, handle_count_ * sizeof(StartupHandleInfo));
  finished_ = true;
  return u32(total);
}

Result<StartupMessage> StartupMessage::parse(const void* bytes, u32 num_bytes, u32 num_handles) {
  StartupMessage m;
  if (num_bytes < sizeof(StartupHeader)) return Status::BadFormat;
  std::memcpy(&m.header_, bytes, sizeof(StartupHeader));
  const StartupHeader& h = m.header_;
  if (h.magic != kStartupMagic || (h.version != kStartupVersion && h.version != kStartupVersionCwd) ||
      h.handle_count != num_handles)
    return Status::BadFormat;
  // 64-bit sums: no field can wrap the checks around.
  if (h.handle_info_offset % alignof(StartupHandleInfo) != 0 ||
      u64(h.handle_info_offset) + u64(h.handle_count) * sizeof(StartupHandleInfo) > num_bytes ||
      u64(h.strings_offset) + h.strings_size > num_bytes)
    return Status::BadFormat;
  m.bytes_ = static_cast<const u8*>(bytes);
  // Exactly argc + envc strings, the last ending at the end of the region.
  const u8* s = m.bytes_ + h.strings_offset;
  u64 nuls = 0;
  for (u32 i = 0; i < h.strings_size; ++i) nuls += s[i] == 0;
  u64 cwd = h.version == kStartupVersionCwd ? 1 : 0;
  if (nuls != u64(h.argc) + h.envc + cwd || (h.strings_size != 0 && s[h.strings_size - 1] != 0)) return Status::BadFormat;
  if (cwd != 0 && m.cwd()[0] != '/') return Status::BadFormat;
  return m;
}

StartupHandleInfo StartupMessage::handle_info(u32 i) const {
  StartupHandleInfo info;
  std::memcpy(&info, bytes_ + header_.handle_info_offset + i * sizeof(StartupHandleInfo), sizeof info);
  return info;
}

void StartupMessage::strings(const char** out) const {
  const char* s = reinterpret_cast<const char*>(bytes_ + header_.strings_offset);
  for (u32 i = 0; i < header_.argc + header_.envc; ++i) {
    out[i] = s;
    s += std::strlen(s) + 1;
  }
}

}  // namespace koios

namespace koios {

const char* StartupMessage::cwd() const {
  if (header_.version != kStartupVersionCwd) return nullptr;
  // The last string: back from the final NUL to the one before it (or the region's start).
  const char* s = reinterpret_cast<const char*>(bytes_ + header_.strings_offset);
  u32 i = header_.strings_size - 1;
  while (i > 0 && s[i - 1] != 0) --i;
  return s + i;
}

}  // namespace koios
