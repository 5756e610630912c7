// SPDX-License-Identifier: GPL-2.0
/*
 * xsanio: system calls the shell cannot make, for the QEMU tests.
 *
 *   xsanio dio FILE CHUNK_MIB MARK
 *	O_DIRECT writes that stay uncommitted: open FILE (O_WRONLY |
 *	O_CREAT | O_DIRECT) once and write standard input to it in chunks
 *	of CHUNK_MIB MiB, appending, through that one open file. After chunk
 *	K create MARK.K and wait (at most 300 s) until MARK.go.K exists; at
 *	the end of the input close the file. Nothing is fsynced: the
 *	writes' commits are still owed to the MDC (fs/data.c, "Deferred
 *	O_DIRECT commits") while it waits, so another client's stat and
 *	read must get them by a REVOKE. A short last chunk is padded with
 *	zeros to 4 KiB.
 *   xsanio srange FILE MARK
 *	write standard input to FILE (created, truncated) with write(2),
 *	then sync_file_range(WAIT_BEFORE | WRITE | WAIT_AFTER) over all of
 *	it; create MARK.1 and wait (at most 300 s) for MARK.go.1 before
 *	closing, so another guest can look while the file is still open
 *	and nothing but sync_file_range wrote it
 *   xsanio closeerr FILE MARK
 *	write standard input to FILE (created, truncated) with write(2),
 *	create MARK.1, wait for MARK.go.1, then close(2) it and print what
 *	close returned: "0" or the error's message (exit 0 either way)
 *   xsanio cfr SRC DST
 *	copy SRC to DST (created, truncated) with copy_file_range(2) only;
 *	prints the bytes copied
 *   xsanio sendfile SRC DST
 *	the same with sendfile(2)
 *
 * Exit 0 on success, 1 with a message on failure, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "xsanio: %s: %s\n", what, strerror(errno));
	return 1;
}

static int wait_for(const char *path)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	struct stat st;

	for (int i = 0; i < 300 * 20; i++) {
		if (!stat(path, &st))
			return 0;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "xsanio: %s did not appear in 300 s\n", path);
	return 1;
}

static int dio(const char *file, const char *chunk_mib, const char *mark)
{
	char path[4096];
	size_t chunk, got;
	long mib;
	char *buf, *end;
	off_t off = 0;
	int fd, k;

	errno = 0;
	mib = strtol(chunk_mib, &end, 10);
	if (errno || *end || mib < 1 || mib > 1024)
		return fprintf(stderr, "xsanio: bad CHUNK_MIB %s\n", chunk_mib), 2;
	chunk = (size_t)mib << 20;
	if (posix_memalign((void **)&buf, 4096, chunk))
		return fprintf(stderr, "xsanio: out of memory\n"), 1;
	fd = open(file, O_WRONLY | O_CREAT | O_DIRECT, 0644);
	if (fd < 0)
		return die(file);
	for (k = 1;; k++) {
		ssize_t n;

		got = 0;
		while (got < chunk) {
			n = read(0, buf + got, chunk - got);
			if (n < 0)
				return die("read");
			if (!n)
				break;
			got += (size_t)n;
		}
		if (!got)
			break;
		if (got % 4096) {
			memset(buf + got, 0, 4096 - got % 4096);
			got += 4096 - got % 4096;
		}
		n = pwrite(fd, buf, got, off);
		if (n < 0 || (size_t)n != got)
			return die("pwrite");
		off += (off_t)got;
		snprintf(path, sizeof(path), "%s.%d", mark, k);
		if (close(open(path, O_WRONLY | O_CREAT, 0644)))
			return die(path);
		snprintf(path, sizeof(path), "%s.go.%d", mark, k);
		if (wait_for(path))
			return 1;
	}
	if (close(fd))
		return die("close");
	free(buf);
	return 0;
}

/* write standard input to @fd */
static int write_all(int fd)
{
	static char buf[1 << 16];
	ssize_t n;

	while ((n = read(0, buf, sizeof(buf))) > 0) {
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(fd, buf + done, (size_t)(n - done));

			if (w < 0)
				return die("write");
			done += w;
		}
	}
	return n < 0 ? die("read") : 0;
}

static int srange(const char *file, const char *mark)
{
	char path[4096];
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return die(file);
	if (write_all(fd))
		return 1;
	if (sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE |
			    SYNC_FILE_RANGE_WRITE |
			    SYNC_FILE_RANGE_WAIT_AFTER))
		return die("sync_file_range");
	snprintf(path, sizeof(path), "%s.1", mark);
	if (close(open(path, O_WRONLY | O_CREAT, 0644)))
		return die(path);
	snprintf(path, sizeof(path), "%s.go.1", mark);
	if (wait_for(path))
		return 1;
	if (close(fd))
		return die("close");
	return 0;
}

static int closeerr(const char *file, const char *mark)
{
	char path[4096];
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return die(file);
	if (write_all(fd))
		return 1;
	snprintf(path, sizeof(path), "%s.1", mark);
	if (close(open(path, O_WRONLY | O_CREAT, 0644)))
		return die(path);
	snprintf(path, sizeof(path), "%s.go.1", mark);
	if (wait_for(path))
		return 1;
	if (close(fd))
		printf("%s\n", strerror(errno));
	else
		printf("0\n");
	return 0;
}

static int copy(const char *src, const char *dst, int use_sendfile)
{
	struct stat st;
	long long total = 0;
	int in = open(src, O_RDONLY), out;

	if (in < 0)
		return die(src);
	if (fstat(in, &st))
		return die("fstat");
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		return die(dst);
	while (total < st.st_size) {
		size_t want = (size_t)(st.st_size - total);
		ssize_t n;

		if (want > (1u << 30))
			want = 1u << 30;
		n = use_sendfile ? sendfile(out, in, NULL, want) :
		    copy_file_range(in, NULL, out, NULL, want, 0);
		if (n < 0)
			return die(use_sendfile ? "sendfile" : "copy_file_range");
		if (!n)
			break;
		total += n;
	}
	if (close(out) || close(in))
		return die("close");
	printf("%lld\n", total);
	return total == st.st_size ? 0 :
	       (fprintf(stderr, "xsanio: copied %lld of %lld bytes\n", total,
			(long long)st.st_size), 1);
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "dio"))
		return dio(argv[2], argv[3], argv[4]);
	if (argc == 4 && !strcmp(argv[1], "srange"))
		return srange(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "closeerr"))
		return closeerr(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "cfr"))
		return copy(argv[2], argv[3], 0);
	if (argc == 4 && !strcmp(argv[1], "sendfile"))
		return copy(argv[2], argv[3], 1);
	fprintf(stderr, "usage: xsanio dio FILE CHUNK_MIB MARK | srange FILE MARK | closeerr FILE MARK | cfr SRC DST | sendfile SRC DST\n");
	return 2;
}
