// A UDP socket for the peer port that reads many datagrams per system call (recvmmsg)
// into one buffer the JavaScript side owns and reuses, and sends synchronously (sendto).
//
// Why it exists: Node's dgram allocates a fresh 64 KiB ArrayBuffer for every datagram it
// reads. At uTP's datagram rates that external memory is what drives V8 into full
// mark-compacts, about one per 64 MiB received, where TCP, reading into one reused buffer
// (engine/peer/socket-reader.ts), has none. And every dgram send goes through an address
// lookup, a request object and a completion callback. uTP and the tracker server
// (tracker/server/tracker-server.ts) both read and send through it. docs/PERFORMANCE.md ("uTP: the
// cost is per datagram") has the measurements; net/datagram-port.ts is the
// JavaScript side and the dgram fallback used wherever this file is not built (any
// system but Linux, or no C compiler or Node headers at install).
//
// The contract with JavaScript (net/native-udp.ts declares it):
//   open(family 4|6, host, port, recvBufferBytes, sendBufferBytes) -> handle
//       binds a non-blocking socket; an IPv6 host gives a dual-stack socket. Throws an
//       Error whose `code` is the errno name (EADDRINUSE, EACCES, ...).
//   localPort(handle) -> number
//   bufferSizes(handle) -> [receive bytes, send bytes] the kernel granted (getsockopt)
//   start(handle, data Uint8Array, meta Int32Array, onBatch(count))
//       starts reading: each readable event reads up to `slots` datagrams at once, slot i
//       at data[i * SLOT_BYTES ...], its length, sender port, family and address in
//       meta[i * META_WORDS ...], then calls onBatch(count) (through node::MakeCallback,
//       so ticks and microtasks run after it, as after a dgram 'message'). The buffers
//       are read only during that call: the next batch overwrites them.
//   send(handle, data Uint8Array, offset, length, port, host) -> 0 or an errno
//       one datagram, now. An IPv4 host on a dual-stack socket is sent to as ::ffff:a.b.c.d.
//   close(handle)
//       stops reading and closes the socket; idempotent.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <uv.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

// Room for the largest UDP payload (65 507 bytes over IPv4), rounded up.
#define SLOT_BYTES 65536
// int32 words per datagram in `meta`: length, port, family (4 or 6), flags, address (16 bytes).
#define META_WORDS 8
#define META_FLAG_TRUNCATED 1
#define MAX_SLOTS 64
// recvmmsg calls per readable event: one, as libuv reads at most 32 datagrams per event
// for dgram. The event comes again at once while datagrams wait (epoll is level-triggered),
// and meanwhile the other sockets get their turn: a socket that read on while its replies
// filled a peer's receive buffer in the same process made that peer drop them.
#define MAX_BATCHES_PER_EVENT 1

typedef struct {
  napi_env env;
  int fd;
  int family; // AF_INET or AF_INET6
  int reading;
  int closed;
  // Freed once both are true: JavaScript dropped the handle, and libuv is done with `poll`.
  int finalized;
  int poll_open;
  uv_poll_t poll;
  napi_ref on_batch;
  napi_ref data_ref;
  napi_ref meta_ref;
  napi_async_context async_context;
  uint8_t *data;
  int32_t *meta;
  unsigned slots;
  struct mmsghdr msgs[MAX_SLOTS];
  struct iovec iov[MAX_SLOTS];
  struct sockaddr_storage from[MAX_SLOTS];
} Port;

static void maybe_free(Port *p) {
  if (p->finalized && !p->poll_open) free(p);
}

static const char *errno_code(int err) {
  switch (err) {
  case EADDRINUSE: return "EADDRINUSE";
  case EACCES: return "EACCES";
  case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
  case EAFNOSUPPORT: return "EAFNOSUPPORT";
  case EINVAL: return "EINVAL";
  case EMFILE: return "EMFILE";
  case ENFILE: return "ENFILE";
  case ENOBUFS: return "ENOBUFS";
  case EPERM: return "EPERM";
  default: return "EIO";
  }
}

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char message[160];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_throw_error(env, errno_code(err), message);
  return NULL;
}

static napi_value throw_type(napi_env env, const char *message) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message);
  return NULL;
}

