// SPDX-License-Identifier: GPL-2.0
/*
 * diohold FILE CHUNK_MIB MARK: O_DIRECT writes that stay uncommitted.
 *
 * Opens FILE (O_WRONLY | O_CREAT | O_DIRECT) once and writes standard
 * input to it in chunks of CHUNK_MIB MiB, appending, through that one
 * open file. After chunk K it creates MARK.K and waits (at most 300 s)
 * until MARK.go.K exists before it goes on; at the end of the input it
 * closes the file and exits 0. Nothing is fsynced: the writes' commits
 * are still owed to the MDC (fs/data.c, "Deferred O_DIRECT commits")
 * while it waits, so another client's stat and read must get them by a
 * REVOKE. Input shorter than a chunk is padded with zeros to 4 KiB.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "diohold: %s: %s\n", what, strerror(errno));
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
	fprintf(stderr, "diohold: %s did not appear in 300 s\n", path);
	return 1;
}

int main(int argc, char **argv)
{
	char path[4096];
	size_t chunk, got;
	long mib;
	char *buf, *end;
	off_t off = 0;
	int fd, k;

	if (argc != 4)
		return fprintf(stderr, "usage: diohold FILE CHUNK_MIB MARK\n"), 2;
	errno = 0;
	mib = strtol(argv[2], &end, 10);
	if (errno || *end || mib < 1 || mib > 1024)
		return fprintf(stderr, "diohold: bad CHUNK_MIB %s\n", argv[2]), 2;
	chunk = (size_t)mib << 20;
	if (posix_memalign((void **)&buf, 4096, chunk))
		return fprintf(stderr, "diohold: out of memory\n"), 1;
	fd = open(argv[1], O_WRONLY | O_CREAT | O_DIRECT, 0644);
	if (fd < 0)
		return die(argv[1]);
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
		snprintf(path, sizeof(path), "%s.%d", argv[3], k);
		if (close(open(path, O_WRONLY | O_CREAT, 0644)))
			return die(path);
		snprintf(path, sizeof(path), "%s.go.%d", argv[3], k);
		if (wait_for(path))
			return 1;
	}
	if (close(fd))
		return die("close");
	free(buf);
	return 0;
}
