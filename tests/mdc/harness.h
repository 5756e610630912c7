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

#endif /* XSAN_TEST_HARNESS_H */
