// servers/mountsrv/handlers.cc: one function per request of servers/proto/fs.h. dispatch() checks
// what every request must be (the right size, no handles, sent to the right kind of channel)
// before a handler sees it; a handler answers into the reply buffer and never blocks.
#include <cstring>

#include "servers/mountsrv/server.h"
#include "syscalls.h"

namespace mountsrv {
namespace {

namespace fsp = proto::fs;
using fsp::Op;

template <typename Reply>
Reply& start(uint8_t* reply, Answer& a) {
  static_assert(sizeof(Reply) <= Server::kMaxReply && offsetof(Reply, error) == 8);
  a.bytes = sizeof(Reply);
  return *reinterpret_cast<Reply*>(reply);   // the buffer is zeroed and carries the header already
}

void set_error(uint8_t* reply, Errno e) {
  int32_t v = ns::errno_value(e);
  std::memcpy(reply + sizeof(koios::MessageHeader), &v, sizeof v);
}

// A new channel pair: one end becomes a connection of the server, the other goes to the client.
Result<koios::Handle> new_channel(Server& s, ConnKind kind, const Context& ctx, OpenFile* file) {
  koios::Handle mine = koios::kInvalidHandle, theirs = koios::kInvalidHandle;
  if (koios::channel_create(0, &mine, &theirs) != koios::Status::Ok) return Errno::NoMem;
  Status added = s.add(mine, kind, ctx, file);   // closes `mine` on failure
  if (!added.ok()) {
    (void)koios::handle_close(theirs);
    return added.error();
  }
  return theirs;
}

Answer open(Server& s, Connection& c, const fsp::OpenRequest& rq, uint8_t* reply) {
  Answer a;
  auto& rp = start<fsp::OpenReply>(reply, a);
  auto f = s.vfs().open(c.ctx, rq.path.bytes, rq.path.length, rq.flags);
  if (!f.ok()) { rp.error = f.error(); return a; }
  rp.stat = s.vfs().fstat(*f.value());
  auto ch = new_channel(s, ConnKind::File, c.ctx, f.value());   // the connection owns the file now
  if (!ch.ok()) { rp.error = ch.error(); return a; }
  a.handle = ch.value();
  return a;
}

Answer clone(Server& s, Connection& c, uint8_t* reply) {
  Answer a;
  auto& rp = start<fsp::Reply>(reply, a);
  auto ch = new_channel(s, ConnKind::Dir, c.ctx, nullptr);
  if (!ch.ok()) rp.error = ch.error();
  else a.handle = ch.value();
  return a;
}

Answer stat(Server& s, Connection& c, const fsp::PathRequest& rq, uint8_t* reply) {
  Answer a;
  auto& rp = start<fsp::StatReply>(reply, a);
  auto st = s.vfs().stat(c.ctx, rq.path.bytes, rq.path.length);
  if (st.ok()) rp.stat = st.value();
  else rp.error = st.error();
  return a;
}

Answer mkdir(Server& s, Connection& c, const fsp::MkdirRequest& rq, uint8_t* reply) {
  Answer a;
  start<fsp::Reply>(reply, a).error = s.vfs().mkdir(c.ctx, rq.path.bytes, rq.path.length).error();
  return a;
}

Answer unlink(Server& s, Connection& c, const fsp::PathRequest& rq, uint8_t* reply) {
  Answer a;
  start<fsp::Reply>(reply, a).error = s.vfs().unlink(c.ctx, rq.path.bytes, rq.path.length).error();
  return a;
}

Answer rmdir(Server& s, Connection& c, const fsp::PathRequest& rq, uint8_t* reply) {
  Answer a;
  start<fsp::Reply>(reply, a).error = s.vfs().rmdir(c.ctx, rq.path.bytes, rq.path.length).error();
  return a;
}

Answer rename(Server& s, Connection& c, const fsp::RenameRequest& rq, uint8_t* reply) {
  Answer a;
  start<fsp::Reply>(reply, a).error =
      s.vfs().rename(c.ctx, rq.from.bytes, rq.from.length, rq.to.bytes, rq.to.length).error();
  return a;
}

Answer read(Server& s, Connection& c, const fsp::ReadRequest& rq, uint8_t* reply) {
  Answer a;
  auto& rp = start<fsp::ReadReply>(reply, a);
  if (rq.count > fsp::kIoMax) { rp.error = Errno::Inval; return a; }
  auto n = s.vfs().read(*c.file, rp.data, rq.count);
  if (n.ok()) rp.count = static_cast<uint32_t>(n.value());
  else rp.error = n.error();
  return a;
}

Answer write(Server& s, Connection& c, const fsp::WriteRequest& rq, uint8_t* reply) {
  Answer a;
  auto& rp = start<fsp::WriteReply>(reply, a);
  if (rq.count > fsp::kIoMax) { rp.error = Errno::Inval; return a; }
  auto n = s.vfs().write(*c.file, rq.data, rq.count);
  if (n.ok()) rp.count = static_cast<uint32_t>(n.value());
  else rp.error = n.error();
  return a;
}

Answer seek(Server& s, Connection& c, const fsp::SeekRequest& rq, uint8_t* reply) {
  Answer a;
  auto& rp = start<fsp::SeekReply>(reply, a);
  auto pos = s.vfs().seek(*c.file, rq.offset, rq.whence);
  if (pos.ok()) rp.offset = pos.value();
  else rp.error = pos.error();
  return a;
}

Answer fstat(Server& s, Connection& c, uint8_t* reply) {
  Answer a;
  start<fsp::StatReply>(reply, a).stat = s.vfs().fstat(*c.file);
  return a;
}

Answer readdir(Server& s, Connection& c, uint8_t* reply) {
  Answer a;
  auto& rp = start<fsp::ReaddirReply>(reply, a);
  auto n = s.vfs().readdir(*c.file, rp.entries, fsp::kDirentsMax);
  if (n.ok()) rp.count = static_cast<uint32_t>(n.value());
  else rp.error = n.error();
  return a;
}

Answer close(uint8_t* reply) {
  Answer a;
  start<fsp::Reply>(reply, a);
  a.close = true;
  return a;
}

// The size of each request and of its reply (an error reply has the reply's size, so a typed
// client call always gets the struct it waits for); 0 for an unknown ordinal.
struct Shape { uint32_t request; uint32_t reply; bool file; };
Shape shape(uint32_t ordinal) {
  switch (static_cast<Op>(ordinal)) {
    case Op::Open: return {sizeof(fsp::OpenRequest), sizeof(fsp::OpenReply), false};
    case Op::Stat: return {sizeof(fsp::PathRequest), sizeof(fsp::StatReply), false};
    case Op::Mkdir: return {sizeof(fsp::MkdirRequest), sizeof(fsp::Reply), false};
    case Op::Unlink: case Op::Rmdir: return {sizeof(fsp::PathRequest), sizeof(fsp::Reply), false};
    case Op::Rename: return {sizeof(fsp::RenameRequest), sizeof(fsp::Reply), false};
    case Op::Clone: return {sizeof(fsp::EmptyRequest), sizeof(fsp::Reply), false};
    case Op::Read: return {sizeof(fsp::ReadRequest), sizeof(fsp::ReadReply), true};
    case Op::Write: return {sizeof(fsp::WriteRequest), sizeof(fsp::WriteReply), true};
    case Op::Seek: return {sizeof(fsp::SeekRequest), sizeof(fsp::SeekReply), true};
    case Op::Fstat: return {sizeof(fsp::EmptyRequest), sizeof(fsp::StatReply), true};
    case Op::Readdir: return {sizeof(fsp::ReaddirRequest), sizeof(fsp::ReaddirReply), true};
    case Op::Close: return {sizeof(fsp::EmptyRequest), sizeof(fsp::Reply), true};
  }
  return {0, sizeof(fsp::Reply), false};
}

// A path's length must fit its buffer; the Vfs then checks the bytes (ENAMETOOLONG, EINVAL).
bool path_fits(const fsp::Path& p) { return p.length <= fsp::kPathMax; }

}  // namespace

Answer dispatch(Server& s, Connection& c, const uint8_t* request, uint32_t size, uint32_t handle_count,
                uint8_t* reply) {
  koios::MessageHeader h;
  std::memcpy(&h, request, sizeof h);
  Shape sh = shape(h.ordinal);
  std::memset(reply, 0, sh.reply);
  std::memcpy(reply, &h, sizeof h);
  Answer fail{sh.reply, koios::kInvalidHandle, false};
  if (sh.request == 0) { set_error(reply, Errno::NoSys); return fail; }
  if (size != sh.request || handle_count != 0) { set_error(reply, Errno::Inval); return fail; }
  if (sh.file != (c.kind == ConnKind::File)) { set_error(reply, Errno::BadF); return fail; }
  // Copied out of the receive buffer so every field is aligned for its type.
  static union {
    fsp::OpenRequest open;
    fsp::PathRequest path;
    fsp::MkdirRequest mkdir;
    fsp::RenameRequest rename;
    fsp::ReadRequest read;
    fsp::WriteRequest write;
    fsp::SeekRequest seek;
  } rq;
  std::memcpy(&rq, request, size);
  switch (static_cast<Op>(h.ordinal)) {
    case Op::Open:
      if (!path_fits(rq.open.path)) break;
      return open(s, c, rq.open, reply);
    case Op::Stat:
      if (!path_fits(rq.path.path)) break;
      return stat(s, c, rq.path, reply);
    case Op::Mkdir:
      if (!path_fits(rq.mkdir.path)) break;
      return mkdir(s, c, rq.mkdir, reply);
    case Op::Unlink:
      if (!path_fits(rq.path.path)) break;
      return unlink(s, c, rq.path, reply);
    case Op::Rmdir:
      if (!path_fits(rq.path.path)) break;
      return rmdir(s, c, rq.path, reply);
    case Op::Rename:
      if (!path_fits(rq.rename.from) || !path_fits(rq.rename.to)) break;
      return rename(s, c, rq.rename, reply);
    case Op::Clone: return clone(s, c, reply);
    case Op::Read: return read(s, c, rq.read, reply);
    case Op::Write: return write(s, c, rq.write, reply);
    case Op::Seek: return seek(s, c, rq.seek, reply);
    case Op::Fstat: return fstat(s, c, reply);
    case Op::Readdir: return readdir(s, c, reply);
    case Op::Close: return close(reply);
  }
  set_error(reply, Errno::NameTooLong);   // only a path longer than its buffer gets here
  return fail;
}

}  // namespace mountsrv
