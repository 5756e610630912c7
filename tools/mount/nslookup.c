// SPDX-License-Identifier: GPL-2.0
/*
 * The name service lookup of mount.xsanfs (see nslookup.h). Each name server
 * gets one connection, one NS_LOOKUP and the per-server timeout; the first
 * that knows the volume wins. A name server that does not know it is not
 * an error by itself: each xsanmdc names only the volumes it serves, so
 * the next one may. When none knows it, or none answers, the sentence
 * lists every server tried and what happened there.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "config.h"
#include "nslookup.h"
#include "util.h"

/**
 * xmount_ns_load() - the name servers listed in fsnameservers
 * @path: the file (/etc/xsanfs/fsnameservers)
 * @volume: the volume, for the sentence when there is no file
 * @list: filled in; free it with xmount_ns_list_free(), also after an error
 * @warn: where the file's warnings go (duplicates), or NULL
 * @err: a sentence saying what is wrong
 * @errlen: size of @err
 *
 * The format is the MDC's (tools/lib/config.c): one host per line, '#'
 * comments.
 *
 * Return: 0, or -1 with @err set: no file, a file that lists no host, or a
 * bad line (the sentence names the file and line).
 */
int xmount_ns_load(const char *path, const char *volume,
		   struct xmount_ns_list *list, FILE *warn,
		   char *err, size_t errlen)
{
	struct xsan_cfg_nameservers ns;
	size_t i;

	memset(list, 0, sizeof(*list));
	if (access(path, F_OK) && errno == ENOENT) {
		xsan_seterr(err, errlen,
			    "no metadata controller for volume %s: give -o mdc=HOST or list name servers in %s",
			    volume, path);
		return -1;
	}
	if (xsan_cfg_load_nameservers(path, &ns, err, errlen))
		return -1;
	for (i = 0; warn && i < ns.warnings.n; i++)
		fprintf(warn, "mount.xsanfs: %s\n", ns.warnings.msgs[i]);
	if (!ns.n) {
		xsan_cfg_nameservers_free(&ns);
		xsan_seterr(err, errlen,
			    "no metadata controller for volume %s: %s lists no name server; give -o mdc=HOST or add one",
			    volume, path);
		return -1;
	}
	list->hosts = ns.hosts;
	list->n = ns.n;
	ns.hosts = NULL;
	ns.n = 0;
	xsan_cfg_nameservers_free(&ns);
	return 0;
}

/**
 * xmount_ns_list_free() - release what xmount_ns_load() allocated
 * @list: left empty
 */
void xmount_ns_list_free(struct xmount_ns_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		free(list->hosts[i]);
	free(list->hosts);
	memset(list, 0, sizeof(*list));
}

static bool xmount_volume_name_ok(const char *v)
{
	size_t n = strlen(v);

	return n >= 1 && n <= 64 &&
	       strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.") == n &&
	       v[0] != '.' && v[0] != '-' && v[0] != '_';
}

/* A growing "a; b; c" list in a fixed buffer; truncation is harmless. */
struct xmount_strlist {
	char buf[1024];
	size_t len;
	unsigned int n;
};

static void xmount_strlist_add(struct xmount_strlist *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void xmount_strlist_add(struct xmount_strlist *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->buf) - 1)
		return;
	if (l->n++) {
		n = snprintf(l->buf + l->len, sizeof(l->buf) - l->len, "; ");
		l->len += (size_t)n;
		if (l->len >= sizeof(l->buf) - 1)
			return;
	}
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
	if (l->len >= sizeof(l->buf))
		l->len = sizeof(l->buf) - 1;
}

/* Only what a host name or address is made of; the reply is peer data. */
static bool xmount_host_chars_ok(const char *h, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char ch = h[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
		      ch == ':' || ch == '_'))
			return false;
	}
	return true;
}

/*
 * The session address from a name server's reply: the host it named, or
 * (empty host) the address we reached it at. Returns 0 or -1 with @err.
 */
