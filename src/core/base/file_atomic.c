// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/file_atomic.h"

int file__write_atomic(const char *path, mode_t mode, file_fill_fn fill, void *arg)
{
	const char *slash = strrchr(path, '/');
	char tmp[PATH_MAX];
	FILE *f;
	int fd, n, err = 0;

	if (!*path)
		return -ENOENT;
	if (slash)
		n = snprintf(tmp, sizeof(tmp), "%.*s/.%s.XXXXXX", (int)(slash - path), path,
			     slash + 1);
	else
		n = snprintf(tmp, sizeof(tmp), ".%s.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, mode) || !(f = fdopen(fd, "w"))) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err;
	}
	errno = 0;
	/* One lock for the whole content: fill writes it in many small pieces. */
	flockfile(f);
	err = fill(f, arg);
	funlockfile(f);
	if (!err && (fflush(f) || ferror(f) || fsync(fd)))
		err = errno ? -errno : -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}
