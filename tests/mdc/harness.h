/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A live xsanmdc for tests: a private config and state directory under
 * /tmp, a formatted volume, the daemon started on 127.0.0.1 with ports it
 * picks (or ones given, so a restart keeps them), and stopped by its PID.
 * Every wait has a deadline. XSAN_MDC_WRAPPER (e.g. "valgrind ...") runs
 * the daemon under a wrapper; XSANMDC names the binary.
 */
#ifndef XSAN_TEST_HARNESS_H
#define XSAN_TEST_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "client.h"
#include "xsanfs/disk.h"

#define H_VOLUME	"testvol"
#define H_SECRET	"0123456789abcdef-test-secret"
/* Blocks of 4096 bytes on each 64 MiB LUN of the config, past its header. */
#define H_LUN_BLOCKS	((131072u * 512u - XSAN_LUN_DATA_OFFSET) / 4096u)

struct mdc_h {
	char dir[64];		/* the private directory */
	char cfgdir[96];
	char statedir[96];
	char logpath[96];
	const char *volume;
	struct xsan_secret secret;
	pid_t pid;		/* 0 when not running */
	int port, ns_port;	/* 0 until the first start */
	int lease_s, grace_s;
};

/* Make the directories, VOLUME.cfgx, the secret and the metadata. */
int h_setup(struct mdc_h *h);
/* Start xsanmdc and wait (10 s at most) until it listens. */
int h_start(struct mdc_h *h);
/* Stop it with @sig (then SIGKILL after 10 s); returns its wait status. */
int h_stop(struct mdc_h *h, int sig);
/* Stop if running, remove the directory. */
void h_cleanup(struct mdc_h *h);
/* The daemon's log so far (static buffer, NUL-terminated). */
const char *h_log(const struct mdc_h *h);
/* Wait up to @ms for @needle in the log. */
bool h_log_wait(const struct mdc_h *h, const char *needle, int ms);

/* A logged-in client; 0 or -errno (c->err says why). */
int h_login(struct mdc_h *h, struct xsan_client *c);

/* Credentials for tests: root with all caps, or a plain user. */
struct xsan_cred h_root(void);
struct xsan_cred h_user(uint32_t uid, uint32_t gid);

/*
 * Shared by the check(3) programs (tokens.c, grant.c, deadlock.c,
 * affinity.c, reclaim.c; the suite runner is in harness_check.h):
 */
/* Whether XSAN_MDC_WRAPPER (valgrind) slows the daemon down. */
bool h_wrapped(void);
/* @v milliseconds, ten times that under a wrapper. */
int h_ms(int v);
/* CLOCK_MONOTONIC in milliseconds. */
long long h_now_ms(void);
/* The fid of an attribute record. */
struct xsan_fid h_fid_of(const struct xsan_attr *a);
/* h_cleanup(@h) at exit (a failed check exits the forked test); NULL
 * forgets it once the test cleaned up itself.
 */
void h_cleanup_at_exit(struct mdc_h *h);
/* Init, connect and log @c in as @host with h_ms(10000) timeouts. */
int h_login_as(struct mdc_h *h, struct xsan_client *c, const char *host);
/* Log client @i of @c in as "hostA" + @i; asserted (check). */
void h_login_client(struct mdc_h *h, struct xsan_client *c, int i);
/*
 * The start of a test with @nc clients (none connected yet): h_setup()
 * asserted, h_cleanup_at_exit(). The caller may then change the config or
 * the lease before h_start_clients().
 */
void h_begin(struct mdc_h *h, struct xsan_client *c, int nc);
/* h_start() asserted, then log the first @n clients of @c in. */
void h_start_clients(struct mdc_h *h, struct xsan_client *c, int n);
/* Close @nc clients, stop @h with SIGTERM and assert a clean exit. */
void h_stop_clients(struct mdc_h *h, struct xsan_client *c, int nc);
/* h_stop_clients(), then h_cleanup() and forget the exit cleanup. */
void h_end_clients(struct mdc_h *h, struct xsan_client *c, int nc);
/* TOKEN_GET of @types on @f as root: 0 or -errno. */
int h_tget(struct xsan_client *c, const struct xsan_fid *f, uint32_t types,
	   uint32_t flags);
/* Send TOKEN_GET of @types on @f as root (asserted), return its xid. */
uint64_t h_tget_send(struct xsan_client *c, const struct xsan_fid *f,
		     uint32_t types);
/* Make directory "d" in the root and regular file "d/f" as root through
 * @c; asserted (check).
 */
void h_make_df(struct xsan_client *c, struct xsan_fid *d, struct xsan_fid *f);
/* TOKEN_PUT keeping @types (answering @revoke if not 0): 0 or -errno. */
int h_tput(struct xsan_client *c, const struct xsan_fid *f, uint32_t types,
	   uint64_t revoke);
/* OPEN @f with @flags as root: 0 (*@handle, *@a if not NULL) or -errno. */
int h_open(struct xsan_client *c, const struct xsan_fid *f, uint32_t flags,
	   uint64_t *handle, struct xsan_attr *a);
/* CLOSE @handle of @f as root: 0 (*@a if not NULL) or -errno. */
int h_close(struct xsan_client *c, const struct xsan_fid *f, uint64_t handle,
	    struct xsan_attr *a);
/* LAYOUT_GET as root; the extents are copied to @ext (at most @max). */
int h_layout_get(struct xsan_client *c, const struct xsan_fid *f,
		 uint64_t off, uint64_t len, uint32_t flags,
		 struct xsan_extent *ext, uint32_t max, uint32_t *n);
/* LAYOUT_COMMIT of [@off, @off + @len) with size @size, as root. */
int h_commit(struct xsan_client *c, const struct xsan_fid *f, uint64_t off,
	     uint64_t len, uint64_t size);
/* Is a frame waiting on @c within @wait ms? */
bool h_readable(struct xsan_client *c, int wait);
#endif /* XSAN_TEST_HARNESS_H */
