/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files written all or nothing: the body goes to a temporary file in the same directory, which is
 * synced and renamed over the path. On error the path is left as it was.
 */
#ifndef SKBTOP_ATOMIC_FILE_H
#define SKBTOP_ATOMIC_FILE_H

#include <stdio.h>
#include <sys/types.h>

/*
 * body writes to f (locked for it) and returns 0, or an -errno that abandons the file. Returns 0,
 * or -1 after p_err() naming the file.
 */
int atomic_file__write(const char *path, mode_t mode, int (*body)(FILE *f, const void *arg),
		       const void *arg);

#endif /* SKBTOP_ATOMIC_FILE_H */
