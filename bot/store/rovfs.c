/* The database handle's VFS when the store reads the whole file into memory
 * (store_options.warm_cache); it also gathers the WAL's writes. Like the
 * sq_*.c files and bulkload.c, it includes sqlite3.h: a VFS is written
 * against SQLite's VFS interface. Part of the SQLite backend (sq.h).
 *
 * Why it exists. In a large database (a million accounts are 2.4 GB) an
 * answer reads pages that no page cache of a sensible size holds: each is a
 * pread. SQLite's own memory mapping (PRAGMA mmap_size) would read them in
 * place, but SQLite unmaps the file whenever it sees that another
 * connection changed it (pagerBeginReadTransaction -> xUnfetch(NULL)): each
 * page is then a new page fault. Its mapping is also capped at 2 GB in
 * Debian's build (SQLITE_MAX_MMAP_SIZE).
 *
 * What it changes. The main database file of a handle opened with this VFS is
 * mapped once, at open, and the mapping is kept until the handle closes:
 * xUnfetch(NULL) only re-measures the file. And the WAL's writes of a commit
 * go to the file in one write instead of two per page ("the WAL's writes",
 * below). Everything else, including all reads that do not come from the
 * mapping, locking and the shared WAL index, is the default VFS's; SQLite
 * only ever reads through a mapping (a page it will write is copied into its
 * page cache first). Keeping the mapping is
 * safe because it is MAP_SHARED, a view of the OS page cache: checkpoints show
 * through it, pages newer than the file are read from the WAL (SQLite looks
 * there before it fetches), and a page is handed out only below the file
 * size last measured (SQLite's own mapping has the same bound).
 *
 * The mapping covers the file as it was when it was read into memory
 * (rovfs_warm, at the end of the store's open, after any migration) and does
 * not grow: pages added later (the daemon's own messages, new accounts) are
 * read as without it, through SQLite's page cache. So what the process has
 * mapped is the database it was started with, read once, and its RSS does
 * not grow with the file.
 *
 * The file descriptor to map is one SQLite already has open on the file
 * (found by device and inode in /proc/self/fd) and this file never closes
 * it: closing any descriptor of a file drops every POSIX lock the process
 * holds on it, SQLite's included. Without /proc, with an empty file, or if
 * mmap() fails, the handle reads as it would without a mapping. */
#include "rovfs.h"

#include <dirent.h>
#include <pthread.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

#define ROVFS_NAME "botd-mapped"

typedef struct ro_file {
	sqlite3_file base;
	sqlite3_file *real;      /* the default VFS's file, right after this struct */
	int is_main;             /* the main database file (the one mapped) */
	const char *name;        /* its path (SQLite keeps it until xClose) */
	unsigned char *map;      /* NULL: nothing mapped, SQLite reads with xRead */
	sqlite3_int64 mapped;    /* bytes mapped: the file's size at open */
	sqlite3_int64 valid;     /* pages below this are handed out */
	sqlite3_int64 limit;     /* PRAGMA mmap_size */
	int fetch_out;           /* pages handed out and not yet released */
	/* The WAL's writes, held to go out in one (see "the WAL's writes"). */
	struct ro_file *wal;     /* main file: its WAL while that is open */
	struct ro_file *db;      /* WAL: its main file */
	unsigned char *wbuf;     /* WAL: bytes written and not yet passed on */
	size_t wlen, wcap;
	sqlite3_int64 woff;      /* WAL: the file offset of wbuf[0] */
	int commit_next;         /* WAL: the next write ends a commit frame */
	int werr;                /* WAL: a write held back failed; said next */
} ro_file;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs ro_vfs;

/* Main files open through this VFS, for a WAL to find its own at open. */
static pthread_mutex_t open_mu = PTHREAD_MUTEX_INITIALIZER;
static ro_file *open_main[16];

/* ---- the mapping ------------------------------------------------------------- */

/* Re-reads the file size: pages are handed out below it, the mapping's end
 * and the limit, whichever is least. */
