/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace protocol client: what the admin tools, the tests and the
 * load generator use to talk to xsanmdc. One connection, blocking calls
 * with a deadline each, and split send/receive for pipelining.
 *
 * Errors: functions return 0 or a negative errno. A negative errno that
 * came from the MDC's reply status is returned as is (-ENOENT ...); a
 * transport failure is -ECONNRESET, -ETIMEDOUT, -EBADMSG (a malformed
 * reply) and closes the connection. c->err holds a sentence either way.
 */
#ifndef XSAN_CLIENT_H
#define XSAN_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "frameio.h"
#include "xsanfs/msg.h"

/*
 * A callback the MDC sent (REVOKE, LOCK_WAKE), decoded: op, fid, and in
 * tok the types and revoke id (REVOKE) or the owner (LOCK_WAKE).
 */
struct xsan_cb {
	uint64_t xid;
	struct xsan_req r;
};

#define XSAN_CLIENT_CBQ	64	/* callbacks kept until taken */

struct xsan_client {
	int fd;
	int timeout_ms;
	uint16_t version;		/* negotiated, or XSAN_PROTO_MAX */
	uint64_t next_xid;
	uint64_t session;
	uint32_t lease_ms;
	uint32_t grace_ms;
	uint8_t uuid[XSAN_UUID_SIZE];	/* ours */
	uint8_t volume_uuid[XSAN_UUID_SIZE];
	uint16_t vmin, vmax;		/* the MDC's range after EPROTONOSUPPORT */
	struct xsan_fbuf rx;		/* the last frame received */
	struct xsan_cb cbq[XSAN_CLIENT_CBQ];	/* ring of callbacks received */
	unsigned int cb_head, cb_count;
	uint64_t cb_lost;		/* dropped because the ring was full */
	uint8_t *tx;			/* XSAN_FRAME_MAX bytes */
	char err[256];
};

int xsan_client_init(struct xsan_client *c, int timeout_ms);
void xsan_client_close(struct xsan_client *c);	/* safe to repeat */

int xsan_client_connect(struct xsan_client *c, const char *host, int port);
/* HELLO + AUTH; on success c->session, lease, volume uuid are set. */
int xsan_client_login(struct xsan_client *c, const char *volume,
		      const struct xsan_secret *secret, const char *hostname);

/*
 * Reconnect: new connection, HELLO + AUTH, RECONNECT(c->session). 0
 * (*@flags: XSAN_RECON_*), -ESTALE (c->session is then the fresh one),
 * -EACCES, or a login/transport error.
 */
int xsan_client_reconnect(struct xsan_client *c, const char *host, int port,
			  const char *volume, const struct xsan_secret *secret,
			  const char *hostname, uint32_t *flags);

/* Send @r (xid chosen here, returned in *@xid). */
int xsan_client_send(struct xsan_client *c, const struct xsan_req *r,
		     uint64_t *xid);
/*
 * Receive the next reply (callbacks received meanwhile are queued, see
 * xsan_client_cb_wait()): *@xid, *@status (a
 * positive errno or 0) and, when the status is 0, @rep decoded. @rep's
 * pointers stay valid until the next receive.
 */
int xsan_client_recv(struct xsan_client *c, uint64_t *xid, int *status,
		     struct xsan_rep *rep);
/* send + recv: 0, -status, or a transport error. */
int xsan_client_call(struct xsan_client *c, const struct xsan_req *r,
		     struct xsan_rep *rep);

/*
 * Take the oldest queued callback; if none is queued, wait up to
 * @timeout_ms for one (only when no reply is outstanding: a reply frame
 * arriving here is a protocol error, -EBADMSG). 1 with *@cb filled, 0 if
 * none came in time, or a transport error.
 */
int xsan_client_cb_wait(struct xsan_client *c, struct xsan_cb *cb,
			int timeout_ms);
/* Take the oldest queued callback without reading: 1 or 0. */
int xsan_client_cb_pop(struct xsan_client *c, struct xsan_cb *cb);

/* Tests: put arbitrary bytes on the wire, header included. */
int xsan_client_send_raw(struct xsan_client *c, const void *buf, size_t len);

#endif /* XSAN_CLIENT_H */
