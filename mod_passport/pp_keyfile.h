/*
 * pp_keyfile.h - reading and writing the files that hold keys (the
 * realm's key file, the p2p CA's key and certificate): whole, bounded,
 * wiped on failure; written so that a failure never leaves a partial
 * file. Apache-free.
 */
#ifndef PP_KEYFILE_H
#define PP_KEYFILE_H

#include <apr_pools.h>

/* The whole of path, NUL-terminated, its length in *len: at most
 * PP_KEY_FILE_MAX bytes (pp_keys.h), a bigger file refused. NULL and
 * *err naming the file and the system's error otherwise; what was read
 * is wiped then. A file that shrinks while it is read gives what it
 * holds. The caller wipes the text when done. */
char *pp_key_file_read(apr_pool_t *p, const char *path, apr_size_t *len,
                       const char **err);

/* Write len bytes of data to path so that path is either as it was or
 * complete: a temporary file beside it (same directory, so the rename
 * stays on one file system), mode as given, every write checked, fsync,
 * close, then a rename over path (replace) or to path if it does not
 * exist (!replace: an existing path is never touched). On any failure:
 * 0, path untouched, the temporary file removed, and *err naming the
 * file, the step and the system's error. For key files, CA keys and
 * certificates (passport-admin). */
int pp_key_file_write(apr_pool_t *p, const char *path, const char *data,
                      apr_size_t len, unsigned int mode, int replace,
                      const char **err);

#endif