static void
ro_measure(ro_file *p)
{
	sqlite3_int64 size = 0;
	if (p->real->pMethods->xFileSize(p->real, &size) != SQLITE_OK)
		size = 0;
	if (size > p->limit)
		size = p->limit;
	p->valid = size < p->mapped ? size : p->mapped;
}

/* A descriptor of this process open for reading on the file NAME. */
static int
find_fd(const char *name)
{
	struct stat want, st;
	if (stat(name, &want) != 0)
		return -1;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	int found = -1, skip = dirfd(d);
	struct dirent *e;
	while (found < 0 && (e = readdir(d))) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		if (*end || end == e->d_name || fd == skip || fd < 0)
			continue;
		int fl = fcntl((int)fd, F_GETFL);
		if (fl < 0 || (fl & O_ACCMODE) == O_WRONLY || fstat((int)fd, &st) != 0)
			continue;
		if (S_ISREG(st.st_mode) && st.st_dev == want.st_dev && st.st_ino == want.st_ino)
			found = (int)fd;
	}
	closedir(d);
	return found;
}

/* Maps the file as it is now, replacing a smaller mapping (only while no
 * page of it is handed out). */
static void
ro_map(ro_file *p)
{
	sqlite3_int64 size = 0;
	if (p->fetch_out || p->real->pMethods->xFileSize(p->real, &size) != SQLITE_OK ||
	    size <= p->mapped || (sqlite3_int64)(size_t)size != size)
		return;
	int fd = find_fd(p->name);
	if (fd < 0)
		return;
	void *m = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return;
	if (p->map)
		munmap(p->map, (size_t)p->mapped);
	p->map = m;
	p->mapped = size;
	ro_measure(p);
}

/* ---- io methods: the default VFS's, but for fetches --------------------------- */

#define REAL(f) (((ro_file *)(f))->real)

/* ---- the WAL's writes ------------------------------------------------------------
 *
 * SQLite writes a WAL frame as two writes, its 24-byte header and then the
 * page, so a commit of 40 pages is 80 pwrite calls. Here they are held in a
 * buffer while they follow one another and go to the file in one write when
 * the commit's last frame (the one whose header carries the database size)
 * is complete: before SQLite publishes the commit in the shared WAL index,
 * so no other connection can look for a frame that is not in the file yet,
 * and inside the commit, so a failed write fails the commit. Anything else
 * that needs the file as written (a read, a sync, the size, a write
 * elsewhere, a close, a barrier on the shared index) passes the buffer on
 * first. Held bytes are never acknowledged: the daemon acknowledges a batch
 * only once its WAL is synced. */

enum { WAL_FRAME_HDR = 24, WAL_BUF_MAX = 8 << 20, WAL_WRITE_MAX = 124 << 10 };

/* Passes the held bytes on to the file. */
static int
wal_flush(ro_file *w)
{
	int rc = SQLITE_OK;
	/* The default VFS writes at most 128 KiB - 1 in one call (os_unix.c
	 * masks the length to 17 bits), so in pieces below that. */
	for (size_t done = 0; done < w->wlen && rc == SQLITE_OK; done += WAL_WRITE_MAX) {
		size_t n = w->wlen - done < WAL_WRITE_MAX ? w->wlen - done : WAL_WRITE_MAX;
		rc = w->real->pMethods->xWrite(w->real, w->wbuf + done, (int)n,
					       w->woff + (sqlite3_int64)done);
	}
	w->wlen = 0;
	w->commit_next = 0;
	if (rc != SQLITE_OK && !w->werr)
		w->werr = rc;
	return rc;
}

/* A failure of bytes held back, reported once by the next call. */
static int
wal_error(ro_file *w)
{
	int rc = w->werr;
	w->werr = SQLITE_OK;
	return rc;
}