// Fills `sa` for `host` on a socket of `family`; 0 on success. An IPv4 host on an IPv6
// socket becomes ::ffff:host; a zone ("fe80::1%eth0") goes through getaddrinfo.
static int make_address(int family, const char *host, int port, struct sockaddr_storage *sa, socklen_t *len) {
  memset(sa, 0, sizeof *sa);
  if (family == AF_INET) {
    struct sockaddr_in *in = (struct sockaddr_in *)sa;
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &in->sin_addr) != 1) return EINVAL;
    *len = sizeof *in;
    return 0;
  }
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons((uint16_t)port);
  *len = sizeof *in6;
  struct in_addr v4;
  if (inet_pton(AF_INET, host, &v4) == 1) {
    in6->sin6_addr.s6_addr[10] = 0xff;
    in6->sin6_addr.s6_addr[11] = 0xff;
    memcpy(&in6->sin6_addr.s6_addr[12], &v4, 4);
    return 0;
  }
  if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) return 0;
  if (strchr(host, '%') == NULL) return EINVAL;
  struct addrinfo hints = {0}, *found = NULL;
  hints.ai_family = AF_INET6;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST;
  if (getaddrinfo(host, NULL, &hints, &found) != 0 || found == NULL) return EINVAL;
  memcpy(in6, found->ai_addr, sizeof *in6);
  in6->sin6_port = htons((uint16_t)port);
  freeaddrinfo(found);
  return 0;
}

static int get_port(napi_env env, napi_value value, Port **out) {
  void *p = NULL;
  if (napi_get_value_external(env, value, &p) != napi_ok || p == NULL) return 0;
  *out = (Port *)p;
  return 1;
}

static void on_poll_closed(uv_handle_t *handle);

static void finalize_port(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Port *p = (Port *)data;
  // Dropped without close(): stop reading and release the socket here. JavaScript
  // references cannot be touched from a finalizer; they die with the environment.
  if (!p->closed) {
    p->closed = 1;
    if (p->poll_open) {
      uv_poll_stop(&p->poll);
      p->reading = 0;
      uv_close((uv_handle_t *)&p->poll, on_poll_closed);
    }
    close(p->fd);
  }
  p->finalized = 1;
  maybe_free(p);
}

static void on_poll_closed(uv_handle_t *handle) {
  Port *p = (Port *)handle->data;
  p->poll_open = 0;
  maybe_free(p);
}

static void report_exception(napi_env env) {
  napi_value error;
  if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  Port *p = (Port *)handle->data;
  if (status < 0 || p->closed || !p->reading) return;
  napi_env env = p->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  for (int batch = 0; batch < MAX_BATCHES_PER_EVENT && p->reading && !p->closed; batch++) {
    for (unsigned i = 0; i < p->slots; i++) {
      p->msgs[i].msg_hdr.msg_namelen = sizeof p->from[i];
      p->msgs[i].msg_hdr.msg_flags = 0;
      p->msgs[i].msg_len = 0;
    }
    int n = recvmmsg(p->fd, p->msgs, p->slots, MSG_DONTWAIT, NULL);
    if (n <= 0) break; // EAGAIN (drained), EINTR (the next event retries), or an error uTP recovers from
    for (int i = 0; i < n; i++) {
      int32_t *m = p->meta + (size_t)i * META_WORDS;
      m[0] = (int32_t)p->msgs[i].msg_len;
      m[3] = (p->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ? META_FLAG_TRUNCATED : 0;
      memset(&m[4], 0, 16);
      const struct sockaddr_storage *from = &p->from[i];
      if (from->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)from;
        m[1] = ntohs(in->sin_port);
        m[2] = 4;
        memcpy(&m[4], &in->sin_addr, 4);
      } else {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)from;
        m[1] = ntohs(in6->sin6_port);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
          m[2] = 4;
          memcpy(&m[4], &in6->sin6_addr.s6_addr[12], 4);
        } else {
          m[2] = 6;
          memcpy(&m[4], &in6->sin6_addr, 16);
        }
      }
    }
    napi_value callback, receiver, count, result;
    if (napi_get_reference_value(env, p->on_batch, &callback) != napi_ok || callback == NULL) break;
    napi_get_global(env, &receiver);
    napi_create_uint32(env, (uint32_t)n, &count);
    napi_status st = napi_make_callback(env, p->async_context, receiver, callback, 1, &count, &result);
    if (st == napi_pending_exception) {
      report_exception(env);
      break;
    }
    if ((unsigned)n < p->slots) break; // the queue is empty
  }
  napi_close_handle_scope(env, scope);
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) return throw_type(env, "open(family, host, port, recvBufferBytes, sendBufferBytes)");
  int32_t family_number, port, rcvbuf, sndbuf;
  char host[INET6_ADDRSTRLEN + 64];
  size_t host_len = 0;
  if (napi_get_value_int32(env, argv[0], &family_number) != napi_ok ||
      napi_get_value_string_utf8(env, argv[1], host, sizeof host, &host_len) != napi_ok ||
      napi_get_value_int32(env, argv[2], &port) != napi_ok || napi_get_value_int32(env, argv[3], &rcvbuf) != napi_ok ||
      napi_get_value_int32(env, argv[4], &sndbuf) != napi_ok)
    return throw_type(env, "open(family: 4 | 6, host: string, port: number, recvBufferBytes: number, sendBufferBytes: number)");
  if (port < 0 || port > 65535) return throw_type(env, "port out of range");
  int family = family_number == 6 ? AF_INET6 : AF_INET;
  struct sockaddr_storage sa;
  socklen_t sa_len;
  if (make_address(family, host, port, &sa, &sa_len) != 0) return throw_errno(env, "bad bind address", EINVAL);
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  if (family == AF_INET6) {
    int off = 0;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  }
  // Best effort, as dgram's recvBufferSize/sendBufferSize: the kernel caps them (rmem_max).
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (sndbuf > 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  if (bind(fd, (struct sockaddr *)&sa, sa_len) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "bind", err);
  }
  Port *p = calloc(1, sizeof *p);
  if (p == NULL) {
    close(fd);
    return throw_errno(env, "open", ENOMEM);
  }
  p->env = env;
  p->fd = fd;
  p->family = family;
  napi_value handle;
  if (napi_create_external(env, p, finalize_port, NULL, &handle) != napi_ok) {
    close(fd);
    free(p);
    return NULL;
  }
  return handle;
}

