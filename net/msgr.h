/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The messenger's contract with the rest of the client: how fs/ opens a
 * session with the metadata controller, makes calls, and receives the
 * MDC's callbacks (REVOKE, LOCK_WAKE, a lost session) through an ops
 * table it registers, as net/9p and net/ceph do. net/ includes nothing of
 * fs/ and calls into it only through struct xsan_msgr_ops.
 */
#ifndef _XSAN_NET_MSGR_H
#define _XSAN_NET_MSGR_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/types.h>

#include "xsanfs/msg.h"
#include "xsanfs/proto.h"

#define XSAN_VOLNAME_MAX	64

/**
 * struct xsan_probe - what the MDC said to HELLO and AUTH
 * @version: the protocol version it chose (success)
 * @vmin: the versions it speaks (-EPROTONOSUPPORT)
 * @vmax: ditto
 * @status: the errno it answered with (-EREMOTEIO)
 * @mdc_proof_bad: -EKEYREJECTED because the MDC's proof was wrong (it
 *	does not know this host's secret), not because it refused ours
 * @session: the session id it gave (success)
 * @lease_ms: the lease period it gave (success)
 * @grace_ms: the grace it keeps an expired session's tokens and blocks
 *	for before giving them to others (success)
 */
struct xsan_probe {
	u16 version;
	u16 vmin;
	u16 vmax;
	u32 status;
	bool mdc_proof_bad;
	u64 session;
	u32 lease_ms;
	u32 grace_ms;
};

/**
 * struct xsan_secret - a volume secret, copied out of the keyring
 * @key: the bytes
 * @len: how many (XSAN_SECRET_MIN to XSAN_SECRET_MAX)
 */
struct xsan_secret {
	u8 key[1024];
	unsigned int len;
};

int xsan_secret_get(const char *volume, struct xsan_secret *out);
int xsan_auth_proof(const struct xsan_secret *s, const char *label,
		    const char *volume, const u8 *uuid, const u8 *a,
		    const u8 *b, u8 *out);

/* ---- messenger: net/messenger.c ------------------------------------------ */

struct xsan_msgr;

/**
 * struct xsan_msg_buf - a received reply or callback payload
 * @seq: receive order on this mount: every reply and callback frame gets
 *	the next number as the receive path reads it (across reconnects),
 *	so the token cache can tell whether a grant was read before or after
 *	a REVOKE of the same inode
 * @sgen: the session generation (xsan_msgr_sgen()) when it was read: a
 *	grant or layout in it belongs to that session only
 * @len: payload bytes
 * @data: the payload; the decoded struct xsan_rep / xsan_req points in here
 */
struct xsan_msg_buf {
	u64 seq;
	u32 sgen;
	u32 len;
	u8 data[];
};

/**
 * struct xsan_msgr_ops - what the messenger calls back into fs/
 * @callback: a REVOKE or LOCK_WAKE arrived (@cb decoded, pointing into
 *	@buf). Runs on the messenger's callback workqueue (WQ_MEM_RECLAIM,
 *	ordered), never in the receive path; may sleep and make calls.
 *	Owns nothing: the messenger frees @buf after it returns.
 * @reset: the MDC no longer knows our session (it restarted, or our lease
 *	ran out while we could not reach it): every token is gone and every
 *	cache built on one must be dropped. Same context as @callback.
 * @reclaim: the MDC restarted and kept our session (RECONNECT answered
 *	RECLAIM): its tokens, locks and open handles are gone at the MDC but
 *	may be taken back, within the MDC's grace window, for the caches
 *	built under session generation @old_sgen. Until fs/ calls
 *	xsan_msgr_reclaim_done() the lease does not count
 *	(xsan_msgr_lease_gen() is false): nothing cached is trusted and no
 *	bio goes out, but calls do. NULL: treated as @reset. Same context
 *	as @callback.
 */
struct xsan_msgr_ops {
	void (*callback)(void *priv, const struct xsan_req *cb,
			 const struct xsan_msg_buf *buf);
	void (*reset)(void *priv);
	void (*reclaim)(void *priv, u32 old_sgen);
};

/**
 * struct xsan_msgr_args - how to reach the MDC and behave when it is gone
 * @net: network namespace of the mount
 * @addr: the MDC's volume port
 * @volume: volume name (copied)
 * @timeout: seconds: the bound on connecting and each handshake; how long
 *	a soft call (and xsan_msgr_call_bounded()) waits for its reply; a
 *	connection silent for longer than both this and the lease while a
 *	heartbeat waits is dropped, and hard calls go out again on the next
 * @soft: fail calls with -ETIMEDOUT when no reply came within @timeout;
 *	hard (false, the default) waits killably until the reply
 * @secret: the volume secret to use instead of the caller's keyrings
 *	(KUnit, which has no keyring to put one in); NULL for mount
 */
struct xsan_msgr_args {
	struct net *net;
	struct sockaddr_storage addr;
	const char *volume;
	unsigned int timeout;
	bool soft;
	const struct xsan_secret *secret;
};

/**
 * struct xsan_con_ident - who this client is to the MDC, across reconnects
 * @uuid: the client uuid sent in every HELLO of this mount
 * @secret: the volume secret; read from the mounting task's keyrings at
 *	the first handshake and kept (zeroed when the messenger is freed),
 *	because reconnects run on a workqueue that has no such keyring
 */