static int
wal_write(ro_file *w, const void *buf, int n, sqlite3_int64 off)
{
	if (w->werr)
		return wal_error(w);
	/* A frame header whose database size is not 0 is a commit's last. */
	const unsigned char *b = buf;
	int commit_hdr = n == WAL_FRAME_HDR && (b[4] | b[5] | b[6] | b[7]);
	int ends_commit = w->commit_next;
	if (w->wlen && off != w->woff + (sqlite3_int64)w->wlen) {
		int rc = wal_flush(w);
		if (rc != SQLITE_OK)
			return wal_error(w);
		ends_commit = 0;
	}
	if (w->wlen + (size_t)n > w->wcap) {
		size_t cap = w->wcap ? w->wcap : 256 << 10;
		while (cap < w->wlen + (size_t)n && cap < WAL_BUF_MAX)
			cap *= 2;
		unsigned char *nb = cap >= w->wlen + (size_t)n ? realloc(w->wbuf, cap) : NULL;
		if (!nb) {
			/* Too big to hold or no memory: straight through. */
			int rc = wal_flush(w);
			if (rc != SQLITE_OK)
				return wal_error(w);
			return w->real->pMethods->xWrite(w->real, buf, n, off);
		}
		w->wbuf = nb;
		w->wcap = cap;
	}
	if (!w->wlen)
		w->woff = off;
	memcpy(w->wbuf + w->wlen, buf, (size_t)n);
	w->wlen += (size_t)n;
	w->commit_next = commit_hdr;
	if (ends_commit && !commit_hdr) {
		int rc = wal_flush(w);
		return rc == SQLITE_OK ? SQLITE_OK : wal_error(w);
	}
	return SQLITE_OK;
}

/* The held bytes out before anything that needs the file as written. */
static int
wal_settle(ro_file *w)
{
	if (w->wlen)
		wal_flush(w);
	return w->werr ? wal_error(w) : SQLITE_OK;
}

static int
ro_close(sqlite3_file *f)
{
	ro_file *p = (ro_file *)f;
	int held = SQLITE_OK;
	if (p->is_main || p->db) {
		pthread_mutex_lock(&open_mu);
		for (size_t i = 0; i < sizeof(open_main) / sizeof(open_main[0]); i++)
			if (open_main[i] == p)
				open_main[i] = NULL;
		if (p->db)
			p->db->wal = NULL;
		if (p->wal)
			p->wal->db = NULL;
		pthread_mutex_unlock(&open_mu);
	}
	if (p->db || p->wbuf)
		held = wal_settle(p);
	free(p->wbuf);
	p->wbuf = NULL;
	if (p->map)
		munmap(p->map, (size_t)p->mapped);
	p->map = NULL;
	int rc = p->real->pMethods->xClose(p->real);
	return rc != SQLITE_OK ? rc : held;
}

static int
ro_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	ro_file *p = (ro_file *)f;
	if (p->wlen || p->werr) {
		int rc = wal_settle(p);
		if (rc != SQLITE_OK)
			return rc;
	}
	return p->real->pMethods->xRead(p->real, buf, n, off);
}

static int
ro_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	ro_file *p = (ro_file *)f;
	if (p->db)
		return wal_write(p, buf, n, off);
	return p->real->pMethods->xWrite(p->real, buf, n, off);
}

static int
ro_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	ro_file *p = (ro_file *)f;
	int rc = wal_settle(p);
	if (rc != SQLITE_OK)
		return rc;
	if (p->map && size < p->valid)
		p->valid = size;
	return p->real->pMethods->xTruncate(p->real, size);
}

static int
ro_sync(sqlite3_file *f, int flags)
{
	ro_file *p = (ro_file *)f;
	int rc = wal_settle(p);
	return rc != SQLITE_OK ? rc : p->real->pMethods->xSync(p->real, flags);
}

static int
ro_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	ro_file *p = (ro_file *)f;
	int rc = wal_settle(p);
	return rc != SQLITE_OK ? rc : p->real->pMethods->xFileSize(p->real, size);
}

