/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the integration suite against a live xsanmdc (itest*.c, one
 * program). Every test starts its own daemon through harness.c and ends
 * by stopping it with SIGTERM and asserting a clean exit (status 0), which
 * under ASan or valgrind also proves the run was free of memory errors
 * and leaks. A test that fails half way still stops its daemon: the
 * fixture registers an atexit() cleanup, and check kills the whole
 * process group on a timeout.
 */
#ifndef XSAN_ITEST_H
#define XSAN_ITEST_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

/* Add test function @fn to suite @s as a TCase named after it. */
#define IT_ADD(s, fn) it_add((s), #fn, (fn))
void it_add(Suite *s, const char *name, const TTest *t);

Suite *it_ns_suite(void);
Suite *it_err_suite(void);
Suite *it_wire_suite(void);
Suite *it_sess_suite(void);

/* File types, as the wire carries them (S_IF* values). */
#define IT_IFREG	0100000u
#define IT_IFDIR	0040000u
#define IT_IFLNK	0120000u
#define IT_IFCHR	0020000u
#define IT_IFBLK	0060000u
#define IT_IFIFO	0010000u
#define IT_IFSOCK	0140000u
#define IT_IFMT		0170000u

/* A daemon and one logged-in client. */
struct it {
	struct mdc_h h;
	struct xsan_client c;
};

/* h_setup + atexit cleanup, without starting (to change lease etc.). */
void it_setup(struct it *t);
/* h_start, asserted. */
void it_start(struct it *t);
/* it_setup + it_start + log in t->c. */
void it_begin(struct it *t);
/* Close t->c, SIGTERM the daemon, assert it exited 0, clean up. */
void it_end(struct it *t);
/* Assert that stopping @h with SIGTERM gives exit status 0. */
void it_stop_clean(struct mdc_h *h);

/* Another client: connected (and logged in when @login). */
void it_client(struct it *t, struct xsan_client *c, bool login);
/* "127.0.0.1:PORT" of the client's end, as the MDC's log names it. */
const char *it_peer(const struct xsan_client *c, char buf[64]);
/* Wait up to @ms for the MDC to close the connection (EOF or reset). */
bool it_wait_closed(struct xsan_client *c, int ms);
/* Lines of the daemon's log containing both @a and @b (@b may be NULL). */
int it_log_lines(const struct mdc_h *h, const char *a, const char *b);
/* Wait up to @ms until it_log_lines(h, a, b) >= @n. */
bool it_log_wait_n(const struct mdc_h *h, const char *a, const char *b,
		   int n, int ms);
/* Longer deadlines under valgrind. */
int it_ms(int ms);
long long it_now_ms(void);

extern const struct xsan_fid it_root;
struct xsan_fid it_fid(const struct xsan_attr *a);
/* <0, 0, >0 like strcmp. */
int it_tcmp(const struct xsan_time *a, const struct xsan_time *b);
void it_wallclock(struct xsan_time *t);

/*
 * Namespace requests through the client library: 0 or -errno. @out and
 * friends may be NULL.
 */
int it_call(struct xsan_client *c, struct xsan_req *r, struct xsan_rep *rep);
int it_lookup(struct xsan_client *c, const struct xsan_cred *cr,
	      struct xsan_fid dir, const char *name, struct xsan_attr *out);
int it_getattr(struct xsan_client *c, struct xsan_fid fid,
	       struct xsan_attr *out);
int it_setattr(struct xsan_client *c, const struct xsan_cred *cr,
	       struct xsan_fid fid, const struct xsan_sattr *sa,
	       struct xsan_attr *out);
/* CREATE, MKDIR or MKNOD by the type in @mode. out: inode, dir_out: dir. */
int it_mknod(struct xsan_client *c, const struct xsan_cred *cr,
	     struct xsan_fid dir, const char *name, uint32_t mode,
	     uint32_t major, uint32_t minor, struct xsan_attr *out,
	     struct xsan_attr *dir_out);
int it_create(struct xsan_client *c, const struct xsan_cred *cr,
	      struct xsan_fid dir, const char *name, struct xsan_attr *out);
int it_mkdir(struct xsan_client *c, const struct xsan_cred *cr,
	     struct xsan_fid dir, const char *name, uint32_t perm,
	     struct xsan_attr *out);
int it_symlink(struct xsan_client *c, const struct xsan_cred *cr,
	       struct xsan_fid dir, const char *name, const char *target,
	       struct xsan_attr *out);
/* Copies the target, NUL-terminated, to @buf (XSAN_SYMLINK_MAX + 1). */
int it_readlink(struct xsan_client *c, const struct xsan_cred *cr,
		struct xsan_fid fid, char *buf);
int it_link(struct xsan_client *c, const struct xsan_cred *cr,
	    struct xsan_fid fid, struct xsan_fid dir, const char *name,
	    struct xsan_attr *out, struct xsan_attr *dir_out);
int it_unlink(struct xsan_client *c, const struct xsan_cred *cr,
	      struct xsan_fid dir, const char *name, struct xsan_attr *victim);
int it_rmdir(struct xsan_client *c, const struct xsan_cred *cr,
	     struct xsan_fid dir, const char *name, struct xsan_attr *dir_out);
int it_rename(struct xsan_client *c, const struct xsan_cred *cr,
	      struct xsan_fid odir, const char *oname, struct xsan_fid ndir,
	      const char *nname, uint32_t flags, struct xsan_rep *rep);
int it_statfs(struct xsan_client *c, struct xsan_statfs *st);
int it_setxattr(struct xsan_client *c, const struct xsan_cred *cr,
		struct xsan_fid fid, const char *name, const void *val,
		uint32_t vlen, uint32_t flags);
/* GET/LIST: the value (@size bytes room) to @buf, its full size to *@full. */
int it_getxattr(struct xsan_client *c, const struct xsan_cred *cr,
		struct xsan_fid fid, const char *name, void *buf,
		uint32_t size, uint32_t *full);
int it_listxattr(struct xsan_client *c, const struct xsan_cred *cr,
		 struct xsan_fid fid, void *buf, uint32_t size, uint32_t *full);
int it_removexattr(struct xsan_client *c, const struct xsan_cred *cr,
		   struct xsan_fid fid, const char *name);

/*
 * Raw frames: header + @len payload bytes into @buf (XSAN_FRAME_MAX),
 * sealed (CRC) as a request; returns the frame's length.
 */
size_t it_frame(uint8_t *buf, uint16_t op, uint64_t xid, const void *payload,
		uint32_t len);
/* A request encoded by the shared codec, as a frame; asserts success. */
size_t it_frame_req(uint8_t *buf, const struct xsan_req *r, uint64_t xid);
/* Receive one reply and assert its xid and status. */
void it_recv_status(struct xsan_client *c, uint64_t xid, int status);

#endif /* XSAN_ITEST_H */
