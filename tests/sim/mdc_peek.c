// SPDX-License-Identifier: GPL-2.0
/*
 * The MDC's real token code, compiled unchanged: this file includes
 * tools/mdc/token.c, so it is the only copy of it in the simulator, and
 * adds read-only views of its private table (struct mdc_tokens) for the
 * invariants. Nothing here changes the table.
 */
#include "../../tools/mdc/token.c"

#include "sim.h"

static struct mdc_tnode *peek_node(struct mdc_vol *v, uint64_t ino,
				   uint32_t gen)
{
	struct xsan_fid fid = { .ino = ino, .gen = gen };

	return v->tokens ? node_find(v->tokens, &fid, false) : NULL;
}

uint32_t sim_mdc_held(struct mdc_vol *v, uint64_t ino, uint32_t gen,
		      uint64_t sid, uint32_t *revoking)
{
	struct mdc_tnode *n = peek_node(v, ino, gen);
	struct mdc_hold *h;

	*revoking = 0;
	for (h = n ? n->holds : NULL; h; h = h->next)
		if (h->s->id == sid) {
			*revoking = h->revoking;
			return h->types;
		}
	return 0;
}

uint32_t sim_mdc_conflicting(struct mdc_vol *v, uint64_t ino, uint32_t gen,
			     uint64_t sid, uint32_t types, uint64_t *who)
{
	struct mdc_tnode *n = peek_node(v, ino, gen);
	uint32_t conf = mdc_tok_conflicts(types), got = 0;
	struct mdc_hold *h;

	for (h = n ? n->holds : NULL; h; h = h->next)
		if (h->s->id != sid && (h->types & conf)) {
			got |= h->types & conf;
			*who = h->s->id;
		}
	return got;
}

long long sim_mdc_oldest_revoke(struct mdc_vol *v, uint64_t sid,
				uint64_t *who)
{
	struct mdc_tokens *t = v->tokens;
	long long oldest = -1, now = mdc_now_ms();
	struct mdc_tnode *n;
	struct mdc_hold *h;
	unsigned int i;

	for (i = 0; t && i < MDC_TOK_HASH; i++)
		for (n = t->hash[i]; n; n = n->next)
			for (h = n->holds; h; h = h->next)
				if (h->revoke_ms && (!sid || h->s->id == sid) &&
				    now - h->revoke_ms > oldest) {
					oldest = now - h->revoke_ms;
					*who = h->s->id;
				}
	return oldest;
}

unsigned int sim_mdc_parked(struct mdc_vol *v)
{
	struct mdc_tokens *t = v->tokens;
	const struct mdc_twait *w;
	struct mdc_tnode *n;
	unsigned int i, k = 0;

	for (i = 0; t && i < MDC_TOK_HASH; i++)
		for (n = t->hash[i]; n; n = n->next)
			for (w = n->waits; w; w = w->next)
				k++;
	return k;
}

unsigned int sim_mdc_locks(struct mdc_vol *v, unsigned int *waiters)
{
	struct mdc_tokens *t = v->tokens;
	struct mdc_tnode *n;
	unsigned int i, k = 0;

	*waiters = 0;
	for (i = 0; t && i < MDC_TOK_HASH; i++)
		for (n = t->hash[i]; n; n = n->next) {
			k += mdc_lock_count(&n->locks);
			*waiters += n->locks.nwaiters;
		}
	return k;
}