static int
ro_lock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int
ro_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int
ro_check_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
ro_file_control(sqlite3_file *f, int op, void *arg)
{
	ro_file *p = (ro_file *)f;
	if (p->is_main && op == SQLITE_FCNTL_MMAP_SIZE) {
		/* Same contract as the default VFS: report the old limit, set the
		 * new one when >= 0 and no page is out. The default VFS's own
		 * mapping stays off (its limit stays 0), mapped or not. */
		sqlite3_int64 want = *(sqlite3_int64 *)arg;
		*(sqlite3_int64 *)arg = p->limit;
		if (want >= 0 && p->fetch_out == 0) {
			p->limit = want;
			ro_measure(p);
		}
		return SQLITE_OK;
	}
	return p->real->pMethods->xFileControl(p->real, op, arg);
}

static int
ro_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
ro_device_chars(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
ro_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), region, size, extend, pp);
}

static int
ro_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void
ro_shm_barrier(sqlite3_file *f)
{
	/* Called on the main file when SQLite publishes a change of the WAL
	 * index: its WAL's bytes must be in the file first. A commit has
	 * passed them on already; this is for anything else. A failure here
	 * is kept and reported by the WAL's next call. */
	ro_file *p = (ro_file *)f;
	if (p->wal && p->wal->wlen)
		wal_flush(p->wal);
	p->real->pMethods->xShmBarrier(p->real);
}

static int
ro_shm_unmap(sqlite3_file *f, int delete_flag)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), delete_flag);
}

static int
ro_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
	ro_file *p = (ro_file *)f;
	if (!p->is_main)
		return p->real->pMethods->xFetch(p->real, off, amt, pp);
	*pp = NULL;
	if (!p->map || off < 0 || amt <= 0 || off + amt > p->limit || off + amt > p->mapped)
		return SQLITE_OK; /* SQLite reads it with xRead instead */
	if (off + amt > p->valid) {
		ro_measure(p);
		if (off + amt > p->valid)
			return SQLITE_OK;
	}
	*pp = p->map + off;
	p->fetch_out++;
	return SQLITE_OK;
}

static int
ro_unfetch(sqlite3_file *f, sqlite3_int64 off, void *page)
{
	ro_file *p = (ro_file *)f;
	if (!p->is_main)
		return p->real->pMethods->xUnfetch(p->real, off, page);
	if (page) {
		if (p->fetch_out > 0)
			p->fetch_out--;
		return SQLITE_OK;
	}
	/* SQLite asks to drop the mapping because the file may have changed
	 * size: measure it again and keep what is mapped. */
	if (p->map)
		ro_measure(p);
	return SQLITE_OK;
}

static const sqlite3_io_methods ro_methods = {
	3,
	ro_close,
	ro_read,
	ro_write,
	ro_truncate,
	ro_sync,
	ro_file_size,
	ro_lock,
	ro_unlock,
	ro_check_reserved,
	ro_file_control,
	ro_sector_size,
	ro_device_chars,
	ro_shm_map,
	ro_shm_lock,
	ro_shm_barrier,
	ro_shm_unmap,
	ro_fetch,
	ro_unfetch,
};

/* ---- the VFS: the default one, whose files are wrapped -------------------------- */

static int
ro_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	ro_file *p = (ro_file *)f;
	memset(p, 0, sizeof(*p));
	p->real = (sqlite3_file *)(p + 1);
	int rc = real_vfs->xOpen(real_vfs, name, p->real, flags, out_flags);
	/* SQLite calls xClose only when pMethods is set: follow the real file. */
	p->base.pMethods = p->real->pMethods ? &ro_methods : NULL;
	if (rc == SQLITE_OK && p->real->pMethods && (flags & SQLITE_OPEN_MAIN_DB) && name &&
	    p->real->pMethods->iVersion >= 3) {
		p->is_main = 1;
		p->name = name;
		ro_map(p);
		pthread_mutex_lock(&open_mu);
		for (size_t i = 0; i < sizeof(open_main) / sizeof(open_main[0]); i++) {
			if (!open_main[i]) {
				open_main[i] = p;
				break;
			}
		}
		pthread_mutex_unlock(&open_mu);
	}
	/* A WAL whose main file is open here holds its writes (see "the WAL's
	 * writes"); without one to flush it at a barrier, it writes through. */
	if (rc == SQLITE_OK && p->real->pMethods && (flags & SQLITE_OPEN_WAL) && name) {
		size_t n = strlen(name);
		pthread_mutex_lock(&open_mu);
		for (size_t i = 0; i < sizeof(open_main) / sizeof(open_main[0]); i++) {
			ro_file *m = open_main[i];
			if (m && !m->wal && n == strlen(m->name) + 4 &&
			    !strncmp(name, m->name, n - 4) && !strcmp(name + n - 4, "-wal")) {
				m->wal = p;
				p->db = m;
				break;
			}
		}
		pthread_mutex_unlock(&open_mu);
	}
	return rc;
}

