/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Saving a file all or nothing: the content goes to a hidden temporary file beside the target,
 * is synced, and is renamed over it. A reader never sees half a file, and a failure leaves what
 * was there before.
 */
#ifndef SKBTOP_FILE_ATOMIC_H
#define SKBTOP_FILE_ATOMIC_H

#include <stdio.h>
#include <sys/types.h>

/* fill writes the content and returns 0, or -errno (-EIO when it has none). */
typedef int (*file_fill_fn)(FILE *f, void *arg);

/* Writes path with the given mode through fill. Returns 0, or -errno of what failed. */
int file__write_atomic(const char *path, mode_t mode, file_fill_fn fill, void *arg);

#endif /* SKBTOP_FILE_ATOMIC_H */