static napi_value js_local_port(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Port *p;
  if (argc < 1 || !get_port(env, argv[0], &p)) return throw_type(env, "localPort(handle)");
  if (p->closed) return throw_errno(env, "localPort", EBADF);
  struct sockaddr_storage sa;
  socklen_t len = sizeof sa;
  if (getsockname(p->fd, (struct sockaddr *)&sa, &len) != 0) return throw_errno(env, "getsockname", errno);
  int port = sa.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&sa)->sin_port)
                                     : ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
  napi_value out;
  napi_create_int32(env, port, &out);
  return out;
}

static napi_value js_buffer_sizes(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Port *p;
  if (argc < 1 || !get_port(env, argv[0], &p)) return throw_type(env, "bufferSizes(handle)");
  if (p->closed) return throw_errno(env, "bufferSizes", EBADF);
  int sizes[2] = {0, 0};
  socklen_t len = sizeof sizes[0];
  if (getsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &sizes[0], &len) != 0) return throw_errno(env, "getsockopt", errno);
  len = sizeof sizes[1];
  if (getsockopt(p->fd, SOL_SOCKET, SO_SNDBUF, &sizes[1], &len) != 0) return throw_errno(env, "getsockopt", errno);
  napi_value out, value;
  napi_create_array_with_length(env, 2, &out);
  for (uint32_t i = 0; i < 2; i++) {
    napi_create_int32(env, sizes[i], &value);
    napi_set_element(env, out, i, value);
  }
  return out;
}

