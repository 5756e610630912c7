// SPDX-License-Identifier: GPL-2.0
/*
 * xsanmdc: the xsanfs metadata controller. Runs in the foreground, logs
 * to stderr (and syslog with -s), serves the volumes of a config
 * directory on the session port (60766) and answers the name service
 * (60868). SIGTERM and SIGINT stop it cleanly; kill -9 loses nothing that
 * was acknowledged, because no reply leaves before its commit is durable.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "mdc.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xsanmdc -c CONFIG_DIR [-S STATE_DIR] [-b ADDRESS] [-p PORT] [-n PORT]\n"
		"               [-l LEASE_SECONDS] [-g GRACE_SECONDS] [-s] [-v]\n"
		"  -c DIR    volume configs: VOLUME.cfgx, VOLUME.auth_secret, fsports, fsnameservers\n"
		"  -S DIR    metadata: DIR/VOLUME (default /var/lib/xsanfs)\n"
		"  -b ADDR   listen on this address only (default: all)\n"
		"  -p PORT   volume sessions (default %d; 0: any free port)\n"
		"  -n PORT   name service (default %d; 0: any free port)\n"
		"  -l SECS   client lease period (default %u)\n"
		"  -g SECS   grace after a lease runs out (default %u)\n"
		"  -s        log to syslog as well\n"
		"  -v        debug log lines\n",
		XSAN_VOLUME_PORT, XSAN_NAME_PORT, MDC_LEASE_MS / 1000,
		MDC_GRACE_MS / 1000);
}

/* A decimal number in [lo, hi], all of the string; -1 if not. */
static long num_arg(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	return v;
}

