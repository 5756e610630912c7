/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The token protocol simulation (Documentation/testing.rst, "The token
 * protocol simulation"): what the harness (sim.c), the MDC seam
 * (mdc_seam.c: the functions tools/mdc/token.c and session.c call to send
 * frames and read the clock) and the token-table peek (mdc_peek.c, which
 * compiles tools/mdc/token.c itself) share.
 */
#ifndef XSAN_SIM_H
#define XSAN_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "mdc/mdc.h"

/* One frame on a simulated TCP connection, or the end of the stream. */
struct sim_frame {
	struct xsan_hdr h;
	uint8_t *p;		/* h.len bytes, malloc'd (NULL if 0) */
	bool close;		/* FIN/RST: the reader sees the stream end */
	struct sim_frame *next;
};

struct sim_fifo {
	struct sim_frame *head, **tail;
	unsigned int n;
};

struct sim_mconn;

/*
 * A TCP connection between client @client and the MDC: one FIFO per
 * direction (TCP's only ordering promise). @cl_open: the client still
 * reads it; @md_open: the MDC still reads it.
 */
struct sim_chan {
	int client;
	int id;
	struct sim_mconn *mc;
	struct sim_fifo c2m, m2c;
	bool cl_open, md_open;
	struct sim_chan *next;	/* every channel of the world */
};

/* The MDC's struct mdc_conn, with the channel it stands for. */
struct sim_mconn {
	struct mdc_conn c;
	struct sim_chan *ch;
};

/* ---- the virtual clock and the trace (sim.c) ---- */
extern long long sim_now;		/* virtual ms (mdc_now_ms()) */
void sim_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sim_mdc_logged(const char *line);
void sim_fifo_push(struct sim_fifo *f, const struct xsan_hdr *h,
		   const void *p, bool close);

/* ---- the token table, read from inside token.c (mdc_peek.c) ---- */

/* Types session @sid holds on @ino (0 if none); *@revoking: asked back. */
uint32_t sim_mdc_held(struct mdc_vol *v, uint64_t ino, uint32_t gen,
		      uint64_t sid, uint32_t *revoking);
/* Union of the types sessions other than @sid hold on @ino that conflict
 * with @types; *@who: one such session.
 */
uint32_t sim_mdc_conflicting(struct mdc_vol *v, uint64_t ino, uint32_t gen,
			     uint64_t sid, uint32_t types, uint64_t *who);
/* The age of the oldest unanswered REVOKE of @sid (any session if 0), -1
 * if none; *@who: its session.
 */
long long sim_mdc_oldest_revoke(struct mdc_vol *v, uint64_t sid,
				uint64_t *who);
/* TOKEN_GETs parked on the volume's inodes. */
unsigned int sim_mdc_parked(struct mdc_vol *v);
/* Locks held on the volume's inodes; *@waiters: registered waiters. */
unsigned int sim_mdc_locks(struct mdc_vol *v, unsigned int *waiters);

#endif /* XSAN_SIM_H */
