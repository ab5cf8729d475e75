/* A VFS for the store's handle when it keeps the database in memory: SQLite's
 * default VFS with two changes, a memory mapping of the database file that
 * outlives other connections' changes to it, and a commit's WAL writes
 * gathered into one write (see rovfs.c for why). */
#ifndef BOT_ROVFS_H
#define BOT_ROVFS_H

#include <stdint.h>

struct sqlite3;

/* Registers the VFS on first use (not as the default) and returns its name,
 * for sqlite3_open_v2(). NULL when SQLite has no default VFS to wrap. */
const char *rovfs_name(void);

/* Maps DB's main file as it is now (what was written since it was opened
 * included) and reads every page once through the mapping, so that answers
 * find the pages mapped and in the OS page cache (a database not yet in the
 * OS cache is read from disk here, sequentially). Call outside any
 * statement. Sets *BYTES to what was touched (0 when DB does not use this VFS
 * or mapping is off) and returns 0, or -1 on an error. */
int rovfs_warm(struct sqlite3 *db, int64_t *bytes);

#endif
