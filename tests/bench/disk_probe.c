/* disk_probe: how fast this disk makes a small append durable, now. botd
 * acknowledges a message only after an fdatasync of the WAL holding it, so
 * the open loop's round trips follow this number; on a shared VM it moves
 * by 2x within minutes, and the benchmark table shows it next to them.
 *
 *   disk_probe DIR [COUNT]
 *
 * Appends 8 KiB to a new file in DIR and fdatasyncs it, COUNT times
 * (default 300), then removes the file. Output: one line of key=value pairs,
 * the fdatasync times' p50, p99 and max in microseconds. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchutil.h"

static int
by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fputs("usage: disk_probe DIR [COUNT]\n", stderr);
		return 2;
	}
	long count = argc == 3 ? strtol(argv[2], NULL, 10) : 300;
	if (count < 10 || count > 100000) {
		fputs("disk_probe: COUNT must be 10-100000\n", stderr);
		return 2;
	}
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/disk_probe.XXXXXX", argv[1]) >= (int)sizeof(path)) {
		fputs("disk_probe: DIR is too long\n", stderr);
		return 2;
	}
	int fd = mkstemp(path);
	if (fd < 0) {
		fprintf(stderr, "disk_probe: cannot create a file in %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	unlink(path); /* gone when closed, whatever happens */
	static char block[8192];
	memset(block, 'x', sizeof(block));
	int64_t *t = calloc((size_t)count, sizeof(*t));
	if (!t) {
		close(fd);
		return 1;
	}
	int rc = 0;
	for (long i = 0; i < count && !rc; i++) {
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block)) {
			fprintf(stderr, "disk_probe: write: %s\n", strerror(errno));
			rc = 1;
			break;
		}
		int64_t t0 = bench_now_ns();
		if (fdatasync(fd) != 0) {
			fprintf(stderr, "disk_probe: fdatasync: %s\n", strerror(errno));
			rc = 1;
			break;
		}
		t[i] = bench_now_ns() - t0;
	}
	close(fd);
	if (!rc) {
		qsort(t, (size_t)count, sizeof(*t), by_value);
		printf("fsync_p50_us=%.0f fsync_p99_us=%.0f fsync_max_us=%.0f\n", t[count / 2] / 1e3,
		       t[count * 99 / 100] / 1e3, t[count - 1] / 1e3);
	}
	free(t);
	return rc;
}