static int
ro_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int
ro_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int
ro_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *
ro_dlopen(sqlite3_vfs *vfs, const char *name)
{
	return real_vfs->xDlOpen(real_vfs, name);
}

static void
ro_dlerror(sqlite3_vfs *vfs, int n, char *out)
{
	real_vfs->xDlError(real_vfs, n, out);
}

static void (*ro_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	return real_vfs->xDlSym(real_vfs, h, sym);
}

static void
ro_dlclose(sqlite3_vfs *vfs, void *h)
{
	real_vfs->xDlClose(real_vfs, h);
}

static int
ro_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int
ro_sleep(sqlite3_vfs *vfs, int us)
{
	return real_vfs->xSleep(real_vfs, us);
}

static int
ro_current_time(sqlite3_vfs *vfs, double *out)
{
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int
ro_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int
ro_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	if (real_vfs->iVersion >= 2 && real_vfs->xCurrentTimeInt64)
		return real_vfs->xCurrentTimeInt64(real_vfs, out);
	double d = 0;
	int rc = real_vfs->xCurrentTime(real_vfs, &d);
	*out = (sqlite3_int64)(d * 86400000.0);
	return rc;
}

const char *
rovfs_name(void)
{
	if (real_vfs)
		return ROVFS_NAME;
	sqlite3_vfs *def = sqlite3_vfs_find(NULL);
	if (!def)
		return NULL;
	ro_vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(ro_file) + def->szOsFile,
		.mxPathname = def->mxPathname,
		.zName = ROVFS_NAME,
		.xOpen = ro_open,
		.xDelete = ro_delete,
		.xAccess = ro_access,
		.xFullPathname = ro_full_pathname,
		.xDlOpen = ro_dlopen,
		.xDlError = ro_dlerror,
		.xDlSym = ro_dlsym,
		.xDlClose = ro_dlclose,
		.xRandomness = ro_randomness,
		.xSleep = ro_sleep,
		.xCurrentTime = ro_current_time,
		.xGetLastError = ro_last_error,
		.xCurrentTimeInt64 = ro_current_time64,
	};
	real_vfs = def;
	if (sqlite3_vfs_register(&ro_vfs, 0) != SQLITE_OK) {
		real_vfs = NULL;
		return NULL;
	}
	return ROVFS_NAME;
}

int
rovfs_warm(sqlite3 *db, int64_t *bytes)
{
	*bytes = 0;
	sqlite3_file *f = NULL;
	if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK)
		return -1;
	if (!f || f->pMethods != &ro_methods)
		return 0;
	ro_file *p = (ro_file *)f;
	if (!p->is_main || p->limit <= 0)
		return 0;
	/* What the store wrote since the open (schema, migrations) too. */
	ro_map(p);
	if (!p->map)
		return 0;
	ro_measure(p);
	size_t n = (size_t)p->valid, pg = (size_t)sysconf(_SC_PAGESIZE);
	/* Read ahead the whole range and map it in one call where the kernel
	 * can (Linux 5.14), then take every page once: the pages a call maps
	 * are still slow the first time they are touched on some virtual
	 * machines, and on older kernels this loop does the mapping itself. */
	madvise(p->map, n, MADV_WILLNEED);
	madvise(p->map, n, MADV_POPULATE_READ);
	unsigned sum = 0;
	for (size_t o = 0; o < n; o += pg)
		sum += ((volatile unsigned char *)p->map)[o];
	(void)sum;
	*bytes = (int64_t)n;
	return 0;
}