static int xmount_ns_mdc(struct xsan_client *c, const struct xsan_rep *rep,
			 const char *server, xmount_resolve_fn resolve,
			 char *out, size_t outlen, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[XSAN_HOST_MAX + 1], in[XSAN_HOST_MAX + 16], why[512];
	const void *a;

	if (rep->hostlen) {
		if (rep->hostlen > XSAN_HOST_MAX ||
		    !xmount_host_chars_ok(rep->host, rep->hostlen)) {
			xsan_seterr(err, errlen,
				    "name server %s named a metadata controller that is not a host name or address",
				    server);
			return -1;
		}
		memcpy(host, rep->host, rep->hostlen);
		host[rep->hostlen] = '\0';
	} else {
		if (getpeername(c->fd, (struct sockaddr *)&ss, &sl)) {
			xsan_seterr(err, errlen, "name server %s: %s", server,
				    strerror(errno));
			return -1;
		}
		a = ss.ss_family == AF_INET6 ?
			(const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr :
			(const void *)&((struct sockaddr_in *)&ss)->sin_addr;
		if (!inet_ntop(ss.ss_family, a, host, sizeof(host))) {
			xsan_seterr(err, errlen, "name server %s: %s", server,
				    strerror(errno));
			return -1;
		}
	}
	snprintf(in, sizeof(in), strchr(host, ':') ? "[%s]:%u" : "%s:%u", host,
		 (unsigned int)rep->port);
	if (xmount_mdc_normalise(in, out, outlen, resolve, why, sizeof(why))) {
		xsan_seterr(err, errlen, "name server %s named metadata controller %s, but: %s",
			    server, in, why);
		return -1;
	}
	return 0;
}

/**
 * xmount_ns_lookup() - ask the name servers where a volume is served
 * @volume: the volume name
 * @hosts: the name servers, in the order to ask them
 * @n: how many
 * @port: their port (XSAN_NAME_PORT unless nsport=)
 * @timeout_ms: for each server: connect, and then the answer
 * @resolve: resolves a host name the answer gives
 * @ans: the answer, on success
 * @verbose: where to say what each server answered (-v), or NULL
 * @err: a sentence saying what is wrong
 * @errlen: size of @err
 *
 * Return: 0, or -1 with @err set: @volume is not a volume name, no server
 * knows the volume, no server answered (each tried address and why is listed), a mix of both, or an
 * answer that names no usable address.
 */
int xmount_ns_lookup(const char *volume, char *const *hosts, size_t n,
		     unsigned int port, int timeout_ms, xmount_resolve_fn resolve,
		     struct xmount_ns_answer *ans, FILE *verbose,
		     char *err, size_t errlen)
{
	struct xmount_strlist unknown = { .len = 0 }, dead = { .len = 0 };
	size_t i;

	memset(ans, 0, sizeof(*ans));
	/* The kernel's rule (fs/super.c); checked here, as nobody else will. */
	if (!xmount_volume_name_ok(volume)) {
		xsan_seterr(err, errlen,
			    "'%.80s' is not a volume name: give 1 to 64 characters of A-Z a-z 0-9 _ - . starting with a letter or digit",
			    volume);
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct xsan_req r = {
			.op = XSAN_OP_NS_LOOKUP,
			.name = volume,
			.namelen = (u32)strlen(volume),
		};
		struct xsan_client c;
		struct xsan_rep rep;
		char server[300];
		int e;

		snprintf(server, sizeof(server), "%s port %u", hosts[i], port);
		e = xsan_client_init(&c, timeout_ms);
		if (e) {
			xsan_client_close(&c);
			xsan_seterr(err, errlen, "cannot ask the name service: %s",
				    strerror(-e));
			return -1;
		}
		e = xsan_client_connect(&c, hosts[i], (int)port);
		if (!e) {
			e = xsan_client_call(&c, &r, &rep);
			if (!e) {
				e = xmount_ns_mdc(&c, &rep, server, resolve, ans->mdc,
						  sizeof(ans->mdc), err, errlen);
				if (!e) {
					snprintf(ans->server, sizeof(ans->server), "%s", server);
					memcpy(ans->uuid, rep.uuid, sizeof(ans->uuid));
				}
				xsan_client_close(&c);
				if (!e && verbose)
					fprintf(verbose,
						"mount.xsanfs: name server %s: volume %s is served at %s\n",
						server, volume, ans->mdc);
				return e ? -1 : 0;
			}
			if (e == -ENOENT) {
				xmount_strlist_add(&unknown, "%s", server);
				if (verbose)
					fprintf(verbose,
						"mount.xsanfs: name server %s: no volume %s there\n",
						server, volume);
			} else {
				xmount_strlist_add(&dead, "%s: %s", server, c.err);
				if (verbose)
					fprintf(verbose, "mount.xsanfs: name server %s: %s\n",
						server, c.err);
			}
		} else {
			/* c.err names the host and port already. */
			xmount_strlist_add(&dead, "%s", c.err);
			if (verbose)
				fprintf(verbose, "mount.xsanfs: name server %s\n", c.err);
		}
		xsan_client_close(&c);
	}

	if (unknown.n && !dead.n)
		xsan_seterr(err, errlen,
			    "volume %s is unknown to the name service (asked %s): check the name, and that its metadata controller is running",
			    volume, unknown.buf);
	else if (unknown.n)
		xsan_seterr(err, errlen,
			    "volume %s is unknown to the name servers that answered (%s), and no answer came from %s",
			    volume, unknown.buf, dead.buf);
	else
		xsan_seterr(err, errlen,
			    "no name server answered for volume %s: tried %s",
			    volume, dead.buf);
	return -1;
}