struct xsan_con_ident {
	u8 uuid[XSAN_UUID_SIZE];
	struct xsan_secret secret;
};

/**
 * struct xsan_con_recon - what the MDC answered to RECONNECT
 * @status: 0 if it gave the session back, else its positive errno
 *	(ESTALE: it no longer knows it)
 * @session: the session (status 0)
 * @lease_ms: its lease period
 * @grace_ms: the grace period for reclaiming tokens
 * @flags: XSAN_RECON_*
 */
struct xsan_con_recon {
	u32 status;
	u64 session;
	u32 lease_ms;
	u32 grace_ms;
	u32 flags;
};

int xsan_con_handshake(struct socket *sock,
		       const struct sockaddr_storage *addr,
		       unsigned int timeout_secs, const char *volume,
		       struct xsan_con_ident *id, u64 old,
		       struct xsan_probe *res, struct xsan_con_recon *rc);

int xsan_msgr_open(const struct xsan_msgr_args *a,
		   const struct xsan_msgr_ops *ops, void *priv,
		   struct xsan_msgr **out, struct xsan_probe *res);
void xsan_msgr_close(struct xsan_msgr *m);
int xsan_msgr_call(struct xsan_msgr *m, const struct xsan_req *req,
		   struct xsan_rep *rep, struct xsan_msg_buf **bufp);
int xsan_msgr_call_bounded(struct xsan_msgr *m, const struct xsan_req *req,
			   struct xsan_rep *rep, struct xsan_msg_buf **bufp);
int xsan_msgr_send(struct xsan_msgr *m, const struct xsan_req *req);
void xsan_msgr_abort(struct xsan_msgr *m);
u64 xsan_msgr_session(struct xsan_msgr *m);
u32 xsan_msgr_lease_ms(struct xsan_msgr *m);
bool xsan_msgr_lease_valid(struct xsan_msgr *m);
bool xsan_msgr_lease_gen(struct xsan_msgr *m, u32 *gen);
u32 xsan_msgr_sgen(struct xsan_msgr *m);
int xsan_msgr_lease_wait(struct xsan_msgr *m, u32 *gen);
bool xsan_msgr_reclaiming(struct xsan_msgr *m);
int xsan_msgr_reclaim_wait(struct xsan_msgr *m);
void xsan_msgr_reclaim_done(struct xsan_msgr *m);
void xsan_msgr_flush_callbacks(struct xsan_msgr *m);
const struct sockaddr *xsan_msgr_addr(struct xsan_msgr *m);

/* The pure parts of the messenger, for KUnit (tests/kunit/msgr_test.c). */

/**
 * struct xsan_rx - reassembly of frames from the received byte stream
 * @hdr: the header bytes gathered so far
 * @hlen: how many
 * @h: the decoded header, once @hlen is %XSAN_HDR_SIZE
 * @buf: the payload being gathered (NULL until the header is complete);
 *	handed to the caller with the frame
 * @plen: payload bytes in @buf so far
 *
 * Owned by the receive path (under the messenger's mutex).
 */
struct xsan_rx {
	u8 hdr[XSAN_HDR_SIZE];
	u32 hlen;
	struct xsan_hdr h;
	struct xsan_msg_buf *buf;
	u32 plen;
};

int xsan_rx_feed(struct xsan_rx *rx, const u8 *p, size_t n, size_t *used,
		 struct xsan_hdr *h, struct xsan_msg_buf **bufp);
void xsan_rx_reset(struct xsan_rx *rx);

/**
 * struct xsan_msgr_req - one request in flight
 * @node: in the messenger's xid tree while a reply is awaited
 * @out: in the send queue while (re)sending is due
 * @ref: the caller's, the tree's and the send path's references
 * @xid: its id, unique on the messenger
 * @op: its opcode
 * @frame: the sealed frame (header and payload)
 * @flen: its bytes
 * @done: completed when @result is set
 * @result: 0 (reply in @buf, status @status) or -errno
 * @status: the reply's status (positive errno or 0)
 * @buf: the reply payload
 * @sent_at: jiffies when it was last handed to the socket
 * @kind: XSAN_RQ_* (who waits for it)
 */
struct xsan_msgr_req {
	struct rb_node node;
	struct list_head out;
	struct kref ref;
	u64 xid;
	u16 op;
	u8 *frame;
	u32 flen;
	struct completion done;
	int result;
	u32 status;
	struct xsan_msg_buf *buf;
	unsigned long sent_at;
	u8 kind;
};

#define XSAN_RQ_CALL	0	/* a caller waits in xsan_msgr_call() */
#define XSAN_RQ_ASYNC	1	/* xsan_msgr_send(): reply dropped */
#define XSAN_RQ_HB	2	/* heartbeat: the reply renews the lease */

void xsan_xid_insert(struct rb_root *root, struct xsan_msgr_req *rq);
struct xsan_msgr_req *xsan_xid_find(struct rb_root *root, u64 xid);
struct xsan_msgr_req *xsan_xid_take(struct rb_root *root, u64 xid);

static inline void xsan_msg_buf_free(struct xsan_msg_buf *b)
{
	kvfree(b);
}

#endif /* _XSAN_NET_MSGR_H */
