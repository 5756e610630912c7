// SPDX-License-Identifier: GPL-2.0
/*
 * xsanlock: POSIX (fcntl) and flock(2) locks for the QEMU tests of
 * cluster-wide locks (tests/qemu/locks.sh). Each run is one process, so
 * one POSIX lock owner; two runs on two guests (or on one host) are two
 * owners. TYPE is "rd" or "wr"; START and LEN are bytes, LEN 0 meaning
 * "to the end of the file". FILE is opened O_RDWR | O_CREAT (0644). A
 * MARK is a path prefix: MARK.1, MARK.2, ... are empty files this program
 * creates, MARK.go one it waits for (polled every 20 ms); put them on the
 * shared volume for another guest to see them, or in /tmp for this
 * guest's own script. Results go to standard output, line-buffered.
 *
 *   xsanlock try FILE TYPE START LEN
 *	F_SETLK; print "ok" or "EAGAIN" (both exit 0; any other error,
 *	EACCES too, prints "error: <message>" and exits 1), then close
 *	(which releases the lock)
 *   xsanlock ofdtry FILE TYPE START LEN
 *	the same with an open file description lock (F_OFD_SETLK)
 *   xsanlock getlk FILE TYPE START LEN
 *	F_GETLK; print "unlck" or "<rd|wr> L_START L_LEN pid=L_PID" of the
 *	conflicting lock reported
 *   xsanlock hold FILE TYPE START LEN MARK [SECS]
 *	F_SETLKW (at most SECS s, default 120: then "timeout: F_SETLKW
 *	still blocked after SECS s", exit 1); print "locked after MS ms"
 *	(the time spent in F_SETLKW), create MARK.1, wait for MARK.go (at
 *	most SECS s: then "timeout waiting for MARK.go", exit 1), F_UNLCK
 *	the same range, print "unlocked", create MARK.2, close
 *   xsanlock flock FILE sh|ex MARK [SECS]
 *	the same with flock(2) LOCK_SH or LOCK_EX (blocking) and LOCK_UN
 *   xsanlock flocktry FILE sh|ex
 *	flock(2) with LOCK_NB; print "ok" or "EWOULDBLOCK", then close
 *   xsanlock counter FILE N
 *	N times: F_SETLKW a write lock on bytes [0, 8) of FILE (opened
 *	once; at most 60 s per wait), pread those 8 bytes (a little-endian
 *	u64; an empty file is 0), add 1, pwrite them back, F_UNLCK. Prints
 *	"counter: did N, last value V", then a line of timings. A value
 *	read that is below the one this process last wrote (a stale read:
 *	an increment is about to be lost) fails at once (exit 1). Two
 *	owners running it with the same N on one file must leave 2N.
 *   xsanlock intr FILE MARK
 *	F_SETLK a read lock on [0, 100) (exit 1 if refused), create
 *	MARK.1, then F_SETLKW a write lock on [0, 100) (an upgrade) with a
 *	SIGALRM 2 s later (handler without SA_RESTART); print "upgrade:
 *	EINTR after MS ms" (another owner holds a read lock there),
 *	"upgrade: ok" or "upgrade: <message>"; create MARK.2, wait for
 *	MARK.go (at most 120 s), close. Meanwhile another owner can check
 *	that the read lock survived the interrupted upgrade.
 *   xsanlock deadlock FILE1 FILE2 MARK a|b
 *	the two sides of an ABBA deadlock. a: F_SETLK a write lock on
 *	FILE1 [0, 1), create MARK.a1, wait for MARK.b1 (at most 120 s),
 *	then F_SETLKW a write lock on FILE2 [0, 1). b: the same with the
 *	files swapped and MARK.b1 / MARK.a1, and a 1 s sleep before its
 *	F_SETLKW (so a usually waits first). Each F_SETLKW has a 30 s
 *	SIGALRM as a safety net. Prints "a: ok", "a: EDEADLK", "a: EINTR"
 *	(the safety net fired) or "a: error: <message>" (exit 1), then a
 *	line with the time F_SETLKW took, closes both files and exits,
 *	releasing its lock so that the other side can go on. Exactly one
 *	side should see EDEADLK and the other one then get "ok".
 *   xsanlock lost FILE MARK
 *	F_SETLK a write lock on [0, 100) (exit 1 if refused), pwrite 8
 *	bytes at 0 and fsync, create MARK.1, wait for MARK.go (at most 300 s); then
 *	pwrite again and print "write under the lock: ok" or "...: <error>",
 *	unlock, pwrite once more and print "write after the unlock: ok" or
 *	"...: <error>", close. With the lock lost at the MDC meanwhile (the
 *	session lost), the first must fail EIO and the second succeed.
 *
 * Exit 0 on success, 1 with a message on failure, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarmed;

static void on_alarm(int sig)
{
	(void)sig;
	alarmed = 1;
}

/* SIGALRM interrupts a blocking call (no SA_RESTART) and sets alarmed */
static int setup_alarm(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	if (sigaction(SIGALRM, &sa, NULL)) {
		fprintf(stderr, "xsanlock: sigaction: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

static void arm(unsigned int secs)
{
	alarmed = 0;
	alarm(secs);
}

static int die(const char *what, const char *arg)
{
	int e = errno;

	if (arg)
		fprintf(stderr, "xsanlock: %s %s: %s\n", what, arg, strerror(e));
	else
		fprintf(stderr, "xsanlock: %s: %s\n", what, strerror(e));
	return 1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int open_file(const char *file)
{
	int fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		die("open", file);
	return fd;
}

/* create the empty file MARK.SUFFIX */
static int touch(const char *mark, const char *suffix)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s.%s", mark, suffix);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return die("create", path);
	if (close(fd))
		return die("close", path);
	return 0;
}

/* wait until MARK.SUFFIX exists, polling every 20 ms, at most @secs s */
static int wait_mark(const char *mark, const char *suffix, int secs)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	long long end = now_ms() + (long long)secs * 1000;
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s.%s", mark, suffix);
	for (;;) {
		if (!stat(path, &st))
			return 0;
		if (errno != ENOENT)
			return die("stat", path);
		if (now_ms() >= end)
			break;
		nanosleep(&ts, NULL);
	}
	printf("timeout waiting for %s\n", path);
	return 1;
}

static int setlk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = start;
	fl.l_len = len;
	return fcntl(fd, cmd, &fl);
}

static int parse_type(const char *s, short *type)
{
	if (!strcmp(s, "rd"))
		*type = F_RDLCK;
	else if (!strcmp(s, "wr"))
		*type = F_WRLCK;
	else
		return fprintf(stderr, "xsanlock: bad TYPE %s (rd or wr)\n", s), 2;
	return 0;
}

static int parse_num(const char *s, const char *what, long long min,
		     long long max, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	if (errno || end == s || *end || *v < min || *v > max)
		return fprintf(stderr, "xsanlock: bad %s %s\n", what, s), 2;
	return 0;
}

/* TYPE START LEN */
static int parse_range(char **argv, short *type, off_t *start, off_t *len)
{
	long long s, l;
	int rc;

	if ((rc = parse_type(argv[0], type)) ||
	    (rc = parse_num(argv[1], "START", 0, LLONG_MAX, &s)) ||
	    (rc = parse_num(argv[2], "LEN", 0, LLONG_MAX, &l)))
		return rc;
	*start = (off_t)s;
	*len = (off_t)l;
	return 0;
}

static int parse_secs(int argc, char **argv, int idx, int *secs)
{
	long long v = 120;
	int rc;

	if (argc > idx && (rc = parse_num(argv[idx], "SECS", 1, 86400, &v)))
		return rc;
	*secs = (int)v;
	return 0;
}

/*
 * A non-blocking attempt's result (@rc of the call, errno if -1): "ok",
 * @busy for EAGAIN (== EWOULDBLOCK), or "error: ..." (exit 1); then
 * close @fd, which releases what it took.
 */
static int try_report(int fd, const char *file, int rc, const char *busy)
{
	if (!rc) {
		printf("ok\n");
	} else if (errno == EAGAIN) {
		printf("%s\n", busy);
	} else {
		printf("error: %s\n", strerror(errno));
		return 1;
	}
	if (close(fd))
		return die("close", file);
	return 0;
}

static int cmd_try(char **argv, int cmd)
{
	short type;
	off_t start, len;
	int fd, rc;

	if ((rc = parse_range(argv + 1, &type, &start, &len)))
		return rc;
	fd = open_file(argv[0]);
	if (fd < 0)
		return 1;
	return try_report(fd, argv[0], setlk(fd, cmd, type, start, len),
			  "EAGAIN");
}

static int cmd_getlk(char **argv)
{
	struct flock fl;
	short type;
	off_t start, len;
	int fd, rc;

	if ((rc = parse_range(argv + 1, &type, &start, &len)))
		return rc;
	fd = open_file(argv[0]);
	if (fd < 0)
		return 1;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = start;
	fl.l_len = len;
	if (fcntl(fd, F_GETLK, &fl))
		return die("fcntl F_GETLK", argv[0]);
	if (fl.l_type == F_UNLCK)
		printf("unlck\n");
	else if (fl.l_type == F_RDLCK || fl.l_type == F_WRLCK)
		printf("%s %lld %lld pid=%ld\n", fl.l_type == F_RDLCK ? "rd" : "wr",
		       (long long)fl.l_start, (long long)fl.l_len, (long)fl.l_pid);
	else
		printf("type=%d %lld %lld pid=%ld\n", fl.l_type, (long long)fl.l_start,
		       (long long)fl.l_len, (long)fl.l_pid);
	if (close(fd))
		return die("close", argv[0]);
	return 0;
}

/*
 * hold and flock: take the lock (blocking, at most @secs s), say so,
 * create MARK.1, wait for MARK.go, release, say so, create MARK.2.
 * @flock_op is LOCK_SH or LOCK_EX for flock(2), 0 for fcntl.
 */
static int do_hold(const char *file, int flock_op, short type, off_t start,
		   off_t len, const char *mark, int secs)
{
	const char *call = flock_op ? "flock" : "fcntl F_SETLKW";
	long long t0;
	int fd, r, e;

	if (setup_alarm())
		return 1;
	fd = open_file(file);
	if (fd < 0)
		return 1;
	t0 = now_ms();
	arm((unsigned int)secs);
	if (flock_op)
		r = flock(fd, flock_op);
	else
		r = setlk(fd, F_SETLKW, type, start, len);
	e = errno;
	alarm(0);
	if (r) {
		if (e == EINTR && alarmed) {
			printf("timeout: %s still blocked after %d s\n", call, secs);
			return 1;
		}
		errno = e;
		return die(call, file);
	}
	/* printed before MARK.1: whoever sees MARK.1 finds the line */
	printf("locked after %lld ms\n", now_ms() - t0);
	if (touch(mark, "1") || wait_mark(mark, "go", secs))
		return 1;
	if (flock_op)
		r = flock(fd, LOCK_UN);
	else
		r = setlk(fd, F_SETLK, F_UNLCK, start, len);
	if (r)
		return die(flock_op ? "flock LOCK_UN" : "fcntl F_UNLCK", file);
	printf("unlocked\n");
	if (touch(mark, "2"))
		return 1;
	if (close(fd))
		return die("close", file);
	return 0;
}

static int cmd_hold(int argc, char **argv)
{
	short type;
	off_t start, len;
	int secs, rc;

	if ((rc = parse_range(argv + 1, &type, &start, &len)) ||
	    (rc = parse_secs(argc, argv, 5, &secs)))
		return rc;
	return do_hold(argv[0], 0, type, start, len, argv[4], secs);
}

static int parse_flock(const char *s, int *op)
{
	if (!strcmp(s, "sh"))
		*op = LOCK_SH;
	else if (!strcmp(s, "ex"))
		*op = LOCK_EX;
	else
		return fprintf(stderr, "xsanlock: bad flock type %s (sh or ex)\n", s), 2;
	return 0;
}

static int cmd_flock(int argc, char **argv)
{
	int op, secs, rc;

	if ((rc = parse_flock(argv[1], &op)) ||
	    (rc = parse_secs(argc, argv, 3, &secs)))
		return rc;
	return do_hold(argv[0], op, 0, 0, 0, argv[2], secs);
}

static int cmd_flocktry(char **argv)
{
	int op, fd, rc;

	if ((rc = parse_flock(argv[1], &op)))
		return rc;
	fd = open_file(argv[0]);
	if (fd < 0)
		return 1;
	return try_report(fd, argv[0], flock(fd, op | LOCK_NB), "EWOULDBLOCK");
}

static int cmd_counter(char **argv)
{
	long long n, t0, w0, w, slowest = 0;
	uint64_t v = 0, mine = 0;
	unsigned char b[8];
	int fd;

	if (parse_num(argv[1], "N", 1, 100000000, &n))
		return 2;
	if (setup_alarm())
		return 1;
	fd = open_file(argv[0]);
	if (fd < 0)
		return 1;
	t0 = now_ms();
	for (long long i = 0; i < n; i++) {
		ssize_t got;

		w0 = now_ms();
		arm(60);
		if (setlk(fd, F_SETLKW, F_WRLCK, 0, 8)) {
			int e = errno;

			alarm(0);
			if (e == EINTR && alarmed) {
				printf("timeout: F_SETLKW of iteration %lld still blocked after 60 s\n",
				       i + 1);
				return 1;
			}
			errno = e;
			return die("fcntl F_SETLKW", argv[0]);
		}
		alarm(0);
		w = now_ms() - w0;
		if (w > slowest)
			slowest = w;
		got = pread(fd, b, sizeof(b), 0);
		if (got < 0)
			return die("pread", argv[0]);
		if (got == 0) {
			v = 0;
		} else if (got == (ssize_t)sizeof(b)) {
			v = 0;
			for (int k = 7; k >= 0; k--)
				v = v << 8 | b[k];
		} else {
			printf("counter: short read of %zd bytes at offset 0 (iteration %lld)\n",
			       got, i + 1);
			return 1;
		}
		if (v < mine) {
			printf("counter: read %llu at iteration %lld, below the %llu this process wrote: a stale read\n",
			       (unsigned long long)v, i + 1, (unsigned long long)mine);
			return 1;
		}
		v++;
		for (int k = 0; k < 8; k++)
			b[k] = (unsigned char)(v >> (8 * k));
		got = pwrite(fd, b, sizeof(b), 0);
		if (got < 0)
			return die("pwrite", argv[0]);
		if (got != (ssize_t)sizeof(b)) {
			printf("counter: short write of %zd bytes (iteration %lld)\n", got, i + 1);
			return 1;
		}
		mine = v;
		if (setlk(fd, F_SETLK, F_UNLCK, 0, 8))
			return die("fcntl F_UNLCK", argv[0]);
	}
	printf("counter: did %lld, last value %llu\n", n, (unsigned long long)v);
	printf("counter: %lld ms, slowest F_SETLKW %lld ms\n", now_ms() - t0, slowest);
	if (close(fd))
		return die("close", argv[0]);
	return 0;
}

static int cmd_intr(char **argv)
{
	const char *file = argv[0], *mark = argv[1];
	long long t0, ms;
	int fd, r, e;

	if (setup_alarm())
		return 1;
	fd = open_file(file);
	if (fd < 0)
		return 1;
	if (setlk(fd, F_SETLK, F_RDLCK, 0, 100))
		return die("fcntl F_SETLK read lock on [0, 100) of", file);
	if (touch(mark, "1"))
		return 1;
	t0 = now_ms();
	arm(2);
	r = setlk(fd, F_SETLKW, F_WRLCK, 0, 100);
	e = errno;
	alarm(0);
	ms = now_ms() - t0;
	if (!r)
		printf("upgrade: ok\n");
	else if (e == EINTR)
		printf("upgrade: EINTR after %lld ms\n", ms);
	else
		printf("upgrade: %s\n", strerror(e));
	if (touch(mark, "2") || wait_mark(mark, "go", 120))
		return 1;
	if (close(fd))
		return die("close", file);
	return 0;
}

static int cmd_deadlock(char **argv)
{
	const char *mark = argv[2], *side = argv[3];
	int a = !strcmp(side, "a");
	const char *mine = a ? argv[0] : argv[1], *other = a ? argv[1] : argv[0];
	struct timespec one = { 1, 0 };
	long long t0;
	int fm, fo, r, e;

	if (!a && strcmp(side, "b"))
		return fprintf(stderr, "xsanlock: bad WHICH %s (a or b)\n", side), 2;
	if (setup_alarm())
		return 1;
	fm = open_file(mine);
	if (fm < 0)
		return 1;
	fo = open_file(other);
	if (fo < 0)
		return 1;
	if (setlk(fm, F_SETLK, F_WRLCK, 0, 1))
		return die("fcntl F_SETLK write lock on [0, 1) of", mine);
	if (touch(mark, a ? "a1" : "b1") || wait_mark(mark, a ? "b1" : "a1", 120))
		return 1;
	if (!a)
		nanosleep(&one, NULL);
	t0 = now_ms();
	arm(30);
	r = setlk(fo, F_SETLKW, F_WRLCK, 0, 1);
	e = errno;
	alarm(0);
	if (!r)
		printf("%s: ok\n", side);
	else if (e == EDEADLK)
		printf("%s: EDEADLK\n", side);
	else if (e == EINTR)
		printf("%s: EINTR\n", side);
	else
		printf("%s: error: %s\n", side, strerror(e));
	printf("%s: F_SETLKW on %s returned after %lld ms\n", side, other, now_ms() - t0);
	if (close(fo))
		return die("close", other);
	if (close(fm))
		return die("close", mine);
	return r && e != EDEADLK && e != EINTR;
}

static int cmd_lost(char **argv)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			    .l_start = 0, .l_len = 100 };
	const char data[8] = "lostlock";
	int fd = open_file(argv[0]);

	if (fd < 0)
		return 1;
	if (fcntl(fd, F_SETLK, &fl))
		return die("F_SETLK", argv[0]);
	if (pwrite(fd, data, sizeof(data), 0) != (ssize_t)sizeof(data))
		return die("pwrite", argv[0]);
	/* durable before the fault: only the lock is lost, not this write */
	if (fsync(fd))
		return die("fsync", argv[0]);
	if (touch(argv[1], "1") || wait_mark(argv[1], "go", 300))
		return 1;
	if (pwrite(fd, data, sizeof(data), 0) == (ssize_t)sizeof(data))
		printf("write under the lock: ok\n");
	else
		printf("write under the lock: %s\n", strerror(errno));
	fl.l_type = F_UNLCK;
	if (fcntl(fd, F_SETLK, &fl))
		printf("unlock: %s\n", strerror(errno));
	if (pwrite(fd, data, sizeof(data), 0) == (ssize_t)sizeof(data))
		printf("write after the unlock: ok\n");
	else
		printf("write after the unlock: %s\n", strerror(errno));
	if (close(fd))
		return die("close", argv[0]);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 6 && !strcmp(argv[1], "try"))
		return cmd_try(argv + 2, F_SETLK);
	if (argc == 6 && !strcmp(argv[1], "ofdtry"))
		return cmd_try(argv + 2, F_OFD_SETLK);
	if (argc == 6 && !strcmp(argv[1], "getlk"))
		return cmd_getlk(argv + 2);
	if ((argc == 7 || argc == 8) && !strcmp(argv[1], "hold"))
		return cmd_hold(argc - 2, argv + 2);
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "flock"))
		return cmd_flock(argc - 2, argv + 2);
	if (argc == 4 && !strcmp(argv[1], "flocktry"))
		return cmd_flocktry(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "counter"))
		return cmd_counter(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "intr"))
		return cmd_intr(argv + 2);
	if (argc == 6 && !strcmp(argv[1], "deadlock"))
		return cmd_deadlock(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "lost"))
		return cmd_lost(argv + 2);
	fprintf(stderr, "usage: xsanlock try|ofdtry FILE TYPE START LEN | getlk FILE TYPE START LEN\n"
		"       | hold FILE TYPE START LEN MARK [SECS] | flock FILE sh|ex MARK [SECS]\n"
		"       | flocktry FILE sh|ex | counter FILE N | intr FILE MARK\n"
		"       | deadlock FILE1 FILE2 MARK a|b | lost FILE MARK\n"
		"  TYPE: rd or wr; LEN 0: to the end of the file\n");
	return 2;
}