static int parse_args(int argc, char **argv, struct mdc_opts *o)
{
	int ch;
	long v;

	o->state_dir = "/var/lib/xsanfs";
	o->port = XSAN_VOLUME_PORT;
	o->ns_port = XSAN_NAME_PORT;
	o->lease_ms = MDC_LEASE_MS;
	o->grace_ms = MDC_GRACE_MS;
	opterr = 0;
	while ((ch = getopt(argc, argv, ":c:S:b:p:n:l:g:svh")) != -1) {
		switch (ch) {
		case 'c':
			o->config_dir = optarg;
			break;
		case 'S':
			o->state_dir = optarg;
			break;
		case 'b':
			o->bind = optarg;
			break;
		case 'p':
		case 'n':
			v = num_arg(optarg, 0, 65535);
			if (v < 0) {
				fprintf(stderr, "xsanmdc: -%c %s: not a port number (0-65535)\n",
					ch, optarg);
				return 2;
			}
			*(ch == 'p' ? &o->port : &o->ns_port) = (int)v;
			break;
		case 'l':
		case 'g':
			v = num_arg(optarg, ch == 'l' ? 1 : 0, 3600);
			if (v < 0) {
				fprintf(stderr, "xsanmdc: -%c %s: not a number of seconds (%d-3600)\n",
					ch, optarg, ch == 'l' ? 1 : 0);
				return 2;
			}
			*(ch == 'l' ? &o->lease_ms : &o->grace_ms) = (uint32_t)v * 1000;
			break;
		case 's':
			o->syslog = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case ':':
			fprintf(stderr, "xsanmdc: -%c needs an argument\n", optopt);
			usage(stderr);
			return 2;
		default:
			fprintf(stderr, "xsanmdc: unknown option -%c\n", optopt);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xsanmdc: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!o->config_dir) {
		fprintf(stderr, "xsanmdc: -c CONFIG_DIR is required\n");
		usage(stderr);
		return 2;
	}
	return 0;
}

static void on_signal(struct mdc *m, struct mdc_io *io, uint32_t events)
{
	struct signalfd_siginfo si;

	(void)events;
	if (read(io->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		mdc_log(LOG_NOTICE, "signal %u: shutting down", si.ssi_signo);
		m->stop = true;
	}
}

static int add_listener(struct mdc *m, enum mdc_conn_kind kind,
			struct mdc_vol *v, int port, int *bound)
{
	struct mdc_listener *l;
	char err[256];
	int fd;

	fd = mdc_listen(m, m->o.bind, port, bound, err, sizeof(err));
	if (fd < 0) {
		mdc_log(LOG_ERR, "%s", err);
		return -1;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		close(fd);
		return -1;
	}
	l->io.fd = fd;
	l->io.fn = mdc_accept;
	l->kind = kind;
	l->vol = v;
	l->next = m->listeners;
	m->listeners = l;
	if (mdc_io_add(m, &l->io, EPOLLIN)) {
		mdc_log(LOG_ERR, "epoll: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* fsports: each volume also gets a port of its own from the range. */
static int add_volume_listeners(struct mdc *m)
{
	struct mdc_vol *v;
	int p = m->min_port, bound;

	for (v = m->vols; v; v = v->next) {
		char err[256];
		int fd = -1;

		for (; p <= m->max_port && fd < 0; p++)
			fd = mdc_listen(m, m->o.bind, p, &bound, err, sizeof(err));
		if (fd < 0) {
			mdc_log(LOG_ERR, "volume %s: no free port in fsports range %d-%d",
				v->name, m->min_port, m->max_port);
			return -1;
		}
		close(fd);
		if (add_listener(m, MDC_CONN_SESSION, v, bound, &bound))
			return -1;
		v->port = bound;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct mdc m = { .epfd = -1 };
	struct mdc_io sig = { .fd = -1, .fn = on_signal };
	struct mdc_listener *l, *ln;
	struct mdc_vol *v;
	char err[1024];
	sigset_t mask;
	int rc, sport, nport;

	rc = parse_args(argc, argv, &m.o);
	if (rc)
		return rc == 1 ? 0 : 2;
	mdc_log_init(m.o.syslog, m.o.verbose);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	m.started_ms = mdc_now_ms();
	m.scratch = malloc(XSAN_PAYLOAD_MAX);
	m.scratch2 = malloc(XSAN_PAYLOAD_MAX);
	m.epfd = epoll_create1(EPOLL_CLOEXEC);
	sig.fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	rc = 1;
	if (!m.scratch || !m.scratch2 || m.epfd < 0 || sig.fd < 0 ||
	    mdc_io_add(&m, &sig, EPOLLIN)) {
		mdc_log(LOG_ERR, "cannot set up: %s", strerror(errno));
		goto out;
	}
	if (mdc_volumes_load(&m, err, sizeof(err))) {
		mdc_log(LOG_ERR, "%s", err);
		goto out;
	}
	if (add_listener(&m, MDC_CONN_SESSION, NULL, m.o.port, &sport) ||
	    add_listener(&m, MDC_CONN_NS, NULL, m.o.ns_port, &nport))
		goto out;
	for (v = m.vols; v; v = v->next)
		v->port = sport;
	if (m.min_port && add_volume_listeners(&m))
		goto out;
	mdc_log(LOG_NOTICE, "listening on %s: sessions port %d, name service port %d",
		m.o.bind ? m.o.bind : "all addresses", sport, nport);
	for (v = m.vols; v; v = v->next) {
		const uint8_t *u = v->uuid;

		mdc_log(LOG_NOTICE,
			"serving volume %s uuid %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x on port %d, lease %u ms + grace %u ms",
			v->name, u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
			u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15],
			v->port, m.o.lease_ms, m.o.grace_ms);
	}
	rc = mdc_run(&m) ? 1 : 0;
	mdc_commit_all(&m);
	for (v = m.vols; v; v = v->next)
		mdc_log(LOG_INFO, "volume %s: %llu requests in %llu commits",
			v->name, (unsigned long long)v->ops,
			(unsigned long long)v->batches);
out:
	mdc_close_all(&m);
	for (l = m.listeners; l; l = ln) {
		ln = l->next;
		close(l->io.fd);
		free(l);
	}
	mdc_volumes_free(&m);
	if (sig.fd >= 0)
		close(sig.fd);
	if (m.epfd >= 0)
		close(m.epfd);
	free(m.scratch);
	free(m.scratch2);
	mdc_log(rc ? LOG_ERR : LOG_NOTICE, rc ? "stopped after an error" : "stopped");
	return rc;
}