static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Port *p;
  if (argc < 4 || !get_port(env, argv[0], &p)) return throw_type(env, "start(handle, data, meta, onBatch)");
  if (p->closed) return throw_errno(env, "start", EBADF);
  if (p->reading) return throw_errno(env, "start", EALREADY);
  napi_typedarray_type data_type, meta_type;
  size_t data_length, meta_length;
  void *data, *meta;
  napi_valuetype callback_type;
  if (napi_get_typedarray_info(env, argv[1], &data_type, &data_length, &data, NULL, NULL) != napi_ok ||
      data_type != napi_uint8_array ||
      napi_get_typedarray_info(env, argv[2], &meta_type, &meta_length, &meta, NULL, NULL) != napi_ok ||
      meta_type != napi_int32_array || napi_typeof(env, argv[3], &callback_type) != napi_ok ||
      callback_type != napi_function)
    return throw_type(env, "start(handle, data: Uint8Array, meta: Int32Array, onBatch: function)");
  unsigned slots = (unsigned)(data_length / SLOT_BYTES);
  if (meta_length / META_WORDS < slots) slots = (unsigned)(meta_length / META_WORDS);
  if (slots > MAX_SLOTS) slots = MAX_SLOTS;
  if (slots == 0) return throw_type(env, "data and meta must hold at least one datagram");
  p->data = data;
  p->meta = meta;
  p->slots = slots;
  for (unsigned i = 0; i < slots; i++) {
    p->iov[i].iov_base = p->data + (size_t)i * SLOT_BYTES;
    p->iov[i].iov_len = SLOT_BYTES;
    memset(&p->msgs[i].msg_hdr, 0, sizeof p->msgs[i].msg_hdr);
    p->msgs[i].msg_hdr.msg_iov = &p->iov[i];
    p->msgs[i].msg_hdr.msg_iovlen = 1;
    p->msgs[i].msg_hdr.msg_name = &p->from[i];
  }
  napi_create_reference(env, argv[1], 1, &p->data_ref);
  napi_create_reference(env, argv[2], 1, &p->meta_ref);
  napi_create_reference(env, argv[3], 1, &p->on_batch);
  napi_value resource, name;
  napi_create_object(env, &resource);
  napi_create_string_utf8(env, "SWARMDROP_UDP_PORT", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, resource, name, &p->async_context);
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return throw_errno(env, "start", EIO);
  int err = uv_poll_init(loop, &p->poll, p->fd);
  if (err != 0) return throw_errno(env, "uv_poll_init", -err);
  p->poll.data = p;
  p->poll_open = 1;
  err = uv_poll_start(&p->poll, UV_READABLE, on_readable);
  if (err != 0) return throw_errno(env, "uv_poll_start", -err);
  p->reading = 1;
  return NULL;
}

static napi_value js_send(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Port *p;
  if (argc < 6 || !get_port(env, argv[0], &p)) return throw_type(env, "send(handle, data, offset, length, port, host)");
  napi_typedarray_type type;
  size_t length_total;
  void *data;
  int32_t offset, length, port;
  char host[INET6_ADDRSTRLEN + 64];
  size_t host_len;
  if (napi_get_typedarray_info(env, argv[1], &type, &length_total, &data, NULL, NULL) != napi_ok ||
      type != napi_uint8_array || napi_get_value_int32(env, argv[2], &offset) != napi_ok ||
      napi_get_value_int32(env, argv[3], &length) != napi_ok || napi_get_value_int32(env, argv[4], &port) != napi_ok ||
      napi_get_value_string_utf8(env, argv[5], host, sizeof host, &host_len) != napi_ok)
    return throw_type(env, "send(handle, data: Uint8Array, offset, length, port, host: string)");
  int result = 0;
  struct sockaddr_storage sa;
  socklen_t sa_len;
  if (p->closed) result = EBADF;
  else if (offset < 0 || length < 0 || (size_t)offset + (size_t)length > length_total || port <= 0 || port > 65535)
    result = EINVAL;
  else if ((result = make_address(p->family, host, port, &sa, &sa_len)) == 0) {
    ssize_t sent = sendto(p->fd, (uint8_t *)data + offset, (size_t)length, 0, (struct sockaddr *)&sa, sa_len);
    if (sent < 0) result = errno;
  }
  napi_value out;
  napi_create_int32(env, result, &out);
  return out;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Port *p;
  if (argc < 1 || !get_port(env, argv[0], &p)) return throw_type(env, "close(handle)");
  if (p->closed) return NULL;
  p->closed = 1;
  if (p->poll_open) {
    uv_poll_stop(&p->poll);
    p->reading = 0;
    uv_close((uv_handle_t *)&p->poll, on_poll_closed);
    napi_delete_reference(env, p->on_batch);
    napi_delete_reference(env, p->data_ref);
    napi_delete_reference(env, p->meta_ref);
    napi_async_destroy(env, p->async_context);
  }
  close(p->fd);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL},
      {"localPort", NULL, js_local_port, NULL, NULL, NULL, napi_default, NULL},
      {"bufferSizes", NULL, js_buffer_sizes, NULL, NULL, NULL, napi_default, NULL},
      {"start", NULL, js_start, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, js_send, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_value slot_bytes, meta_words;
  napi_create_int32(env, SLOT_BYTES, &slot_bytes);
  napi_create_int32(env, META_WORDS, &meta_words);
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_set_named_property(env, exports, "SLOT_BYTES", slot_bytes);
  napi_set_named_property(env, exports, "META_WORDS", meta_words);
  return exports;
}

#ifndef NODE_GYP_MODULE_NAME
#define NODE_GYP_MODULE_NAME udp_port
#endif
NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
