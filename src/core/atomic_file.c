// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "log.h"

int atomic_file__write(const char *path, mode_t mode, int (*body)(FILE *f, const void *arg),
		       const void *arg)
{
	char tmp[PATH_MAX];
	const char *slash = strrchr(path, '/');
	FILE *f = NULL;
	int fd, err = 0, rc;

	if (!*path) {
		p_err("export: empty file name");
		return -1;
	}
	if (slash)
		snprintf(tmp, sizeof(tmp), "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
	else
		snprintf(tmp, sizeof(tmp), ".%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		p_err("%s: cannot create a temporary file next to it: %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode))
		err = errno;
	f = err ? NULL : fdopen(fd, "w");
	if (!f) {
		err = err ? err : errno;
		close(fd);
		goto fail;
	}
	errno = 0;
	flockfile(f);
	rc = body(f, arg);
	funlockfile(f);
	if (rc)
		err = -rc;
	else if (fflush(f) || ferror(f) || fsync(fd))
		err = errno ? errno : EIO;
	if (fclose(f) && !err)
		err = errno;
	if (!err && rename(tmp, path))
		err = errno;
	if (!err)
		return 0;
fail:
	unlink(tmp);
	p_err("%s: cannot save: %s", path, strerror(err));
	return -1;
}
